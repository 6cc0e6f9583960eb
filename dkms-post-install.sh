#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS runs this after it has installed rustwhere for a kernel (dkms.conf's
# POST_INSTALL), with that kernel's module tree, /lib/modules/KVER, as its
# argument.  "make install" puts a copy of its own in updates/module, and
# its depmod.d override makes that copy the one modprobe loads: say so.
for ko in "$1"/updates/module/rustwhere.ko*; do
	[ -e "$ko" ] || continue
	echo "rustwhere: make install's copy, $ko, is there too, and modprobe loads that one;" \
		"\"sudo make uninstall\" in the tree it was installed from removes it" >&2
done
exit 0
