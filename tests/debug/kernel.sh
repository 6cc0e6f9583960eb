#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel tests/debug/mode.sh boots, and print the
# directory of its build tree: bzImage at arch/x86/boot/bzImage, and a
# tree to build external modules against (make -C DIR M=...).
#
#   tests/debug/kernel.sh            build if needed, print the build dir
#   tests/debug/kernel.sh --source   also print the source dir (2nd line)
#   tests/debug/kernel.sh --unpack   only fetch and unpack the source, and
#                                    print its dir (tests/lint.sh's
#                                    checkpatch.pl comes from there)
#
# The source is Debian's linux-source-6.12 package of bookworm-security,
# fetched with apt-get download through the harness's private apt
# configuration (tests/vm/apt.sh) and unpacked with dpkg-deb -x (nothing
# is installed).
# The kernel is "make tinyconfig" + tests/debug/debug.config (merged with
# scripts/kconfig/merge_config.sh) + "make olddefconfig", built with O=
# outside the source, with clang and LLVM's tools (LLVM=1): it is the
# matrix's kernel built with clang, as Android's, ChromeOS's and some
# distributions' are, whose headers make then builds the module for with
# LLVM=1 by itself (KASAN, kmemleak, lockdep and UBSAN work with clang).
# Everything lives under
#   ${RUSTWHERE_CACHE:-~/.cache/rustwhere}/debug-kernel/
#     src-VERSION/                 the unpacked source
#     build-VERSION-FRAGHASH/      the build, reused while both stay equal
# Environment: DEBUG_KERNEL_VERSION (a linux-source-6.12 version; default:
# apt's candidate), JOBS (make -j, default 2).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vm/apt.sh"
suite=bookworm-security
cache=$cache/debug-kernel
frag=$here/debug.config
pkg=linux-source-6.12
jobs=${JOBS:-2}

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

mkdir -p "$cache"

version() {
	if [ -n "${DEBUG_KERNEL_VERSION:-}" ]; then
		echo "$DEBUG_KERNEL_VERSION"
		return
	fi
	v=$(apt_suite "$suite" apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		# No package lists: a tree built before is as good.
		v=$(for c in "$cache"/src-*/.complete; do [ -e "$c" ] && echo "$c"; done |
			sed 's|.*/src-\(.*\)/.complete|\1|' | sort -V | tail -n 1)
	fi
	[ -n "$v" ] || die "$suite serves no $pkg, and no source was unpacked before"
	echo "$v"
}

# source VERSION: the unpacked tree, fetched once, under a lock of its own:
# tests/lint.sh's --unpack need not wait for a build that holds the build
# lock (and has unpacked the tree first).
source_tree() {
	dir=$cache/src-$1
	exec 8> "$cache/.src.lock"
	flock 8
	if [ ! -f "$dir/.complete" ]; then
		say "fetching $pkg $1"
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		(cd "$dir/deb" && apt_suite "$suite" apt-get download -q "$pkg=$1" >&2) ||
			die "apt-get download $pkg=$1 failed"
		dpkg-deb -x "$dir"/deb/*.deb "$dir/deb/x"
		tarball=$(ls "$dir"/deb/x/usr/src/linux-source-*.tar.xz) || die "no tarball in $pkg"
		tar -C "$dir" -xJf "$tarball"
		rm -rf "$dir/deb"
		[ -f "$dir/linux-source-6.12/Makefile" ] || die "no kernel source in $tarball"
		touch "$dir/.complete"
	fi
	exec 8>&-
	echo "$dir/linux-source-6.12"
}

# check_config CONFIG: every line of the fragment holds in CONFIG.
check_config() {
	bad=
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) ;;
		*) continue ;;
		esac
		opt=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$1" && bad="$bad $opt=n (is $(grep "^$opt=" "$1"))"
		else
			grep -qxF "$line" "$1" || bad="$bad $line (is $(grep "^$opt=" "$1" || echo 'not set'))"
		fi
	done < "$frag"
	[ -z "$bad" ] || die "options of $frag did not stick:$bad"
}

ver=$(version)
kmake="make -s LLVM=1"
hash=$({ echo "$kmake"; cat "$frag"; } | sha256sum | cut -c1-12)
out=$cache/build-$ver-$hash

if [ "${1:-}" = --unpack ]; then
	source_tree "$ver"
	exit
fi

# One build at a time per cache.
exec 9> "$cache/.lock"
flock 9

if [ ! -f "$out/.complete" ]; then
	src=$(source_tree "$ver")
	say "building $pkg $ver + $(basename "$frag") ($hash) in $out (make -j$jobs; a few minutes)"
	start=$(date +%s)
	rm -rf "$out"
	mkdir -p "$out"
	$kmake -C "$src" O="$out" tinyconfig > "$out/build.log" 2>&1 || die "tinyconfig failed: see $out/build.log"
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$frag") >> "$out/build.log" 2>&1 ||
		die "merge_config.sh failed: see $out/build.log"
	$kmake -C "$src" O="$out" olddefconfig >> "$out/build.log" 2>&1 || die "olddefconfig failed: see $out/build.log"
	check_config "$out/.config"
	# bzImage, then the (no) in-tree modules: that writes Module.symvers,
	# which external modules need.
	$kmake -C "$src" O="$out" -j"$jobs" bzImage >> "$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "bzImage failed: see $out/build.log"; }
	$kmake -C "$src" O="$out" -j"$jobs" modules >> "$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "modules failed: see $out/build.log"; }
	if [ ! -f "$out/arch/x86/boot/bzImage" ] || [ ! -f "$out/Module.symvers" ]; then
		die "no bzImage or Module.symvers in $out"
	fi
	echo "$ver $hash $(($(date +%s) - start))" > "$out/.complete"
	say "built in $(($(date +%s) - start)) s"
	# Older builds and sources are stale now: 0.4 and 1.7 GB each.
	for old in "$cache"/build-* "$cache"/src-*; do
		case $old in
		"$out"|"$cache/src-$ver") ;;
		*) say "removing the stale $old"; rm -rf "$old" ;;
		esac
	done
fi
# Checked on every run, not only after a build.
check_config "$out/.config"
echo "$out"
if [ "${1:-}" = --source ]; then
	source_tree "$ver"
fi
