#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The mmdebstrap --customize-hook of tests/pkg/run.sh's cached base roots:
# the packages of the lifecycle's steps, downloaded and not installed, so
# that the steps run with --no-download.
#
#   base-hook.sh ROOT KERNEL SECOND
#   base-hook.sh --own ROOT K   the installed packages of kernel K, those
#                               named *-K (tests/pkg/run.sh purges them)
#
# SECOND (the second kernel) is installed and purged once first, so that
# what its packages pull in (sid's: systemd, dracut, e2fsprogs) is in the
# root before rustwhere, and is not counted as left behind by it; its
# own packages, those named *-SECOND (sid splits the image into
# linux-image-, -modules-, -binary- and -base-), are all purged.  Then
# SECOND's image and headers, and KERNEL's headers, are downloaded.
set -eu

if [ "$1" = --own ]; then
	own=$3
	shift
fi
root=$1 k=$2 k2=${3:-}
inroot() {
	chroot "$root" "$@"
}
# own K: the installed packages named *-K.
own() {
	# shellcheck disable=SC2016 # dpkg-query's field, not the shell's
	inroot dpkg-query -W -f '${Package} ${db:Status-Status}\n' |
		awk -v s="-$1" '$2 == "installed" &&
			substr($1, length($1) - length(s) + 1) == s { print $1 }'
}
if [ -n "${own:-}" ]; then
	own "$own"
	exit
fi

inroot apt-get install -y "linux-image-$k2" "linux-headers-$k2"
# shellcheck disable=SC2046 # the packages, as words
inroot apt-get purge -y $(own "$k2")
inroot apt-get clean
inroot apt-get install -y --download-only "linux-image-$k2" "linux-headers-$k2"
inroot apt-get install -y --download-only --reinstall "linux-headers-$k"
