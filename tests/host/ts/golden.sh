# SPDX-License-Identifier: GPL-2.0
#
# The golden cases: the exact output and exit status of the reader, for
# people, against the trees of tests/fixtures (expected/golden/), and no
# line wider than the width.  Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh); memcheck may be "".
: "${update:?}" "${wd:?}" "${top:?}" "${expected:?}" "${trees:?}" "${memcheck?}"

check_widths() {
	local t w view max argv
	locale -a 2> /dev/null | grep -qix 'c\.utf-\{0,1\}8' ||
		{ echo "no C.UTF-8 locale to count with"; return 1; }
	for t in good extra; do
		for w in 20 21 23 29 31 40 47 55 64 80 99 120; do
			for view in "--all" "" "search rust games memory" \
				"-o NAME,TITLE,SUMMARY,PROJECTS,BODY" \
				"-o NAME,TITLE,SCORE,MATCH search rust games memory"; do
				read -r -a argv <<< "$view"
				rw --root "$t" --width "$w" --color=never "${argv[@]}"
				max=$(LC_ALL=C.UTF-8 wc -L < "$wd/out")
				[ "$max" -le "$w" ] ||
					{ echo "$t, width $w, '$view': a line of $max columns"; return 1; }
				grep -q ' $' "$wd/out" &&
					{ echo "$t, width $w, '$view': trailing space"; return 1; }
			done
		done
	done
	return 0
}

# Search folds case as Unicode does, not by lowercase alone: a final
# sigma is a sigma, a long s an s.
check_search_fold() {
	local q
	for q in ΛΟΓΟΣ λογοσ GRUSS; do
		rw --root fold search "$q"
		# shellcheck disable=SC2154 # status is set by rw (functions.sh)
		if [ "$status" -ne 0 ] || ! grep -q 'Command-line tools (cli)' "$wd/out"; then
			echo "search $q: exit $status"
			cat "$wd/out" "$wd/err"
			return 1
		fi
	done
}

check_vm_output() {
	rw --root "$top/module/content" --all --width 80 --color=never
	cp "$wd/out" "$wd/a"
	rw --root good --all --width 80 --color=never
	cmp "$wd/a" "$wd/out" || return 1
	cmp "$wd/a" "$expected/golden/all-80.out" || return 1
	(cd "$trees" && RUSTWHERE_ROOT=good "${RUN[@]}" "$BIN" --all --width 80 --color=never) > "$wd/out" &&
		cmp "$wd/a" "$wd/out" || return 1
	(cd "$trees" && RUSTWHERE_ROOT=nonexistent "${RUN[@]}" "$BIN" --root good --all --width 80 --color=never) > "$wd/out" &&
		cmp "$wd/a" "$wd/out"
}

# The good tree: the table, the reading view, search, at three widths.
for w in 40 80 120; do
	golden "table-$w" 0 --root good --width "$w"
	golden "all-$w" 0 --root good --all --width "$w" --color=never
	golden "search-$w" 0 --root good --width "$w" search memory kernel
done
golden table-default 0 --root good
golden show-two 0 --root good cli wasm
golden search-webassembly 0 --root good search webassembly
golden search-case 0 --root good search RUST
golden search-phrase 0 --root good search "memory safety"
golden search-hyphen 0 --root good search command-line
golden table-noheadings 0 --root good -n
golden table-output 0 --root good -o NAME,SUMMARY
golden table-output-plus 0 --root good --width 120 -o +SUMMARY
golden show-output 0 --root good -o name,title cli data
golden search-table 0 --root good -o NAME,SCORE,MATCH search rust
golden search-table-none 1 --root good -o NAME,SCORE search nosuchword

# A domain added to the index shows up, with no change to the reader.
for w in 40 80 120; do
	golden "extra-table-$w" 0 --root extra --width "$w"
	golden "extra-games-$w" 0 --root extra --width "$w" games
done
golden extra-search 0 --root extra search café
golden extra-search-fold 0 --root extra search CAFÉ ゲームエンジン

