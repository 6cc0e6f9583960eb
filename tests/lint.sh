#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the kernel code and the shell scripts, as TAP; fails
# on any warning.
#
#   tests/lint.sh [ROW...]      (rows as tests/vm/kernels.sh takes them)
#
# - shellcheck (Debian's package) over every shell script git tracks, one
#   test per file: the files named *.sh, those whose first line is a
#   shell's #!, and those that name their shell in a "# shellcheck shell="
#   directive (sourced files such as the bash completion).  Sourced files
#   are followed (-x, with paths from the script's own directory); a
#   finding of any severity fails the file, and so does a "shellcheck
#   disable" that does not say why on its line;
# - the rule for a domain's name of the bash, zsh and fish completions is
#   the one of module/rustwhere_name.h (they cannot read that file when
#   they run);
# - checkpatch.pl --strict over module/ and the Kbuild files, from
#   Debian's linux-source-6.12 package (tests/debug/kernel.sh --unpack:
#   the debug kernel's source, in the cache, not installed);
# - for each amd64 kernel of the test matrix, a build with W=1 and sparse
#   (C=2) in the build root of its release: make exits 0 when sparse
#   warns, so the output is what counts.  The build tests/vm/run.sh check
#   made of the same sources is read where there is one.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
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

# checkpatch: the path of checkpatch.pl, from the linux-source-6.12 the
# debug kernel is built from (one download, one tree).
checkpatch() {
	src=$("$here/debug/kernel.sh" --unpack) || return 1
	echo "$src/scripts/checkpatch.pl"
}

# shell_scripts: the shell scripts git tracks, one a line (see above).
shell_scripts() {
	git -C "$top" ls-files | while read -r f; do
		case $f in
		*.sh) echo "$f"; continue ;;
		esac
		[ -f "$top/$f" ] || continue
		if head -n 1 "$top/$f" | grep -q -E '^#! *(/usr)?/bin/(env +)?(sh|bash|dash|busybox +sh)( |$)' ||
			grep -q '^# shellcheck shell=' "$top/$f"; then
			echo "$f"
		fi
	done
}

mkdir -p "$O"
log=$O/lint.log

if ! command -v shellcheck > /dev/null; then
	not_ok "shellcheck: not installed (tests/deps.sh lint)"
elif ! scripts=$(shell_scripts) || [ -z "$scripts" ]; then
	not_ok "shellcheck: cannot list the shell scripts (git ls-files in $top)"
else
	echo "# $(shellcheck --version | sed -n 's/^version: /shellcheck /p') over $(echo "$scripts" | grep -c .) scripts"
	for f in $scripts; do
		if [ ! -f "$top/$f" ]; then
			skip "shellcheck: $f" "tracked by git but not in the work tree"
			continue
		fi
		src=0
		(cd "$top" && shellcheck -x -P SCRIPTDIR -f gcc "$f") > "$log" 2>&1 || src=$?
		# A disable must say why, on its own line: "... disable=SCnnnn # why"
		# (the [d] keeps these patterns from matching themselves).
		grep -n 'shellcheck [d]isable=' "$top/$f" | grep -v -E 'shellcheck [d]isable=[A-Za-z0-9,]+ +# +[^ ]' |
			sed "s|^|$f:|; s|\$| (a disable that does not say why)|" >> "$log"
		[ -s "$log" ] && src=1
		result $src "shellcheck: $f" "$log"
	done
fi

