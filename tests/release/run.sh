#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The reader on each Debian release, whatever the host runs: in a root of
# the release (tests/vm/roots.sh), it builds warning-free (-Wall -Wextra
# -Werror) with the release's gcc and with its clang, and the host tests
# (tests/host/run.sh, which build and run it with both, under valgrind and
# ASan too) pass there.  Prints TAP and "N passed, N failed".
#
#   tests/release/run.sh [RELEASE...]   default: bookworm trixie sid, but
#                                       this host's own Debian release
#   tests/release/run.sh --roots [RELEASE...]
#                                       only make the roots (tests/warm.sh)
#
# Needs root (the roots are chroots); the packages come from the archive
# into the roots, not into the host.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
export O
logs=$O/release
TAP_LOG_DIR=$logs
. "$top/tests/tap.sh"

# What tests/host/run.sh needs (its "Needs" line), and the compilers.
pkgs="make gcc clang libclang-rt-dev libc6-dev libsmartcols-dev pkg-config valgrind jq
	util-linux bsdutils groff-base man-db python3 zsh fish"
roots=$top/tests/vm/roots.sh

# releases: the releases of a run with none named: bookworm trixie sid, but
# this host's own Debian release, which has had the host suite (tests/
# host/run.sh, the first suite of make check) with its own gcc, clang and
# libraries: a root of it would run the same again.
releases() {
	own=$(. /etc/os-release 2> /dev/null && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}")
	for r in bookworm trixie sid; do
		if [ "$r" = "$own" ]; then
			echo "# $r is this host's release: its proof is the host suite, run here" >&2
		else
			echo "$r"
		fi
	done
}

if [ "${1:-}" = --roots ]; then
	shift
	# shellcheck disable=SC2046 # a list of release names
	[ $# -gt 0 ] || set -- $(releases 2> /dev/null)
	for r in "$@"; do
		# shellcheck disable=SC2086 # a list of package names
		"$roots" ensure "$r" $pkgs || exit 1
	done
	exit 0
fi

[ "$(id -u)" -eq 0 ] || bail "tests/release/run.sh needs root (chroot)"
rm -rf "$logs"
mkdir -p "$logs" || bail "cannot create $logs"
# shellcheck disable=SC2046 # a list of release names
[ $# -gt 0 ] || set -- $(releases)

for r in "$@"; do
	# shellcheck disable=SC2086 # a list of package names
	if ! "$roots" ensure "$r" $pkgs > "$logs/$r-root.log" 2>&1; then
		not_ok "[$r] a $r root with gcc, clang and the host tests' tools" "$(tail -n 20 "$logs/$r-root.log")"
		continue
	fi
	gv=$("$roots" run "$r" gcc -dumpfullversion 2> /dev/null)
	cv=$("$roots" run "$r" clang -dumpversion 2> /dev/null)
	for cc in gcc clang; do
		[ "$cc" = gcc ] && v=$gv || v=$cv
		check "[$r] the reader builds with $r's $cc $v, -Wall -Wextra -Werror" \
			"$roots" run "$r" make -s -C "$top/userspace" OBJDIR="$logs/$r-$cc" CC="$cc" \
			EXTRA_CFLAGS=-Werror
	done
	"$roots" run "$r" "$top/tests/host/run.sh" > "$logs/$r-host.log" 2>&1
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$r-host.log" | tail -n 1)
	case $line in
	"0 passed"* | "") not_ok "[$r] the host tests (gcc $gv, clang $cv)" \
		"no result: $(tail -n 20 "$logs/$r-host.log")" ;;
	*" 0 failed"*) ok "[$r] the host tests pass (gcc $gv, clang $cv): $line" ;;
	*) not_ok "[$r] the host tests (gcc $gv, clang $cv): $line" \
		"$(grep -A 8 '^not ok' "$logs/$r-host.log" | head -n 60)" ;;
	esac
done
tap_end
