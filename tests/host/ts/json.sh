# SPDX-License-Identifier: GPL-2.0
#
# JSON (-J): the golden documents (expected/json/), jq's view of them, and
# every field's text against the files'.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${wd:?}" "${trees:?}" "${update:?}"

check_json() {
	local args argv
	for args in "-J" "-J cli" "-J --all" "-J search webassembly" \
		"-J search nosuchword" "-J -o NAME"; do
		read -r -a argv <<< "$args"
		rw --root extra "${argv[@]}"
		jq -e . "$wd/out" > /dev/null || { echo "invalid JSON: $args"; cat "$wd/out"; return 1; }
	done
	rw --root extra -J
	jq -e '(.domains | length) == 8 and (.domains | map(.name) | index("games")) == 7' "$wd/out" &&
	jq -e '.domains[] | select(.name == "cli") | .projects == ["ripgrep (rg)", "fd", "bat", "eza", "uv"]' "$wd/out" &&
	rw --root good -J search memory kernel &&
	jq -e '.matches[0].name == "systems" and (.matches[0].score | type) == "number"' "$wd/out"
}

check_json_roundtrip() {
	local t d key want got
	for t in good extra quoting; do
		rw --root "$t" -J --all
		# fd 3: nothing in the loop reads the index by accident.
		while IFS=: read -r d _ <&3; do
			for key in name title summary body; do
				want=$(sed -n "s/^$key: //p" "$trees/$t/$d")
				got=$(jq -r --arg d "$d" --arg k "$key" \
					'.domains[] | select(.name == $d) | .[$k]' "$wd/out")
				[ "$want" = "$got" ] || { echo "$t/$d $key: [$got] != [$want]"; return 1; }
			done
		done 3< "$trees/$t/index"
	done
}

golden json-list 0 --root good -J
golden json-show 0 --root good -J cli
golden json-all 0 --root good -J --all
golden json-search 0 --root good -J search webassembly
golden json-search-none 1 --root good -J search nosuchword
golden extra-json 0 --root extra -J games
golden quoting-json 0 --root quoting -J quoting

[ "$update" -eq 1 ] && return 0
t_check "JSON parses (jq) and has the documented shape" check_json
t_check "JSON strings equal the files' text, quotes and UTF-8 included" check_json_roundtrip
