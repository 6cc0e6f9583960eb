#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build roots: one minimal Debian root per suite, in which the module is
# built with the compiler and the libraries of the kernel's own release
# (trixie's and sid's headers name gcc-14 and gcc-16, and their host tools
# need that release's glibc), whatever the host runs.
#
#   roots.sh ensure SUITE [PKG...]   the root of SUITE, made once with
#                                    mmdebstrap --variant=minbase and kept
#                                    in $RUSTWHERE_CACHE/roots/SUITE; PKG
#                                    installed in it where missing; prints
#                                    its path
#   roots.sh run SUITE CMD [ARG...]  CMD in that root, as root, with /proc
#                                    and /dev mounted and the project, the
#                                    build directory (O) and the cache at the
#                                    same paths as outside
#   roots.sh chroot DIR CMD [ARG...] CMD in the root at DIR (any root, such
#                                    as tests/pkg's throwaway ones), with
#                                    /proc and /dev mounted and nothing
#                                    else
#
# A root is remade when it is a week old.  The mounts live in a mount
# namespace of their own (unshare), gone when CMD ends.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
. "$here/apt.sh"

die() { echo "roots.sh: $*" >&2; exit 1; }

# The base of every root: what builds a module and runs its tools (W=1
# runs scripts/kernel-doc: perl, and python3 from 6.13).
base_pkgs="make libc6-dev kmod xz-utils perl python3"

ensure() {
	suite=$1
	shift
	root=$cache/roots/$suite
	mkdir -p "$cache/roots"
	exec 9> "$cache/roots/$suite.lock"
	flock 9
	if [ ! -f "$root/.complete" ] || [ -n "$(find "$root/.complete" -mtime +6)" ]; then
		rm -rf "$root"
		echo "roots.sh: making the $suite root with mmdebstrap (about a minute)" >&2
		mmdebstrap --variant=minbase --include="$(echo "$base_pkgs" | tr ' ' ,)" \
			--aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Languages "none"' \
			--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*' \
			"$suite" "$root" "deb $(apt_mirror "$suite") $suite main" \
			> "$cache/roots/$suite.log" 2>&1 ||
			{ tail -n 20 "$cache/roots/$suite.log" >&2; rm -rf "$root"; die "mmdebstrap $suite failed"; }
		touch "$root/.complete"
	fi
	# A package is there when installed for the architecture asked (name:arch),
	# or else the root's own or "all": libsmartcols-dev:arm64 is not
	# libsmartcols-dev.
	native=$(chroot "$root" dpkg --print-architecture)
	missing=
	for p in $base_pkgs "$@"; do
		case $p in
		*:*) name=${p%:*} want=${p#*:} ;;
		*) name=$p want="$native|all" ;;
		esac
		# shellcheck disable=SC2016 # dpkg-query's fields, not the shell's
		chroot "$root" dpkg-query -W -f='${Architecture} ${Status}\n' "$name" 2> /dev/null |
			grep -Eq "^($want) .* installed$" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "roots.sh: installing in the $suite root:$missing" >&2
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null || true
		# Packages of other architectures (name:arch) need them enabled.
		archs=$(echo "$missing" | tr ' ' '\n' | sed -n 's/.*:\(.*\)/\1/p' | sort -u | tr '\n' ' ')
		# shellcheck disable=SC2086,SC2016 # a list of package names; the inner sh expands $0 and $@
		run "$suite" sh -c 'for a in $0; do dpkg --add-architecture "$a"; done &&
			apt-get update -q && apt-get install -y -q --no-install-recommends "$@"' "$archs" $missing \
			> "$cache/roots/$suite-install.log" 2>&1 ||
			{ tail -n 20 "$cache/roots/$suite-install.log" >&2; die "cannot install$missing in the $suite root"; }
	fi
	echo "$root"
}

# in_root ROOT [DIR...] -- CMD [ARG...]: CMD chrooted in ROOT, with /proc,
# /dev and each DIR (at its own path) mounted in a mount namespace.
in_root() {
	# shellcheck disable=SC2016 # the inner sh expands $1 and $@
	unshare --mount --propagation private sh -c '
		root=$1
		shift
		mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" || exit 1
		for d in "$@"; do
			[ "$d" = -- ] && break
			mount --bind "$d" "$root$d" || exit 1
			shift
		done
		shift
		exec chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"' sh "$@"
}

run() {
	root=$cache/roots/$1
	shift
	[ -f "$root/.complete" ] || die "no root at $root: roots.sh ensure first"
	for d in "$top" "$O" "$cache"; do
		mkdir -p "$d" "$root$d"
	done
	in_root "$root" "$top" "$O" "$cache" -- "$@"
}

case ${1:-} in
ensure) [ $# -ge 2 ] || die "usage: roots.sh ensure SUITE [PKG...]"; shift; ensure "$@" ;;
run) [ $# -ge 3 ] || die "usage: roots.sh run SUITE CMD [ARG...]"; shift; run "$@" ;;
chroot)
	[ $# -ge 3 ] || die "usage: roots.sh chroot DIR CMD [ARG...]"
	if [ ! -d "$2/proc" ] || [ ! -d "$2/dev" ]; then
		die "no root at $2"
	fi
	shift
	root=$1
	shift
	in_root "$root" -- "$@"
	;;
*) die "usage: roots.sh ensure SUITE [PKG...] | run SUITE CMD [ARG...] | chroot DIR CMD [ARG...]" ;;
esac