# name_set FILE WHICH: a set of the rule for a domain's name, as the
# header defines it (WHICH: FIRST or CHARS) or as a completion carries
# it (first or rest: the bash and zsh ones, "local first=... rest=...";
# fish-first or fish-rest: the fish one, "set -l first ..." and
# "set -l rest ...").
name_set() {
	case $2 in
	FIRST|CHARS) sed -n "s/^#define RUSTWHERE_NAME_$2 \"\([^\"]*\)\"\$/\1/p" "$1" ;;
	first) sed -n 's/^[[:space:]]*local first=\([^ ]*\) rest=[^ ]*$/\1/p' "$1" ;;
	rest) sed -n 's/^[[:space:]]*local first=[^ ]* rest=\([^ ]*\)$/\1/p' "$1" ;;
	fish-first) sed -n 's/^[[:space:]]*set -l first \([^ ]*\)$/\1/p' "$1" ;;
	fish-rest) sed -n 's/^[[:space:]]*set -l rest \([^ ]*\)$/\1/p' "$1" ;;
	esac
}
h=$top/module/rustwhere_name.h
hf=$(name_set "$h" FIRST) hc=$(name_set "$h" CHARS)
for sh in bash zsh fish; do
	c=$top/userspace/rustwhere.$sh-completion
	case $sh in
	fish) cf=$(name_set "$c" fish-first) cc=$(name_set "$c" fish-rest) ;;
	*) cf=$(name_set "$c" first) cc=$(name_set "$c" rest) ;;
	esac
	if [ -n "$hf" ] && [ -n "$hc" ] && [ "$cf" = "$hf" ] && [ "$cc" = "$hc" ]; then
		ok "the $sh completion's rule for a domain's name is module/rustwhere_name.h's"
	else
		not_ok "the $sh completion's rule for a domain's name is module/rustwhere_name.h's" \
			"rustwhere_name.h: first '$hf', then '$hc'" "completion: first '$cf', then '$cc'"
	fi
done

rc=0
if ! cp=$(checkpatch 2> "$log.bad"); then
	rc=1
else
	# The KUnit suite is kernel code too.  tests/debug/bugs/rwbugs.c is
	# not checked: it is a test-only module whose every function is a
	# deliberate bug (a strcpy() over a buffer's end for FORTIFY_SOURCE
	# among them).
	# Not module/rustwhere.mod.c: modpost writes it there on every build.
	(cd "$top" && set -- && for f in module/*.c; do
		case $f in *.mod.c) ;; *) set -- "$@" "$f" ;; esac
	done && "$cp" --strict --no-tree --terse --show-types -f \
		"$@" module/*.h module/Kbuild Kbuild tests/debug/kunit/*.c) > "$log" 2>&1 || rc=$?
	grep -v -e ': 0 errors, 0 warnings, 0 checks' "$log" > "$log.bad" || true
	[ -s "$log.bad" ] && rc=1
fi
result $rc "checkpatch.pl --strict: module/, Kbuild, the KUnit suite" "$log.bad"

# Sparse over the module for each amd64 row of the matrix, in the build
# root of its release (W=1 and the other architectures: tests/vm/run.sh
# builds every row with W=1).  Where tests/vm/run.sh check has built the
# same sources with W=1 and C=2 already (make check runs it first), its
# result is read, not made again (build.sh's stamp).
. "$here/vm/build.sh"
rows=${*:-$("$here/vm/kernels.sh" list | awk '$2 == "amd64" && $4 != "-" { print $1 "/" $4 }')}
for row in $rows; do
	kd=$("$here/vm/kernels.sh" fetch "$row") || { not_ok "$row: cannot fetch it"; continue; }
	desc="${row#*/}: W=1 and sparse (C=2) without a warning"
	why=$(sparse_blocked "$kd")
	if [ -n "$why" ]; then
		skip "${row#*/}: sparse (C=2)" "$why (W=1: tests/vm/run.sh)"
		continue
	fi
	prev=$O/check/$(sed -n 's/^release=//p' "$kd/row")/normal
	if [ -f "$prev/stamp" ] && [ "$(cat "$prev/stamp")" = "$(build_stamp C=2)" ]; then
		if [ -f "$prev/passed" ]; then
			ok "$desc (the build of tests/vm/run.sh check)"
		else
			not_ok "$desc (the build of tests/vm/run.sh check)" \
				"$(grep -v -E "$kbuild_noise" "$prev/build.log" | head -n 20)"
		fi
	elif out=$(build_module "$kd" lint C=2); then
		ok "$desc"
	else
		not_ok "$desc" "$out"
	fi
done

tap_end
