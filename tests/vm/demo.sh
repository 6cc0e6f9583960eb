#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What "make demo" shows inside the VM: the module loaded, its files
# listed and read, the reader at work, the module unloaded.
ko=$1
top=$(cd "$(dirname "$0")/../.." && pwd)

run() {
	printf '\n# %s\n' "$*"
	"$@"
}

echo
echo "rustwhere demo on Linux $(uname -r)"
run insmod "$ko"
run ls -l /proc/rustwhere
for f in index about $(sed -n 's/^\([^:]*\): .*/\1/p' /proc/rustwhere/index); do
	run cat "/proc/rustwhere/$f"
done
if [ -x "$top/userspace/rustwhere" ]; then
	PATH=$top/userspace:$PATH
	run rustwhere
	run rustwhere cli
	run rustwhere search webassembly
	run rustwhere -J backend
fi
run rmmod rustwhere
run ls /proc/rustwhere
echo
