# SPDX-License-Identifier: GPL-2.0
#
# The libsmartcols bug rwcols.c works around: before 2.40 a column stays
# as wide as its heading with the headings off (util-linux issue #2380).
# scols-2380.c shows whether this libsmartcols has it; it must have it
# before 2.40 and not from 2.40 on, or rwcols.c's comment is wrong.
# Sourced by tests/host/run.sh.

check_scols_2380() {
	local got version want
	# shellcheck disable=SC2046
	gcc -std=c11 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags smartcols) \
		"$here/scols-2380.c" $(pkg-config --libs smartcols) -o "$wd/scols-2380" || return 1
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
