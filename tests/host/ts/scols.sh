# SPDX-License-Identifier: GPL-2.0
#
# The libsmartcols bug rwcols.c works around: before 2.40 a column stays
# as wide as its heading with the headings off (util-linux issue #2380).
# scols-2380.c shows whether this libsmartcols has it; it must have it
# before 2.40 and not from 2.40 on, or rwcols.c's comment is wrong.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${here:?}" "${wd:?}" "${update:?}"

check_scols_2380() {
	local got version want flags cflags libs
	# pkg-config's flags are words to split, and none holds a space.
	flags=$(pkg-config --cflags smartcols) || return 1
	read -r -a cflags <<< "$flags"
	flags=$(pkg-config --libs smartcols) || return 1
	read -r -a libs <<< "$flags"
	gcc -std=c11 -Wall -Wextra -Wpedantic -Werror "${cflags[@]}" \
		"$here/scols-2380.c" "${libs[@]}" -o "$wd/scols-2380" || return 1
	got=$("$wd/scols-2380") || return 1
	version=${got% *}
	want=bug
	[ "$(printf '%s\n2.40\n' "$version" | sort -V | head -n 1)" = 2.40 ] && want=fixed
	echo "libsmartcols $got"
	[ "${got#* }" = "$want" ] || { echo "want '$want' for $version"; return 1; }
}

[ "$update" -eq 1 ] && return 0
TAP_SHOW_PASS=1 t_check "libsmartcols: hidden headings widen columns before 2.40 (#2380), as rwcols.c says" \
	check_scols_2380
