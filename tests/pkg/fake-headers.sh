#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run inside a test root (tests/pkg/run.sh): package, as a kernel of its
# own, a copy of the installed headers of KERNEL that rustwhere cannot be
# built against.
#
#   fake-headers.sh KERNEL VERSION HOW OUT.deb
#
# HOW is what the copy lacks: "old", struct proc_ops (Linux 5.6), with
# VERSION below 5.6; "noops", the same under a newer VERSION; "nocc", the
# compiler its .kernelvariables names.  The package is linux-headers-VERSION
# with the real headers' own postinst, so that installing it runs the
# kernel's hooks (/etc/kernel/header_postinst.d: DKMS) as Debian's do.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 KERNEL VERSION old|noops|nocc OUT.deb" >&2; exit 2; }
k=$1 v=$2 how=$3 out=$4
arch=$(readlink -f "/lib/modules/$k/build")
common=$(readlink -f "/lib/modules/$k/source")
s=$(mktemp -d /tmp/fake-headers.XXXXXX)
trap 'rm -rf "$s"' EXIT
mkdir -p "$s/DEBIAN" "$s/usr/src" "$s/lib/modules/$v"
a=$s/usr/src/linux-headers-$v
c=$s/usr/src/linux-headers-$v-common
cp -a "$arch" "$a"
cp -a "$common" "$c"
# Its Makefile includes the common tree's, and (Linux 7) names itself the
# output tree.
sed -i -e "s|$common|/usr/src/linux-headers-$v-common|" \
	-e "s|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT=/usr/src/linux-headers-$v|" "$a/Makefile"
sed -i "s|^override KERNELRELEASE = .*|override KERNELRELEASE = $v|" "$a/.kernelvariables"
grep -qx "override KERNELRELEASE = $v" "$a/.kernelvariables"
case $how in
old | noops)
	sed -i 's/struct proc_ops/struct rustwhere_test_no_proc_ops/g' "$c/include/linux/proc_fs.h"
	! grep -qw 'struct proc_ops' "$c/include/linux/proc_fs.h"
	;;
nocc)
	sed -i 's/gcc-[0-9]*$/gcc-rustwhere-test-missing/' "$a/.kernelvariables"
	grep -q 'gcc-rustwhere-test-missing$' "$a/.kernelvariables"
	;;
*) echo "$0: HOW is old, noops or nocc, not $how" >&2; exit 2 ;;
esac
ln -s "/usr/src/linux-headers-$v" "$s/lib/modules/$v/build"
ln -s "/usr/src/linux-headers-$v-common" "$s/lib/modules/$v/source"
# Debian 12's postinst is perl ("my $version = "), 13's sh ("version=").
sed -e "s/^my \$version *=.*/my \$version = \"$v\";/" -e "s/^version=.*/version=$v/" \
	"/var/lib/dpkg/info/linux-headers-$k.postinst" > "$s/DEBIAN/postinst"
grep -q -e "\"$v\"" -e "^version=$v\$" "$s/DEBIAN/postinst"
chmod 755 "$s/DEBIAN/postinst"
cat > "$s/DEBIAN/control" << EOF
Package: linux-headers-$v
Version: 1
Architecture: all
Maintainer: rustwhere tests <tests@rustwhere.invalid>
Description: headers of $k, copied as a kernel rustwhere cannot build for ($how)
EOF
dpkg-deb -Znone --root-owner-group -b "$s" "$out" > /dev/null
