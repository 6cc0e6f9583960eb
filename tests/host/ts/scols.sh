# SPDX-License-Identifier: GPL-2.0
#
# What the reader knows of libsmartcols' versions, each shown by a small
# program built against this one and held against its version:
# - the bug rwcols.c works around: before 2.40 a column stays as wide as
#   its heading with the headings off (util-linux issue #2380);
#   scols-2380.c must see it before 2.40 and not from 2.40 on, or
#   rwcols.c's comment is wrong;
# - why the reader wraps the table's cells itself: the contract of a wrap
#   function changed in 2.40 (scols-wrap.c says how); README's
#   "Libraries" says so, and is wrong if this changes.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${here:?}" "${wd:?}" "${update:?}"

# scols_probe NAME BEFORE FROM: build NAME.c, run it, and check that what
# it prints after the version is BEFORE before 2.40 and FROM from 2.40 on.
scols_probe() {
	local got version want flags cflags libs
	# pkg-config's flags are words to split, and none holds a space.
	flags=$(pkg-config --cflags smartcols) || return 1
	read -r -a cflags <<< "$flags"
	flags=$(pkg-config --libs smartcols) || return 1
	read -r -a libs <<< "$flags"
	gcc -std=c11 -Wall -Wextra -Wpedantic -Werror "${cflags[@]}" \
		"$here/$1.c" "${libs[@]}" -o "$wd/$1" || return 1
	got=$("$wd/$1") || return 1
	version=${got%% *}
	want=$2
	[ "$(printf '%s\n2.40\n' "$version" | sort -V | head -n 1)" = 2.40 ] && want=$3
	echo "libsmartcols $got"
	[ "${got#* }" = "$want" ] || { echo "want '$want' for $version"; return 1; }
}

check_scols_2380() { scols_probe scols-2380 bug fixed; }
check_scols_wrap() { scols_probe scols-wrap "chunksize done" "unsized again"; }

[ "$update" -eq 1 ] && return 0
TAP_SHOW_PASS=1 t_check "libsmartcols: hidden headings widen columns before 2.40 (#2380), as rwcols.c says" \
	check_scols_2380
TAP_SHOW_PASS=1 t_check "libsmartcols: a wrap function is measured by chunksize before 2.40, unsized and asked past the end from 2.40, as README says" \
	check_scols_wrap
