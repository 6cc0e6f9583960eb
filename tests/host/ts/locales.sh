# SPDX-License-Identifier: GPL-2.0
#
# Locales: the same bytes in every locale, and what changes where there
# is no locale data at all.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh); memcheck may be "".
: "${wd:?}" "${trees:?}" "${expected:?}" "${tmp:?}" "${update:?}" "${memcheck?}"

check_locales() {
	local args env argv envv
	for args in "--all --width 80 --color=never" "" "-J" "-P" "-r" "search café"; do
		read -r -a argv <<< "$args"
		rw --root extra "${argv[@]}"
		cp "$wd/out" "$wd/ref"
		for env in "LANG=" "LANG=C.UTF-8" "LC_ALL=C.UTF-8" "LC_ALL=POSIX" \
			"LANG=en_US.ISO-8859-1" "LOCPATH=/nonexistent LC_ALL=C.UTF-8"; do
			read -r -a envv <<< "$env"
			(cd "$trees" && env -i PATH="$PATH" "${envv[@]}" "${RUN[@]}" "$BIN" \
				--root extra "${argv[@]}") > "$wd/out" 2> "$wd/err" ||
				{ echo "$env: exit $?"; cat "$wd/err"; return 1; }
			cmp "$wd/ref" "$wd/out" || { echo "differs with $env: $args"; return 1; }
		done
	done
}

check_table_locales() {
	local w env envv
	for w in 40 80; do
		for env in "" "LC_ALL=C" "LC_ALL=POSIX" "LOCPATH=/nonexistent" \
			"LANG=en_US.ISO-8859-1"; do
			read -r -a envv <<< "$env"
			(cd "$trees" && env -i PATH="$PATH" "${envv[@]}" "${RUN[@]}" "$BIN" \
				--root extra --width "$w") > "$wd/out" 2> "$wd/err" ||
				{ echo "'$env': exit $?"; cat "$wd/err"; return 1; }
			cmp "$expected/golden/extra-table-$w.out" "$wd/out" ||
				{ echo "width $w differs with '$env'"; return 1; }
		done
	done
	{ grep -q 'ゲーム' "$wd/out" && ! grep -qF '\x' "$wd/out"; } ||
		{ echo "the table does not print UTF-8 as it is"; return 1; }
}

# Where C.UTF-8 cannot be set (no locale data, as in a minimal initramfs):
# -J, -P, -r and a table of ASCII text are the same bytes; the prose has
# the same text, wrapped no wider (each byte of a character that does not
# decode counts as a column); the table escapes the bytes outside ASCII as \xHH, in columns
# that still line up and fit the width.  The locale data is hidden by an
# empty directory mounted on /usr/lib/locale in a mount namespace.
check_no_locale_data() {
	local empty=$tmp/no-locale args name rest argv
	mkdir -p "$empty"
	nolocale() {
		# shellcheck disable=SC2016 # $0 and $@ are the inner sh's, expanded there
		(cd "$trees" && unshare -m sh -c 'mount --bind "$0" /usr/lib/locale && exec "$@"' \
			"$empty" "$@") > "$wd/out" 2> "$wd/err"
	}
	nolocale env LC_ALL=C.UTF-8 locale charmap || { cat "$wd/err"; return 1; }
	[ "$(cat "$wd/out")" = "ANSI_X3.4-1968" ] ||
		{ echo "C.UTF-8 is still there: $(cat "$wd/out")"; return 1; }
	for args in "table-80 --root good --width 80" "json-list --root good -J" \
		"pairs-list --root good -P" "raw-list --root good -r" "extra-pairs --root extra -P games"; do
		read -r name rest <<< "$args"
		read -r -a argv <<< "$rest"
		nolocale "$BIN" "${argv[@]}" || { echo "$args: exit $?"; cat "$wd/err"; return 1; }
		cmp "$(expected_of "$name")" "$wd/out" || { echo "differs: $args"; return 1; }
	done
	for args in "all-80 --root good --all --width 80 --color=never" \
		"extra-games-80 --root extra --width 80 games"; do
		read -r name rest <<< "$args"
		read -r -a argv <<< "$rest"
		nolocale "$BIN" "${argv[@]}" || { echo "$args: exit $?"; cat "$wd/err"; return 1; }
		[ "$(wc -L < "$wd/out")" -le 80 ] || { echo "wider than 80: $args"; return 1; }
		# The text, without the spaces and the headings' underlines.
		cmp <(tr -d ' \n=' < "$(expected_of "$name")") <(tr -d ' \n=' < "$wd/out") ||
			{ echo "not the same text: $args"; return 1; }
	done
	for args in "--width 80" "--width 40" "--width 20"; do
		read -r -a argv <<< "$args"
		nolocale "$BIN" --root extra "${argv[@]}" || { echo "table $args: exit $?"; return 1; }
		{ grep -qF '\xe2' "$wd/out" && ! grep -q $'\xe2' "$wd/out"; } ||
			{ echo "table $args: not escaped"; cat "$wd/out"; return 1; }
		{ [ "$(wc -L < "$wd/out")" -le "${args#--width }" ] && ! grep -q ' $' "$wd/out"; } ||
			{ echo "table $args: too wide or trailing spaces"; cat "$wd/out"; return 1; }
		# Where a column starts on the first line, a space before it on all.
		awk 'NR == 1 {
			for (i = 2; i <= length($0); i++)
				if (substr($0, i - 1, 2) ~ /^ [^ ]/)
					start[++n] = i
		}
		{
			for (k = 1; k <= n; k++)
				if (length($0) >= start[k] && substr($0, start[k] - 1, 1) != " ")
					{ print "misaligned: " $0; exit 1 }
		}' "$wd/out" || { echo "table $args"; return 1; }
	done
}

[ "$update" -eq 1 ] && return 0
t_check "output is byte-identical in every locale and with no locale data" check_locales
t_check "the table is identical with LANG/LC_ALL unset, LC_ALL=C or POSIX, LOCPATH=/nonexistent" \
	check_table_locales
if [ -n "$memcheck" ]; then
	:	# mounts and unshares: the plain build only
elif [ "$(id -u)" -eq 0 ] && [ -d /usr/lib/locale ] && unshare -m true 2> /dev/null; then
	t_check "without locale data: the same -J, -P, -r and text; the table escaped, in the width" \
		check_no_locale_data
else
	t_skip "without locale data" "unshare -m needs root"
fi