# Not found: exit 1, what was found is printed all the same.
golden unknown-typo 1 --root good clj
golden unknown-case 1 --root good CLI
golden unknown-title 1 --root good webassembly
golden unknown-title-word 1 --root good kernel
golden unknown-title-prefix 1 --root good crypto
golden unknown-far 1 --root good nosuch
golden unknown-mixed 1 --root good cli nosuch
golden search-none 1 --root good search nosuchword
golden search-some 1 --root good search kernel nosuchword
golden search-whole-words 1 --root good search rus
golden search-named 1 --root good -- search

# Bad usage: exit 2, nothing read.
golden usage-option 2 --root good --bogus
golden usage-short 2 --root good -x
golden usage-missing-arg 2 --root good --width
golden usage-formats 2 --root good -J -P
golden usage-width-small 2 --root good --width 19
golden usage-width-junk 2 --root good --width 80x
golden usage-column 2 --root good -o NAME,FOO
golden usage-column-twice 2 --root good -o NAME,name
golden usage-column-search 2 --root good -o SCORE
golden usage-search-empty 2 --root good search
golden usage-search-punct 2 --root good search "..."
golden usage-all-names 2 --root good --all cli
golden usage-all-search 2 --root good --all search x
golden usage-color 2 --root good --color=sometimes
golden usage-before-root 2 --root nonexistent --bogus

# The root or its files cannot be read, or break the format: exit 3.
golden root-missing 3 --root nonexistent
golden root-not-dir 3 --root not-a-dir
golden missing-index 3 --root bad-missing-index
golden missing-file 3 --root bad-missing-file cli
golden missing-file-table 3 --root bad-missing-file
golden missing-about 3 --root bad-missing-about --all --width 40
golden dir-file 3 --root bad-dir cli
golden fifo-file 3 --root bad-fifo cli
golden cap-exact 0 --root cap-exact -o NAME,TITLE
golden cap-plus-one 3 --root bad-cap-plus-one cli
golden huge 3 --root bad-huge cli
golden sparse 3 --root bad-sparse cli
golden many-domains 3 --root bad-many-domains
golden empty-index 3 --root bad-empty-index
golden invalid-utf8 3 --root bad-invalid-utf8 cli
golden overlong-utf8 3 --root bad-overlong cli
golden nul 3 --root bad-nul cli
golden crlf 3 --root bad-crlf cli
golden tab 3 --root bad-tab cli
golden escape 3 --root bad-escape cli
golden no-newline 3 --root bad-no-newline cli
golden no-colon 3 --root bad-no-colon cli
golden no-colon-table 3 --root bad-no-colon
golden no-colon-search 3 --root bad-no-colon search tools
golden missing-field 3 --root bad-missing-field cli
golden out-of-order 3 --root bad-out-of-order cli
golden duplicate-key 3 --root bad-duplicate-key cli
golden empty-value 3 --root bad-empty-value cli
golden empty-file 3 --root bad-empty-file cli
golden name-mismatch 3 --root bad-name-mismatch cli
golden bad-key 3 --root bad-bad-key cli
golden double-space 3 --root bad-double-space cli
golden empty-project 3 --root bad-empty-project cli
golden index-bad-line 3 --root bad-index-bad-line
golden index-duplicate 3 --root bad-index-duplicate
golden index-reserved 3 --root bad-index-reserved
# The one rule for a name (module/rustwhere_name.h): no '-', no leading
# digit, no uppercase letter.
golden index-hyphen 3 --root bad-index-hyphen
golden index-digit 3 --root bad-index-digit
golden index-uppercase 3 --root bad-index-uppercase

[ "$update" -eq 1 ] && return 0
if [ -z "$memcheck" ]; then
	t_check "no line wider than --width 20..120 (wc -L), no trailing spaces" check_widths
fi
t_check "--all --width 80 --color=never is the same for the module source, a copy and RUSTWHERE_ROOT" \
	check_vm_output
t_check "search folds ΛΟΓΟΣ and λογοσ to the text's λογος, GRUSS to Gruſs" check_search_fold
