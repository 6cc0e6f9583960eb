#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Find and fetch the Debian kernels the tests boot.
#
#   kernels.sh list            print the kernel releases to test, one a line
#   kernels.sh fetch KVER      download and unpack image and headers of KVER
#                              into $RUSTWHERE_CACHE/kernels/KVER and print
#                              that directory
#
# KVERS (space-separated kernel releases, e.g. "6.1.0-56-amd64") overrides
# the list.  The packages are fetched with apt-get download and unpacked
# with dpkg-deb -x: nothing is installed on the host, so the 6.12 headers
# do not pull in an image, initramfs-tools or a systemd upgrade.
set -eu

cache=${RUSTWHERE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rustwhere}

die() { echo "kernels.sh: $*" >&2; exit 1; }

# The newest 6.1 ABI is what linux-image-amd64 points at; the newest 6.12
# ABI comes from bookworm-security as linux-image-6.12.*+deb12-amd64.
list() {
	if [ -n "${KVERS:-}" ]; then
		printf '%s\n' $KVERS
		return
	fi
	# A fresh machine may have no package lists yet.
	if [ -z "$(apt-cache search --names-only '^linux-image-6\.12\.' 2>/dev/null | head -n 1)" ] &&
		[ "$(id -u)" -eq 0 ]; then
		apt-get update -q > /dev/null 2>&1 || true
	fi
	v61=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(6\.1\.[^ ]*-amd64\)$/\1/p' |
		sort -V | tail -n 1)
	v612=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[^ ]*-amd64\) .*/\1/p' |
		sort -V | tail -n 1)
	[ -n "$v61" ] || die "no 6.1 kernel found by apt-cache (run apt-get update)"
	[ -n "$v612" ] || die "no 6.12 kernel found by apt-cache (is bookworm-security in the apt sources? run apt-get update)"
	printf '%s\n%s\n' "$v61" "$v612"
}

fetch() {
	kver=$1
	dir=$cache/kernels/$kver
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return
	fi
	# The headers package depends on its -common and linux-kbuild
	# packages; take their names from apt rather than guessing.
	deps=$(apt-cache depends "linux-headers-$kver" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p')
	[ -n "$deps" ] || die "apt-cache knows no linux-headers-$kver"
	rm -rf "$dir"
	mkdir -p "$dir/debs" "$dir/root"
	(cd "$dir/debs" &&
		apt-get download -q -o APT::Sandbox::User=root "linux-image-$kver" "linux-headers-$kver" $deps >&2) ||
		die "apt-get download failed for $kver"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	rm -rf "$dir/debs"
	hdr=$dir/root/usr/src/linux-headers-$kver
	[ -f "$hdr/Makefile" ] || die "no headers in the packages of $kver"
	# The arch headers' Makefile includes the -common tree by its
	# absolute /usr/src path; point it at the unpacked copy.
	sed -i "s|/usr/src/|$dir/root/usr/src/|g" "$hdr/Makefile"
	[ -f "$dir/root/boot/vmlinuz-$kver" ] || die "no vmlinuz in linux-image-$kver"
	touch "$dir/.complete"
	echo "$dir"
}

case ${1:-} in
list) list ;;
fetch) [ $# -eq 2 ] || die "usage: kernels.sh fetch KVER"; fetch "$2" ;;
*) die "usage: kernels.sh list | fetch KVER" ;;
esac
