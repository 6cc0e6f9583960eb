#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the kernel code, as TAP; fails on any warning.
#
#   tests/lint.sh [ROW...]      (rows as tests/vm/kernels.sh takes them)
#
# - checkpatch.pl --strict over module/ and the Kbuild files, from
#   Debian's linux-source-6.12 package (downloaded and unpacked into the
#   cache, not installed);
# - for each amd64 kernel of the test matrix, a build with W=1 and sparse
#   (C=2) in the build root of its release: make exits 0 when sparse
#   warns, so the output is what counts.
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

# Sparse over the module for each amd64 row of the matrix, in the build
# root of its release (W=1 and the other architectures: tests/vm/run.sh
# builds every row with W=1).
. "$here/vm/build.sh"
rows=${*:-$("$here/vm/kernels.sh" list | awk '$2 == "amd64" && $4 != "-" { print $1 "/" $4 }')}
for row in $rows; do
	kd=$("$here/vm/kernels.sh" fetch "$row") || { not_ok "$row: cannot fetch it"; continue; }
	bs=$(sed -n 's/^build_suite=//p' "$kd/row")
	if ! "$here/vm/roots.sh" ensure "$bs" sparse > "$log" 2>&1; then
		not_ok "${row#*/}: no sparse in the $bs root" "$(tail -n 5 "$log")"
		continue
	fi
	# Debian's 7.x headers call scripts/checker-valid.sh to vet sparse,
	# but do not ship it: the kernel turns C=2 off, and says so.
	kdir=$(sed -n 's/^kdir=//p' "$kd/row")
	common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile" | head -n 1)
	if grep -qs 'checker-valid.sh' "$common/Makefile" && [ ! -e "$common/scripts/checker-valid.sh" ]; then
		skip "${row#*/}: sparse (C=2)" "the headers lack scripts/checker-valid.sh, so the kernel will not run sparse (W=1: tests/vm/run.sh)"
		continue
	fi
	if out=$(build_module "$kd" lint C=2); then
		ok "${row#*/}: W=1 and sparse (C=2) without a warning"
	else
		not_ok "${row#*/}: W=1 and sparse (C=2) without a warning" "$out"
	fi
done

tap_end
