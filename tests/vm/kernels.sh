#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Find and fetch the Debian kernels the tests boot.
#
#   kernels.sh list         the rows to test, one a line:
#                           SUITE ARCH FLAVOUR RELEASE VERSION
#                           (RELEASE and VERSION are "-" where the archive
#                           no longer serves the row, with the reason on
#                           standard error)
#   kernels.sh fetch ROW    download and unpack the image and headers of
#                           ROW (SUITE/RELEASE, or RELEASE alone) into
#                           $RUSTWHERE_CACHE/kernels/RELEASE; print that
#                           directory.  Its file "row" says, as shell
#                           assignments, what the build and the boot need.
#                           Exit 3: the lists name it, the archive does
#                           not serve its files (a row not available).
#   kernels.sh fetch debug  the same for the debug kernel (tests/debug/kernel.sh)
#
# The rows are tests/vm/matrix, each resolved to the newest ABI that its
# Debian release's suites serve (RELEASE, RELEASE-security and
# RELEASE-updates, as apt on an up-to-date machine picks it); KVERS (space-separated rows, e.g. "6.1.0-50-amd64
# sid/7.2.13+deb14-arm64") overrides it.  Everything comes from the
# private apt configuration of each suite (tests/vm/apt.sh), fetched with
# apt-get download and unpacked with dpkg-deb -x: nothing is installed on
# the host, and the host's release does not matter.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/apt.sh"

die() { echo "kernels.sh: $*" >&2; exit 1; }

host_arch=$(dpkg --print-architecture)

# arch_of RELEASE: the Debian architecture a kernel flavour is built for.
arch_of() {
	case $1 in
	*-amd64) echo amd64 ;;
	*-arm64|*-arm64-16k) echo arm64 ;;
	*-686|*-686-pae) echo i386 ;;
	*-armmp|*-armmp-lpae) echo armhf ;;
	*-s390x) echo s390x ;;
	*) return 1 ;;
	esac
}

# flavour_of RELEASE: generic, rt or cloud.
flavour_of() {
	case $1 in
	*-rt-*) echo rt ;;
	*-cloud-*) echo cloud ;;
	*) echo generic ;;
	esac
}

# build_suite SUITE: the suite whose compiler and libraries build for it.
build_suite() {
	case $1 in
	experimental) echo sid ;;
	*) echo "${1%%-*}" ;;
	esac
}

# index SUITE: "NAME ARCH VERSION DEPENDS" of each kernel, headers and
# kbuild package SUITE serves, read from its package lists once per
# update of them (an apt-cache call reads them all, each time).
index() {
	idx=$cache/apt/$1/kernels.idx
	case " $index_ok " in
	*" $1 "*) ;;
	*)
		case " $index_bad " in *" $1 "*) return 1 ;; esac
		apt_suite "$1" true || return 1
		;;
	esac
	if [ ! -f "$idx" ] || [ -n "$(find "$cache/apt/$1/stamp" -newer "$idx" 2> /dev/null)" ]; then
		/usr/lib/apt/apt-helper cat-file "$cache/apt/$1"/lists/*_Packages* |
			awk '/^Package: / { p = $2 } /^Architecture: / { a = $2 } /^Version: / { v = $2 }
				/^Depends: / { d = substr($0, 10) }
				/^$/ { if (p ~ /^linux-(headers|image|binary|kbuild)-/) print p, a, v, d; p = a = v = d = "" }' \
			> "$idx.tmp" && mv "$idx.tmp" "$idx"
	fi
	cat "$idx"
}

# field SUITE PACKAGE ARCH N: field N of PACKAGE (for ARCH or all) in
# SUITE's index, newest version first; fails where SUITE has no PACKAGE.
field() {
	index "$1" | awk -v p="$2" -v a="$3" -v n="$4" \
		'$1 == p && ($2 == a || $2 == "all") { if (n == 4) { $1 = $2 = $3 = ""; sub(/^ +/, "") ; print } else print $n }' |
		sort -rV | head -n 1 | grep .
}

# suites_of RELEASE: the suites apt on an up-to-date machine of RELEASE
# takes its kernel from (sid and experimental have no others).
suites_of() {
	case $1 in
	sid | unstable | experimental) echo "$1" ;;
	*) echo "$1 $1-security $1-updates" ;;
	esac
}

# newest RELEASE SERIES ARCH FLAVOUR: "SUITE KERNEL VERSION" of the newest
# ABI of SERIES for ARCH across RELEASE's suites, as apt would pick it.  A
# suite whose lists for ARCH could not be fetched (a mirror fault, which
# apt.sh has named) is left out, and that is said: the row is then the
# newest ABI that is served, not the newest there is.
newest() {
	for _n_s in $(suites_of "$1"); do
		if ! index "$_n_s" > /dev/null || grep -qsx "$3" "$cache/apt/$_n_s/unserved"; then
			echo "kernels.sh: $_n_s has no package lists for $3 (a mirror fault): the $1 $2 $4 row is the newest ABI of the other suites" >&2
			continue
		fi
		resolve "$_n_s" "$2" "$3" "$4" | sed "s/^/$_n_s /"
	done | sort -k3,3rV -k1,1 | head -n 1
}

# resolve SUITE SERIES ARCH FLAVOUR: "RELEASE VERSION" of the newest release
# of SERIES with both headers and an image for ARCH in SUITE, and the
# version of its headers.
resolve() {
	index "$1" | awk -v a="$3" -v s="$2" -v f="$4" '
		BEGIN {
			gsub(/\./, "\\.", s)
			re = "^" s "(\\.[0-9]+)*(-[0-9][0-9.]*|\\+deb[0-9.]+)?-" f "$"
		}
		$2 != a { next }
		$1 ~ /^linux-(image|binary)-/ { sub(/^linux-(image|binary)-/, "", $1); img[$1] = 1; next }
		$1 ~ /^linux-headers-/ { r = substr($1, 15); if (r ~ re) hdr[r " " $3] = r }
		END { for (h in hdr) if (hdr[h] in img) print h }' | sort -k2,2rV -k1,1rV | head -n 1
}

# version_of SUITE RELEASE ARCH: the version of RELEASE's headers.
version_of() {
	field "$1" "linux-headers-$2" "$3" 3
}

# matrix_suites: every suite of the matrix's releases, one a line.
matrix_suites() {
	sed 's/#.*//' "$here/matrix" | awk 'NF && !seen[$1]++ { print $1 }' |
		while read -r _ms_r; do suites_of "$_ms_r" | tr ' ' '\n'; done
}

