# SPDX-License-Identifier: GPL-2.0
#
# Pairs (-P) and raw (-r): the golden lines (expected/pairs/), and -P's
# lines evaluated by the shell.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${trees:?}" "${wd:?}" "${update:?}" "${status:?}"

check_pairs_eval() {
	local t d key line want got
	rm -f "$trees/pwned"
	for t in good extra quoting; do
		rw --root "$t" -P -o NAME,TITLE,SUMMARY,PROJECTS,BODY
		[ "$status" -eq 0 ] || return 1
		while IFS= read -r line; do
			d=$( (eval "$line" && printf '%b' "$NAME") ) ||
				{ echo "eval failed: $line"; return 1; }
			for key in TITLE SUMMARY PROJECTS BODY; do
				want=$(sed -n "s/^${key,,}: //p" "$trees/$t/$d")
				got=$(cd "$trees" && eval "$line" && printf '%b' "${!key}") ||
					{ echo "eval failed: $line"; return 1; }
				[ "$got" = "$want" ] ||
					{ echo "$t/$d $key: [$got] is not [$want]"; return 1; }
			done
		done < "$wd/out"
	done
	[ ! -e "$trees/pwned" ] || { echo "eval of -P ran a command"; return 1; }
}

golden pairs-list 0 --root good -P
golden pairs-search 0 --root good -P search kernel
golden raw-list 0 --root good -r
golden raw-names 0 --root good -rn -o NAME
golden extra-pairs 0 --root extra -P games
golden quoting-pairs 0 --root quoting -P quoting
golden quoting-raw 0 --root quoting -r quoting

[ "$update" -eq 1 ] && return 0
t_check "-P lines eval safely in a shell and decode to the files' text" check_pairs_eval
