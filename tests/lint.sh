#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the kernel code, as TAP; fails on any warning.
#
#   tests/lint.sh [KVER...]
#
# - checkpatch.pl --strict over module/ and the Kbuild files, from
#   Debian's linux-source-6.12 package (downloaded and unpacked into the
#   cache, not installed);
# - for each kernel of the test matrix, a build with W=1 and sparse
#   (C=2): make exits 0 when sparse warns, so the output is what counts.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${RUSTWHERE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rustwhere}
O=${O:-$top/build}

. "$here/tap.sh"
# result STATUS DESC FINDINGS: a test from a command's status and findings.
result() {
	if [ "$1" -eq 0 ]; then
		ok "$2"
	else
		not_ok "$2" "$(cat "$3")"
	fi
}

checkpatch() {
	dir=$cache/checkpatch
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		(cd "$dir/deb" && apt-get download -q -o APT::Sandbox::User=root linux-source-6.12 >&2)
		dpkg-deb --fsys-tarfile "$dir"/deb/*.deb |
			tar -x -C "$dir/deb" --wildcards './usr/src/linux-source-*.tar.xz'
		tar -xJf "$dir"/deb/usr/src/linux-source-*.tar.xz -C "$dir" --strip-components=1 \
			--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
		rm -rf "$dir/deb"
	fi
	echo "$dir/scripts/checkpatch.pl"
}

mkdir -p "$O"
log=$O/lint.log
cp=$(checkpatch)
rc=0
# The KUnit suite is kernel code too.  tests/debug/bugs/rwbugs.c is not
# checked: it is a test-only module whose every function is a deliberate
# bug (a strcpy() over a buffer's end for FORTIFY_SOURCE among them).
(cd "$top" && "$cp" --strict --no-tree --terse --show-types -f \
	module/*.c module/*.h module/Kbuild Kbuild tests/debug/kunit/*.c) > "$log" 2>&1 || rc=$?
grep -v -e ': 0 errors, 0 warnings, 0 checks' "$log" > "$log.bad" || true
[ -s "$log.bad" ] && rc=1
result $rc "checkpatch.pl --strict: module/, Kbuild, the KUnit suite" "$log.bad"

for kver in ${*:-$("$here/vm/kernels.sh" list)}; do
	kroot=$("$here/vm/kernels.sh" fetch "$kver")/root
	src=$O/$kver/lint
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$top/Kbuild" "$top/VERSION" "$top/module" "$src/"
	rc=0
	make -C "$kroot/usr/src/linux-headers-$kver" M="$src" W=1 C=2 modules > "$log" 2>&1 || rc=$?
	# Everything but kbuild's own progress lines is a finding.
	grep -v -E '^make(\[[0-9]+\])?: |^  [A-Z]+ +(\[M\] +)?/|^Skipping BTF generation' "$log" > "$log.bad" || true
	[ -s "$log.bad" ] && rc=1
	result $rc "$kver: W=1 and sparse (C=2) without a warning" "$log.bad"
done

tap_end