# index_ok, index_bad: the suites whose lists are up to date, and those
# that could not be fetched, so that each is asked once (index runs in
# subshells, which cannot tell the shell).
index_ok=
index_bad=
check_suites() {
	for _cs_s in "$@"; do
		if apt_suite "$_cs_s" true; then
			index_ok="$index_ok $_cs_s"
		else
			index_bad="$index_bad $_cs_s"
		fi
	done
}

list() {
	# shellcheck disable=SC2046 # the suites, as words
	check_suites $(matrix_suites)
	if [ -n "${KVERS:-}" ]; then
		for row in $KVERS; do
			rel=${row#*/}
			arch=$(arch_of "$rel") || die "$rel: no Debian architecture has this flavour"
			suite=$(suite_of "$row") || die "$rel: no suite of tests/vm/matrix serves it"
			echo "$suite $arch $(flavour_of "$rel") $rel $(version_of "$suite" "$rel" "$arch")"
		done
		return
	fi
	sed 's/#.*//' "$here/matrix" | while read -r debrel series arch flavour; do
		[ -n "$debrel" ] || continue
		# shellcheck disable=SC2046 # SUITE KERNEL VERSION, as words
		set -- $(newest "$debrel" "$series" "$arch" "$flavour")
		if [ $# -ne 3 ]; then
			echo "kernels.sh: $(suites_of "$debrel" | sed 's/ /, /g') serve no $series kernel with headers for $arch ($flavour): not available" >&2
			echo "$debrel $arch $(flavour_of "x-$flavour") - -"
			continue
		fi
		echo "$1 $arch $(flavour_of "$2") $2 $3"
	done
}

# suite_of ROW: the suite of SUITE/RELEASE, or the first suite of the
# matrix that has RELEASE's headers.
suite_of() {
	case $1 in
	*/*) echo "${1%%/*}"; return ;;
	esac
	matrix_suites | while read -r s; do
		if field "$s" "linux-headers-$1" "$(arch_of "$1")" 1 < /dev/null > /dev/null; then
			echo "$s"
			break
		fi
	done | grep .
}

fetch() {
	rel=${1#*/}
	arch=$(arch_of "$rel") || die "$rel: no Debian architecture has this flavour"
	dir=$cache/kernels/$rel
	# One fetch of a row at a time (tests/warm.sh fetches ahead).
	mkdir -p "$cache/kernels"
	exec 9> "$cache/kernels/$rel.lock"
	flock 9
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return
	fi
	suite=$(suite_of "$1") || die "$rel: no suite of tests/vm/matrix serves it"
	version=$(version_of "$suite" "$rel" "$arch")
	[ -n "$version" ] || die "$suite has no linux-headers-$rel for $arch"
	deps=$(field "$suite" "linux-headers-$rel" "$arch" 4)
	# The headers' own parts (-common, -common-rt), the host tools of the
	# same version built for this machine, and the compiler they name.
	pkgs="linux-headers-$rel:$arch"
	kbuild=
	for p in $(echo "$deps" | tr '|' ',' | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
		case $p in
		linux-headers-*) pkgs="$pkgs $p" ;;
		linux-kbuild-*) pkgs="$pkgs $p:$host_arch=$version" kbuild=$p ;;
		esac
	done
	[ -n "$kbuild" ] || die "linux-headers-$rel names no linux-kbuild package: $deps"
	# What the host tools need, to be installed in the build root.
	libs=$(field "$suite" "$kbuild" "$host_arch" 4 | tr '|' ',' | tr ',' '\n' | sed 's/(.*//; s/ //g' |
		grep -vx 'libc6' | tr '\n' ' ')
	gcc=$(echo "$deps" | tr '|' ',' | tr ',' '\n' | sed -n 's/^ *\(linux-compiler-\)\{0,1\}gcc-\([0-9][0-9]*\).*/\2/p' | head -n 1)
	[ -n "$gcc" ] || die "linux-headers-$rel names no compiler: $deps"
	# 7.x: the kernel alone is in linux-binary-RELEASE, in /usr/lib/modules.
	if field "$suite" "linux-binary-$rel" "$arch" 1 > /dev/null; then
		pkgs="$pkgs linux-binary-$rel:$arch"
		vmlinuz=usr/lib/modules/$rel/vmlinuz
	else
		pkgs="$pkgs linux-image-$rel:$arch"
		vmlinuz=boot/vmlinuz-$rel
	fi
	rm -rf "$dir"
	mkdir -p "$dir/debs" "$dir/root"
	# shellcheck disable=SC2086 # $pkgs is a list of package names
	# A kernel the lists name but whose files the archive does not serve
	# (404: seen for trixie's s390x kernels) is not available, exit 3:
	# the row is skipped and named, never failed.
	if ! (cd "$dir/debs" && apt_suite "$suite" apt-get download -q $pkgs > "$dir/download.log" 2>&1); then
		tail -n 5 "$dir/download.log" >&2
		if grep -q ' 404 *Not Found' "$dir/download.log"; then
			echo "kernels.sh: $suite lists $rel, but the archive does not serve its files (404)" >&2
			exit 3
		fi
		die "apt-get download failed for $rel ($suite)"
	fi
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	rm -rf "$dir/debs"
	hdr=$dir/root/usr/src/linux-headers-$rel
	[ -f "$hdr/Makefile" ] || die "no headers in the packages of $rel"
	# The arch headers' Makefile includes the -common tree by its
	# absolute /usr/src path; point it at the unpacked copy.
	sed -i "s|/usr/src/|$dir/root/usr/src/|g" "$hdr/Makefile"
	[ -f "$dir/root/$vmlinuz" ] || die "no vmlinuz in the packages of $rel"
	case $arch in
	arm64) cross=aarch64-linux-gnu- ;;
	armhf) cross=arm-linux-gnueabihf- ;;
	s390x) cross=s390x-linux-gnu- ;;
	*) cross= ;;
	esac
	# The compiler the headers name (7.x names the target's triplet even
	# natively: gcc-16 has it), for this machine or as a cross compiler.
	cc_pkg=gcc-$gcc
	[ -n "$cross" ] && cc_pkg=gcc-$gcc-${cross%-}
	cat > "$dir/row" <<-EOF
	suite=$suite
	build_suite=$(build_suite "$suite")
	arch=$arch
	flavour=$(flavour_of "$rel")
	release=$rel
	version=$version
	gcc=$gcc
	cross=$cross
	root_pkgs="$cc_pkg $libs"
	kdir=$hdr
	vmlinuz=$dir/root/$vmlinuz
	EOF
	touch "$dir/.complete"
	echo "$dir"
}

# fetch_debug: the row of the debug kernel, built by tests/debug/kernel.sh
# with this machine's clang, and its source (ksrc).
fetch_debug() {
	dirs=$("$top/tests/debug/kernel.sh" --source) || die "the debug kernel did not build"
	kdir=$(echo "$dirs" | sed -n 1p)
	dir=$cache/debug-kernel
	cat > "$dir/row" <<-EOF
	suite=debug
	build_suite=
	arch=amd64
	flavour=debug
	release=$(cat "$kdir/include/config/kernel.release")
	cross=
	root_pkgs=
	kdir=$kdir
	ksrc=$(echo "$dirs" | sed -n 2p)
	vmlinuz=$kdir/arch/x86/boot/bzImage
	EOF
	echo "$dir"
}

case ${1:-} in
list) list ;;
fetch) [ $# -eq 2 ] || die "usage: kernels.sh fetch [SUITE/]RELEASE|debug"
	if [ "$2" = debug ]; then fetch_debug; else fetch "$2"; fi ;;
*) die "usage: kernels.sh list | fetch [SUITE/]RELEASE" ;;
esac
