# SPDX-License-Identifier: GPL-2.0
#
# JSON (-J): the golden documents (expected/json/), jq's view of them, and
# every field's text against the files'.
# Sourced by tests/host/run.sh.

check_json() {
	local args
	for args in "-J" "-J cli" "-J --all" "-J search webassembly" \
		"-J search nosuchword" "-J -o NAME"; do
		# shellcheck disable=SC2086
		rw --root extra $args
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
		for d in $(sed 's/:.*//' "$trees/$t/index"); do
			for key in name title summary body; do
				want=$(sed -n "s/^$key: //p" "$trees/$t/$d")
				got=$(jq -r --arg d "$d" --arg k "$key" \
					'.domains[] | select(.name == $d) | .[$k]' "$wd/out")
				[ "$want" = "$got" ] || { echo "$t/$d $key: [$got] != [$want]"; return 1; }
			done
		done
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
