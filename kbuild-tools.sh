#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kbuild-tools.sh TOOL...: of the commands a kernel's headers build with
# (module/Kbuild passes $(CC), $(LD) and the rest; dkms.conf the compiler
# Debian's .kernelvariables names, or clang's tools for a kernel built
# with clang), print those that are not installed, each with the Debian
# package that has it, as one line:
#
#   x86_64-linux-gnu-gcc-14 (apt-get install gcc-14)
#
# and exit 1; print nothing and exit 0 when all of them are there.
# Debian names a cross compiler's package after its target, with '-' for
# '_' (gcc-14-aarch64-linux-gnu, binutils-x86-64-linux-gnu); the native
# one has no suffix.

# native TRIPLET: true when TRIPLET is this machine's own: the libc of
# dpkg's own architecture lives under that name.  A libc of TRIPLET alone
# says nothing: multiarch installs libc6:arm64 on amd64 too.
native() {
	if arch=$(dpkg --print-architecture 2> /dev/null); then
		dpkg-query -L "libc6:$arch" 2> /dev/null | grep -q "/lib/$1/"
	else
		[ -e "/usr/lib/$1/libc.so.6" ] || [ -d "/usr/lib/gcc/$1" ]
	fi
}

# package TOOL: the package that has the command TOOL.
package() {
	t=${1##*/}
	case $t in
	clang | clang-[0-9]*) echo "$t" ;;
	ld.lld) echo lld ;;
	ld.lld-[0-9]*) echo "lld-${t#ld.lld-}" ;;
	llvm-*-[0-9]*) echo "llvm-${t##*-}" ;;
	llvm-*) echo llvm ;;
	gcc | gcc-*) echo "$t" ;;
	*-gcc | *-gcc-*)
		triplet=${t%-gcc*}
		gcc=gcc${t#"$triplet"-gcc}
		if native "$triplet"; then
			echo "$gcc"
		else
			echo "$gcc-$triplet" | tr _ -
		fi ;;
	ld | ld.bfd | ar | nm | objcopy | objdump | strip | readelf) echo binutils ;;
	*-ld | *-ld.bfd | *-ar | *-nm | *-objcopy | *-objdump | *-strip | *-readelf)
		triplet=${t%-*}
		if native "$triplet"; then
			echo binutils
		else
			echo "binutils-$triplet" | tr _ -
		fi ;;
	*) echo "$t" ;;
	esac
}

missing=
for tool; do
	[ -n "$tool" ] || continue
	command -v "$tool" > /dev/null 2>&1 && continue
	case " $missing " in
	*" $tool "*) continue ;;
	esac
	missing="$missing $tool"
done
[ -n "$missing" ] || exit 0
first=y
for tool in $missing; do
	[ -n "$first" ] || printf ', '
	first=
	printf '%s (apt-get install %s)' "$tool" "$(package "$tool")"
done
echo
exit 1
