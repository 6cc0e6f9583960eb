#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the Debian packages a make target needs are installed.
#
#   tests/deps.sh GROUP...     GROUP: build, vm, lint, host, pkg, debug,
#                              secureboot
#
# As root it installs what is missing with apt-get; otherwise it prints
# the exact apt-get line and fails.
set -eu

pkgs=
for group in "$@"; do
	case $group in
	build) pkgs="$pkgs gcc make libc6-dev pkg-config libsmartcols-dev" ;;
	# Kernel images and headers are not installed: tests/vm/kernels.sh
	# downloads and unpacks them, and the module is built in a root of
	# the kernel's own release (mmdebstrap); busybox-static of each
	# architecture comes from the archive too.
	vm) pkgs="$pkgs qemu-system-x86 qemu-system-arm qemu-system-misc mmdebstrap kmod cpio gzip binutils dpkg-dev util-linux apt" ;;
	lint) pkgs="$pkgs sparse dwarves xz-utils perl shellcheck git" ;;
	host) pkgs="$pkgs jq valgrind clang libclang-rt-dev python3 util-linux groff-base man-db zsh fish" ;;
	# tests/debug/mode.sh: the debug kernel's build (with clang, LLVM=1),
	# its QEMU guest, trinity.
	debug) pkgs="$pkgs gcc make libc6-dev flex bison bc libelf-dev libssl-dev dwarves clang lld llvm cpio gzip xz-utils qemu-system-x86 trinity apt" ;;
	# tests/pkg/run.sh: DKMS, the throwaway roots (mmdebstrap, zstd), make
	# sign's test key (openssl); make deb and lintian run in a build root.
	pkg) pkgs="$pkgs dkms dpkg-dev mmdebstrap openssl kmod xz-utils zstd git util-linux" ;;
	# tests/secureboot/mode.sh: the ESP (mkfs.vfat, mtools, no loop
	# mount), the test key; shim, GRUB, OVMF, mokutil and
	# virt-fw-vars come from the archive into build roots.
	secureboot) pkgs="$pkgs qemu-system-x86 mmdebstrap dosfstools mtools openssl kmod cpio gzip dpkg-dev" ;;
	*) echo "deps.sh: unknown group $group" >&2; exit 2 ;;
	esac
done

missing=
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "rustwhere: missing Debian packages; as root, run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "rustwhere: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q > /dev/null
# shellcheck disable=SC2086 # $missing: package names, as words
apt-get install -y -q --no-install-recommends $missing > /dev/null
