#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host tests of the reader, userspace/rustwhere.  Prints TAP, then a
# last line "N passed, N failed", and exits non-zero if any test failed.
#
#   tests/host/run.sh            run every test (about two minutes, 2 cores)
#   tests/host/run.sh --update   rewrite the golden files under
#                                tests/fixtures/expected/ with what the
#                                reader prints now; review with git diff
#
# It builds its own copies of the reader in a temporary directory, so it
# neither needs nor touches userspace/rustwhere:
#   gcc    the plain build (-Werror), which the suite runs as is and under
#          valgrind;
#   clang  the same warning-free with clang (-Werror);
#   asan   clang -fsanitize=address,undefined -fno-sanitize-recover=all,
#          which the suite runs too;
#   fuzz   the libFuzzer target fuzz-rustwhere.c, run for FUZZ_SECONDS
#          (default 25) from the seeds in tests/host/fuzz-corpus/ while the
#          suites run.
#
# The trees the reader reads are made at test time under the temporary
# directory (see tests/fixtures/README): "good" is a copy of module/content,
# so it cannot drift from the module; the others are "good" with the files
# of a tests/fixtures/ directory laid over it, or with a fault made here.
#
# Needs (Debian): bash coreutils make gcc clang libclang-rt-14-dev
# libsmartcols-dev pkg-config valgrind jq util-linux (setpriv, unshare)
# bsdutils (script) groff-base man-db, and the C.UTF-8 locale of libc-bin.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fixtures=$top/tests/fixtures
expected=$fixtures/expected
userspace=$top/userspace
FUZZ_SECONDS=${FUZZ_SECONDS:-25}

update=0
case ${1:-} in
'') ;;
--update) update=1 ;;
-h | --help)
	sed -n '3,12s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*)
	echo "usage: $0 [--update]" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d /tmp/rustwhere-host.XXXXXX) || exit 1
chmod 755 "$tmp"			# the unprivileged runs must reach the trees
fuzz_pid=
cleanup() {
	[ -n "$fuzz_pid" ] && kill "$fuzz_pid" 2> /dev/null
	chmod -R u+rwX "$tmp" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- TAP ---------------------------------------------------------------------

n=0
passed=0
failed=0
skipped=0
variant=
raw=		# set in a suite run in the background: replay() numbers its lines
wd=$tmp/work	# where the current checks keep their files
mkdir -p "$wd"

# emit ok|"not ok" TEXT: one TAP line.
emit() {
	if [ -n "$raw" ]; then
		echo "$1 - $2"
	else
		n=$((n + 1))
		echo "$1 $n - $2"
	fi
}
ok() {
	passed=$((passed + 1))
	emit ok "${variant:+[$variant] }$*"
}
not_ok() {
	failed=$((failed + 1))
	emit "not ok" "${variant:+[$variant] }$*"
}
skip() {	# skip DESCRIPTION REASON
	passed=$((passed + 1))
	skipped=$((skipped + 1))
	emit ok "${variant:+[$variant] }$1 # SKIP $2"
}
# replay FILE: the TAP lines of a background suite, numbered and counted.
replay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*"# SKIP "*)
			skipped=$((skipped + 1))
			;&
		"ok - "*)
			n=$((n + 1))
			passed=$((passed + 1))
			echo "ok $n - ${line#ok - }"
			;;
		"not ok - "*)
			n=$((n + 1))
			failed=$((failed + 1))
			echo "not ok $n - ${line#not ok - }"
			;;
		*)
			echo "$line"
			;;
		esac
	done < "$1"
}
# diag FILE: show FILE as TAP comments, at most 30 lines.
diag() {
	head -n 30 "$1" | sed 's/^/#   /'
}
# check DESCRIPTION COMMAND...: run COMMAND; its output is shown on failure.
check() {
	local desc=$1
	shift
	if "$@" > "$wd/check.log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$wd/check.log"
	fi
}

# --- builds ------------------------------------------------------------------

# build NAME MAKE-ARGS...: build the reader into $tmp/build/NAME.
build() {
	local name=$1
	shift
	make -s -C "$userspace" OBJDIR="$tmp/build/$name" "$@" \
		> "$tmp/build-$name.log" 2>&1
}

SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
build_all() {
	check "userspace builds with gcc, warning-free (-Werror)" \
		build gcc CC=gcc EXTRA_CFLAGS=-Werror
	check "userspace builds with clang, warning-free (-Werror)" \
		build clang CC=clang EXTRA_CFLAGS=-Werror
	check "userspace builds with $SAN_FLAGS" \
		build asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		EXTRA_CFLAGS="$SAN_FLAGS -Werror"
	check "the libFuzzer target builds" build_fuzzer
}

build_fuzzer() {
	build fuzz CC=clang CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		"$tmp/build/fuzz/librustwhere.a" || { cat "$tmp/build-fuzz.log"; return 1; }
	# shellcheck disable=SC2046
	clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -I"$userspace" "$here/fuzz-rustwhere.c" \
		"$tmp/build/fuzz/librustwhere.a" $(pkg-config --cflags --libs smartcols) \
		-o "$tmp/build/fuzz/fuzz-rustwhere"
}

start_fuzzer() {
	[ -x "$tmp/build/fuzz/fuzz-rustwhere" ] || return
	mkdir -p "$tmp/fuzz-corpus"
	"$tmp/build/fuzz/fuzz-rustwhere" -max_total_time="$FUZZ_SECONDS" \
		-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$tmp/fuzz-" "$tmp/fuzz-corpus" "$here/fuzz-corpus" \
		> "$tmp/fuzz.log" 2>&1 &
	fuzz_pid=$!
}

finish_fuzzer() {
	local rc
	if [ -z "$fuzz_pid" ]; then
		not_ok "libFuzzer: parser and formatters for ${FUZZ_SECONDS}s"
		echo "#   the fuzzer was not built"
		return
	fi
	wait "$fuzz_pid"
	rc=$?
	fuzz_pid=
	if [ $rc -eq 0 ] && grep -q '^Done [0-9]* runs' "$tmp/fuzz.log"; then
		ok "libFuzzer: parser and formatters for ${FUZZ_SECONDS}s," \
			"$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$tmp/fuzz.log") runs, no crash"
	else
		not_ok "libFuzzer: parser and formatters for ${FUZZ_SECONDS}s (exit $rc)"
		grep -v '^#\|^INFO\|^ *"' "$tmp/fuzz.log" | tail -n 30 | sed 's/^/#   /'
	fi
}

# --- trees -------------------------------------------------------------------

trees=$tmp/trees

# tree NAME [FROM]: a copy of module/content (or of tree FROM) named NAME.
tree() {
	rm -rf "${trees:?}/$1"
	mkdir -p "$trees/$1"
	cp "${2:-$top/module/content}"/* "$trees/$1/"
}

# overlay NAME DIR: tree NAME is good with the files of DIR over it; DIR's
# index.append, if any, is added to the index.
overlay() {
	local f
	tree "$1"
	for f in "$2"/*; do
		case ${f##*/} in
		index.append) cat "$f" >> "$trees/$1/index" ;;
		*) cp "$f" "$trees/$1/" ;;
		esac
	done
}

make_trees() {
	local d i
	mkdir -p "$trees"
	tree good
	overlay extra "$fixtures/extra"
	overlay quoting "$fixtures/quoting"
	for d in "$fixtures"/bad/*/; do
		d=${d%/}
		overlay "bad-${d##*/}" "$d"
	done

	# Faults that are simpler to make here than to keep as files.
	tree bad-invalid-utf8
	printf 'name: cli\ntitle: Command-line tools\nsummary: caf\351 is Latin-1, not UTF-8.\nprojects: a\nbody: b\n' \
		> "$trees/bad-invalid-utf8/cli"
	tree bad-overlong
	printf 'name: cli\ntitle: Command-line tools\nsummary: an overlong \300\257 slash.\nprojects: a\nbody: b\n' \
		> "$trees/bad-overlong/cli"
	tree bad-nul
	printf 'name: cli\ntitle: Command-line\000tools\nsummary: s\nprojects: a\nbody: b\n' \
		> "$trees/bad-nul/cli"
	tree bad-crlf
	sed 's/$/\r/' "$top/module/content/cli" > "$trees/bad-crlf/cli"
	tree bad-tab
	printf 'name: cli\ntitle: Command-line\ttools\nsummary: s\nprojects: a\nbody: b\n' \
		> "$trees/bad-tab/cli"
	tree bad-escape
	printf 'name: cli\ntitle: \033[2Jtools\nsummary: s\nprojects: a\nbody: b\n' \
		> "$trees/bad-escape/cli"
	tree bad-no-newline
	printf '%s' "$(cat "$top/module/content/cli")" > "$trees/bad-no-newline/cli"
	tree bad-empty-index
	: > "$trees/bad-empty-index/index"

	# Size: exactly the 64 KiB cap is fine, one byte more is not; a huge
	# sparse file must be refused without reading it all.
	local head='name: cli\ntitle: t\nsummary: s\nprojects: p\nbody: '
	local body=$((65536 - $(printf "$head" | wc -c) - 1))
	tree cap-exact
	{ printf "$head"; head -c $body /dev/zero | tr '\0' x; echo; } \
		> "$trees/cap-exact/cli"
	tree bad-cap-plus-one
	{ printf "$head"; head -c $((body + 1)) /dev/zero | tr '\0' x; echo; } \
		> "$trees/bad-cap-plus-one/cli"
	[ "$(wc -c < "$trees/cap-exact/cli")" -eq 65536 ] || echo "cap-exact is not 64 KiB" >&2
	tree bad-huge
	for i in $(seq 1 40000); do
		echo "x$i: a line that repeats until the file is several megabytes long"
	done > "$trees/bad-huge/cli"
	tree bad-sparse
	truncate -s 4G "$trees/bad-sparse/cli"
	tree bad-many-domains
	for i in $(seq 1 1100); do echo "d$i: Domain $i"; done > "$trees/bad-many-domains/index"

	# Files that are missing, unreadable, or not files.
	tree bad-missing-file
	rm "$trees/bad-missing-file/cli"
	tree bad-missing-index
	rm "$trees/bad-missing-index/index"
	tree bad-missing-about
	rm "$trees/bad-missing-about/about"
	tree bad-unreadable
	chmod 000 "$trees/bad-unreadable/cli"
	tree bad-unreadable-root
	chmod 000 "$trees/bad-unreadable-root"
	tree bad-fifo
	rm "$trees/bad-fifo/cli"
	mkfifo "$trees/bad-fifo/cli"
	tree bad-dir
	rm "$trees/bad-dir/cli"
	mkdir "$trees/bad-dir/cli"
	echo "not a directory" > "$trees/not-a-dir"
}

# --- running the reader ------------------------------------------------------

# The reader under test: BIN, run through the RUN prefix (valgrind or none).
BIN=
RUN=()
status=0

# rw ARGS...: run the reader in $trees with a clean environment; its output
# goes to $wd/out and $wd/err, its exit status to $status.
rw() {
	(cd "$trees" && env -u RUSTWHERE_ROOT -u NO_COLOR -u COLUMNS TERM=xterm \
		"${RUN[@]}" "$BIN" "$@") > "$wd/out" 2> "$wd/err"
	status=$?
}

# golden NAME STATUS ARGS...: the reader exits STATUS and prints exactly
# expected/NAME.out on stdout and expected/NAME.err (or nothing) on stderr.
golden() {
	local name=$1 want=$2 problems=
	shift 2
	rw "$@"
	if [ $update -eq 1 ]; then
		cp "$wd/out" "$expected/$name.out"
		if [ -s "$wd/err" ]; then
			cp "$wd/err" "$expected/$name.err"
		else
			rm -f "$expected/$name.err"
		fi
		echo "updated $name (exit $status, want $want)"
		return
	fi
	[ "$status" -eq "$want" ] || problems="exit status $status, want $want"
	if [ ! -f "$expected/$name.out" ]; then
		problems="$problems; no $expected/$name.out (run $0 --update)"
	elif ! cmp -s "$wd/out" "$expected/$name.out"; then
		problems="$problems; stdout differs"
		diff -u "$expected/$name.out" "$wd/out" > "$wd/diff-out"
	fi
	if [ -f "$expected/$name.err" ]; then
		cmp -s "$wd/err" "$expected/$name.err" || problems="$problems; stderr differs"
	elif [ -s "$wd/err" ]; then
		problems="$problems; unexpected stderr"
	fi
	if [ -z "$problems" ]; then
		ok "$name: rustwhere $* (exit $want)"
	else
		not_ok "$name: rustwhere $*: ${problems#; }"
		[ -f "$wd/diff-out" ] && diag "$wd/diff-out"
		rm -f "$wd/diff-out"
		diag "$wd/err"
	fi
}

# --- the golden cases: exact output and exit status --------------------------

golden_cases() {
	local w

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
	golden json-list 0 --root good -J
	golden json-show 0 --root good -J cli
	golden json-all 0 --root good -J --all
	golden json-search 0 --root good -J search webassembly
	golden json-search-none 1 --root good -J search nosuchword
	golden pairs-list 0 --root good -P
	golden pairs-search 0 --root good -P search kernel
	golden raw-list 0 --root good -r
	golden raw-names 0 --root good -rn -o NAME

	# A domain added to the index shows up, with no change to the reader.
	for w in 40 80 120; do
		golden "extra-table-$w" 0 --root extra --width "$w"
		golden "extra-games-$w" 0 --root extra --width "$w" games
	done
	golden extra-search 0 --root extra search café
	golden extra-search-fold 0 --root extra search CAFÉ ゲームエンジン
	golden extra-json 0 --root extra -J games
	golden extra-pairs 0 --root extra -P games
	golden quoting-json 0 --root quoting -J quoting
	golden quoting-pairs 0 --root quoting -P quoting
	golden quoting-raw 0 --root quoting -r quoting

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
}

# --- the other checks of the suite -------------------------------------------

# Every JSON document parses, and has the shape the man page promises.
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

# The JSON text of every field equals the file's, whatever its characters.
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

# Every -P line is safe to eval in a shell, and decodes to the file's text.
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

# No line is wider than the width, counted by wc -L in a UTF-8 locale: the
# prose, and tables of three, four and five columns.
check_widths() {
	local t w view max
	locale -a 2> /dev/null | grep -qix 'c\.utf-\{0,1\}8' ||
		{ echo "no C.UTF-8 locale to count with"; return 1; }
	for t in good extra; do
		for w in 20 21 23 29 31 40 47 55 64 80 99 120; do
			for view in "--all" "" "search rust games memory" \
				"-o NAME,TITLE,SUMMARY,PROJECTS,BODY" \
				"-o NAME,TITLE,SCORE,MATCH search rust games memory"; do
				# shellcheck disable=SC2086
				rw --root "$t" --width "$w" --color=never $view
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

# The same bytes whatever the locale, and with no locale data at all.
check_locales() {
	local args env
	for args in "--all --width 80 --color=never" "" "-J" "-P" "-r" "search café"; do
		# shellcheck disable=SC2086
		rw --root extra $args
		cp "$wd/out" "$wd/ref"
		for env in "LANG=" "LANG=C.UTF-8" "LC_ALL=C.UTF-8" "LC_ALL=POSIX" \
			"LANG=en_US.ISO-8859-1" "LOCPATH=/nonexistent LC_ALL=C.UTF-8"; do
			# shellcheck disable=SC2086
			(cd "$trees" && env -i PATH="$PATH" $env "${RUN[@]}" "$BIN" \
				--root extra $args) > "$wd/out" 2> "$wd/err" ||
				{ echo "$env: exit $?"; cat "$wd/err"; return 1; }
			cmp "$wd/ref" "$wd/out" || { echo "differs with $env: $args"; return 1; }
		done
	done
}

# The table is drawn by libsmartcols in the C.UTF-8 the reader sets, not in
# the user's locale: the same bytes, UTF-8 as it is, in any locale.
check_table_locales() {
	local w env
	for w in 40 80; do
		for env in "" "LC_ALL=C" "LC_ALL=POSIX" "LOCPATH=/nonexistent" \
			"LANG=en_US.ISO-8859-1"; do
			# shellcheck disable=SC2086
			(cd "$trees" && env -i PATH="$PATH" $env "${RUN[@]}" "$BIN" \
				--root extra --width $w) > "$wd/out" 2> "$wd/err" ||
				{ echo "'$env': exit $?"; cat "$wd/err"; return 1; }
			cmp "$expected/extra-table-$w.out" "$wd/out" ||
				{ echo "width $w differs with '$env'"; return 1; }
		done
	done
	grep -q 'ゲーム' "$wd/out" && ! grep -qF '\x' "$wd/out" ||
		{ echo "the table does not print UTF-8 as it is"; return 1; }
}

# The pieces the VM harness relies on: --all --width 80 is deterministic and
# equal for the module's source, a copy, and RUSTWHERE_ROOT.
check_vm_output() {
	rw --root "$top/module/content" --all --width 80 --color=never
	cp "$wd/out" "$wd/a"
	rw --root good --all --width 80 --color=never
	cmp "$wd/a" "$wd/out" || return 1
	cmp "$wd/a" "$expected/all-80.out" || return 1
	(cd "$trees" && RUSTWHERE_ROOT=good "${RUN[@]}" "$BIN" --all --width 80 --color=never) > "$wd/out" &&
		cmp "$wd/a" "$wd/out" || return 1
	(cd "$trees" && RUSTWHERE_ROOT=nonexistent "${RUN[@]}" "$BIN" --root good --all --width 80 --color=never) > "$wd/out" &&
		cmp "$wd/a" "$wd/out"
}

# pty CMD...: run CMD on a 50-column terminal; output in $wd/out, no CRs.
pty() {
	local cmd
	cmd="cd $(printf '%q' "$trees") && stty cols 50 rows 20 && exec $(printf '%q ' "$@")"
	script -qefc "$cmd" /dev/null < /dev/null | tr -d '\r' > "$wd/out"
}

# On a terminal: its width, and colour unless NO_COLOR or TERM=dumb.
check_terminal() {
	local vg=("${RUN[@]}")
	command -v script > /dev/null || { echo "no script(1)"; return 1; }
	rw --root good --width 50 --color=always cli
	cp "$wd/out" "$wd/want-color"
	rw --root good --width 50 --color=never cli
	cp "$wd/out" "$wd/want-plain"
	grep -q $'\033\\[1m' "$wd/want-color" || { echo "no bold with --color=always"; return 1; }
	grep -q $'\033' "$wd/want-plain" && { echo "colour with --color=never"; return 1; }

	pty env -u NO_COLOR TERM=xterm "${vg[@]}" "$BIN" --root good cli
	cmp "$wd/want-color" "$wd/out" || { echo "tty: not bold at 50 columns"; return 1; }
	pty env NO_COLOR=1 TERM=xterm "${vg[@]}" "$BIN" --root good cli
	cmp "$wd/want-plain" "$wd/out" || { echo "tty with NO_COLOR=1: not plain"; return 1; }
	pty env NO_COLOR= TERM=xterm "${vg[@]}" "$BIN" --root good cli
	cmp "$wd/want-color" "$wd/out" || { echo "tty with NO_COLOR empty: not bold"; return 1; }
	pty env -u NO_COLOR TERM=dumb "${vg[@]}" "$BIN" --root good cli
	cmp "$wd/want-plain" "$wd/out" || { echo "tty with TERM=dumb: not plain"; return 1; }
	pty env -u NO_COLOR TERM=xterm "${vg[@]}" "$BIN" --root good --color=never cli
	cmp "$wd/want-plain" "$wd/out" || { echo "tty with --color=never: not plain"; return 1; }
	rw --root good --width 50 --color=always search memory safety
	cp "$wd/out" "$wd/want-color"
	grep -q $'\033\\[1;31mmemory\033\\[0m' "$wd/want-color" ||
		{ echo "search: the words are not highlighted"; return 1; }
	pty env -u NO_COLOR TERM=xterm "${vg[@]}" "$BIN" --root good search memory safety
	cmp "$wd/want-color" "$wd/out" || { echo "tty search: not as --color=always"; return 1; }
	# The table: headings bold, by libsmartcols.
	rw --root good --width 50 --color=always
	cp "$wd/out" "$wd/want-color"
	rw --root good --width 50 --color=never
	cp "$wd/out" "$wd/want-plain"
	grep -q $'^\033\\[1mNAME *\033\\[0m \033\\[1mTITLE' "$wd/want-color" ||
		{ echo "table: the headings are not bold with --color=always"; return 1; }
	[ "$(sed $'s/\033\\[[0-9;]*m//g' "$wd/want-color" | sed 's/ *$//')" = "$(cat "$wd/want-plain")" ] ||
		{ echo "table: --color=always is not --color=never with bold headings"; return 1; }
	grep -q $'\033' "$wd/want-plain" && { echo "table: colour with --color=never"; return 1; }
	pty env -u NO_COLOR TERM=xterm "${vg[@]}" "$BIN" --root good
	cmp "$wd/want-color" "$wd/out" || { echo "tty table: not bold at 50 columns"; return 1; }
	pty env NO_COLOR=1 TERM=xterm "${vg[@]}" "$BIN" --root good
	cmp "$wd/want-plain" "$wd/out" || { echo "tty table with NO_COLOR=1: not plain"; return 1; }
	# Not a terminal: 80 columns, no colour.
	rw --root good cli
	cmp "$wd/out" <(cd "$trees" && "${vg[@]}" "$BIN" --root good --width 80 --color=never cli)
}

# Permission denied, as a user that root's test files keep out.
check_unreadable() {
	local as=()
	if [ "$(id -u)" -eq 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	fi
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable cli) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ $status -eq 3 ] || { echo "exit $status, want 3"; cat "$wd/err"; return 1; }
	[ ! -s "$wd/out" ] || { echo "stdout not empty"; return 1; }
	cmp "$wd/err" - <<< "rustwhere: cannot open bad-unreadable/cli: Permission denied" || return 1
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ $status -eq 3 ] && cmp "$expected/missing-file-table.out" "$wd/out" &&
		cmp - "$wd/err" <<< "rustwhere: cannot open bad-unreadable/cli: Permission denied" ||
		{ echo "table: exit $status, want 3 and the six other domains"; cat "$wd/out" "$wd/err"; return 1; }
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable-root) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ $status -eq 3 ] || { echo "unreadable root: exit $status, want 3"; return 1; }
	cmp "$wd/err" - <<< "rustwhere: cannot open bad-unreadable-root: Permission denied"
}

# Without the module: one line that says how to load it, exit 3.
check_not_loaded() {
	(env -u RUSTWHERE_ROOT "${RUN[@]}" "$BIN" cli) > "$wd/out" 2> "$wd/err"
	status=$?
	[ $status -eq 3 ] || { echo "exit $status, want 3"; return 1; }
	[ "$(wc -l < "$wd/err")" -eq 1 ] && grep -q 'sudo modprobe rustwhere' "$wd/err" &&
		grep -q 'insmod' "$wd/err" && grep -q '^rustwhere: /proc/rustwhere ' "$wd/err" ||
		{ cat "$wd/err"; return 1; }
}

# --help and --version.
check_help_version() {
	local col
	rw --version
	[ $status -eq 0 ] && [ "$(cat "$wd/out")" = "rustwhere $(cat "$top/VERSION")" ] ||
		{ echo "--version: $(cat "$wd/out")"; return 1; }
	rw -V
	[ "$(cat "$wd/out")" = "rustwhere $(cat "$top/VERSION")" ] || return 1
	rw --list-columns
	[ $status -eq 0 ] && [ ! -s "$wd/err" ] || return 1
	for col in NAME TITLE SUMMARY PROJECTS BODY SCORE MATCH; do
		grep -q "^$col " "$wd/out" || { echo "--list-columns lacks column $col"; return 1; }
	done
	cmp "$wd/out" <(cd "$trees" && "${RUN[@]}" "$BIN" -H) || return 1
	rw -H -J
	jq -e '.columns | map(.name) == ["NAME","TITLE","SUMMARY","PROJECTS","BODY","SCORE","MATCH"]' \
		"$wd/out" > /dev/null || { echo "-H -J: $(cat "$wd/out")"; return 1; }
	rw --help
	[ $status -eq 0 ] && [ ! -s "$wd/err" ] || return 1
	grep -q "^ *SUMMARY  " "$wd/out" && { echo "--help lists the columns"; return 1; }
	for opt in --all --json --pairs --raw --noheadings --output --width --root --color \
		--list-columns search; do
		grep -q -- "$opt" "$wd/out" || { echo "--help lacks $opt"; return 1; }
	done
	cmp "$wd/out" <(cd "$trees" && "${RUN[@]}" "$BIN" -h)
}

# A write error is reported, not lost: exit 4, its own status.
check_write_error() {
	local args
	[ -w /dev/full ] || { echo "no /dev/full"; return 1; }
	for args in "" "-J" "--all" "search rust"; do
		# shellcheck disable=SC2086
		(cd "$trees" && "${RUN[@]}" "$BIN" --root good $args) > /dev/full 2> "$wd/err"
		status=$?
		[ $status -eq 4 ] && cmp -s "$wd/err" - <<< "rustwhere: write error: No space left on device" ||
			{ echo "'$args': exit $status"; cat "$wd/err"; return 1; }
	done
}

# Memory stays bounded: a 4 GiB file is refused within a 64 MiB address space.
check_memory_cap() {
	(ulimit -v 65536 && cd "$trees" && "$BIN" --root bad-sparse cli) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ $status -eq 3 ] && grep -q 'larger than 64 KiB' "$wd/err" ||
		{ echo "exit $status"; cat "$wd/err"; return 1; }
}

# Where C.UTF-8 cannot be set (no locale data, as in a minimal initramfs):
# -J, -P, -r and a table of ASCII text are the same bytes; the prose has
# the same text, wrapped no wider (each byte of a character that does not
# decode counts as a column); the table escapes the bytes outside ASCII as
# \xHH, in columns that still line up and fit the width.  The locale data
# is hidden by an empty directory mounted on /usr/lib/locale in a mount
# namespace.
check_no_locale_data() {
	local empty=$tmp/no-locale args name
	mkdir -p "$empty"
	nolocale() {
		(cd "$trees" && unshare -m sh -c 'mount --bind "$0" /usr/lib/locale && exec "$@"' \
			"$empty" "$@") > "$wd/out" 2> "$wd/err"
	}
	nolocale env LC_ALL=C.UTF-8 locale charmap || { cat "$wd/err"; return 1; }
	[ "$(cat "$wd/out")" = "ANSI_X3.4-1968" ] ||
		{ echo "C.UTF-8 is still there: $(cat "$wd/out")"; return 1; }
	for args in "table-80 --root good --width 80" "json-list --root good -J" \
		"pairs-list --root good -P" "raw-list --root good -r" "extra-pairs --root extra -P games"; do
		name=${args%% *}
		# shellcheck disable=SC2086
		nolocale "$BIN" ${args#* } || { echo "$args: exit $?"; cat "$wd/err"; return 1; }
		cmp "$expected/$name.out" "$wd/out" || { echo "differs: $args"; return 1; }
	done
	for args in "all-80 --root good --all --width 80 --color=never" \
		"extra-games-80 --root extra --width 80 games"; do
		name=${args%% *}
		# shellcheck disable=SC2086
		nolocale "$BIN" ${args#* } || { echo "$args: exit $?"; cat "$wd/err"; return 1; }
		[ "$(wc -L < "$wd/out")" -le 80 ] || { echo "wider than 80: $args"; return 1; }
		# The text, without the spaces and the headings' underlines.
		cmp <(tr -d ' \n=' < "$expected/$name.out") <(tr -d ' \n=' < "$wd/out") ||
			{ echo "not the same text: $args"; return 1; }
	done
	for args in "--width 80" "--width 40" "--width 20"; do
		# shellcheck disable=SC2086
		nolocale "$BIN" --root extra $args || { echo "table $args: exit $?"; return 1; }
		grep -qF '\xe2' "$wd/out" && ! grep -q $'\xe2' "$wd/out" ||
			{ echo "table $args: not escaped"; cat "$wd/out"; return 1; }
		[ "$(wc -L < "$wd/out")" -le "${args#--width }" ] && ! grep -q ' $' "$wd/out" ||
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

# suite VARIANT [PART]: everything that runs the reader, for one build; PART
# "golden" or "checks" runs half of it.
suite() {
	local start=$SECONDS part=${2:-all}
	variant=$1
	wd=$tmp/work-$1-$part
	mkdir -p "$wd"
	[ "$part" = checks ] || golden_cases
	[ "$part" = golden ] || suite_checks
	echo "# the $variant suite ($part) took $((SECONDS - start)) s"
	variant=
	wd=$tmp/work
}

suite_checks() {
	check "JSON parses (jq) and has the documented shape" check_json
	check "JSON strings equal the files' text, quotes and UTF-8 included" check_json_roundtrip
	check "-P lines eval safely in a shell and decode to the files' text" check_pairs_eval
	check "--all --width 80 --color=never is the same for the module source, a copy and RUSTWHERE_ROOT" \
		check_vm_output
	check "output is byte-identical in every locale and with no locale data" check_locales
	check "the table is identical with LANG/LC_ALL unset, LC_ALL=C or POSIX, LOCPATH=/nonexistent" \
		check_table_locales
	check "a terminal sets the width and colour; NO_COLOR, TERM=dumb, --color=never do not colour" \
		check_terminal
	if [ "$(id -u)" -ne 0 ] || command -v setpriv > /dev/null; then
		check "permission denied on a file and on the root: exit 3, the rest shown" check_unreadable
	else
		skip "permission denied on a file" "running as root without setpriv"
	fi
	if [ -e /proc/rustwhere ]; then
		skip "module not loaded: how to load it, exit 3" "/proc/rustwhere exists here"
	else
		check "module not loaded: one line on how to load it, exit 3" check_not_loaded
	fi
	check "--help lists the options, -H the columns; --version prints VERSION" check_help_version
	check "a write error (stdout on /dev/full) is reported, exit 4" check_write_error
}

# --- checks that need no run of the reader ------------------------------------

check_man() {
	local sec out
	out=$(groff -man -ww -z "$userspace/rustwhere.1" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
	out=$(MANWIDTH=80 man -l "$userspace/rustwhere.1" 2>&1) || return 1
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "OUTPUT COLUMNS" \
		"EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -q "^$sec\$" <<< "$out" || { echo "no section $sec"; return 1; }
	done
	grep -q 'proc_rustwhere(5)' <<< "$out"
}

# complete WORDS...: what the completion offers for the last word.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_rustwhere; ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"; true' sh \
		"$userspace/rustwhere.bash-completion" "$@"
}

check_completion() {
	local got
	got=$(cd "$trees" && complete_words rustwhere --root extra "" | sort | tr '\n' ' ')
	[ "$got" = "backend blockchain cli data embedded games search systems wasm " ] ||
		{ echo "--root extra: $got"; return 1; }
	got=$(cd "$trees" && complete_words rustwhere --root=extra g | tr '\n' ' ')
	[ "$got" = "games " ] || { echo "--root=extra g: $got"; return 1; }
	got=$(cd "$trees" && RUSTWHERE_ROOT=good complete_words rustwhere cli w | tr '\n' ' ')
	[ "$got" = "wasm " ] || { echo "RUSTWHERE_ROOT: $got"; return 1; }
	got=$(cd "$trees" && complete_words rustwhere --root good search w | tr '\n' ' ')
	[ "$got" = "" ] || { echo "after search: $got"; return 1; }
	got=$(complete_words rustwhere --js | tr '\n' ' ')
	[ "$got" = "--json " ] || { echo "--js: $got"; return 1; }
	got=$(complete_words rustwhere -o NAME,SU | tr '\n' ' ')
	[ "$got" = "NAME,SUMMARY " ] || { echo "-o NAME,SU: $got"; return 1; }
	got=$(complete_words rustwhere --color = n | tr '\n' ' ')
	[ "$got" = "never " ] || { echo "--color=n: $got"; return 1; }
	got=$(cd "$trees" && complete_words rustwhere --root nonexistent c | tr '\n' ' ')
	[ "$got" = "" ] || { echo "missing root: $got"; return 1; }
}

check_install() {
	local d=$tmp/destdir f
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" PREFIX=/usr || return 1
	for f in bin/rustwhere share/man/man1/rustwhere.1 share/bash-completion/completions/rustwhere; do
		[ -f "$d/usr/$f" ] || { echo "not installed: $f"; return 1; }
	done
	[ -x "$d/usr/bin/rustwhere" ] || return 1
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" uninstall DESTDIR="$d" PREFIX=/usr || return 1
	[ -z "$(find "$d" -type f)" ] || { find "$d" -type f; return 1; }
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" || return 1
	[ -x "$d/usr/local/bin/rustwhere" ]
}

# The version comes from VERSION only, through a -D define; the man page
# has it in its .TH line, where it must be VERSION's.
check_version_source() {
	make -n -C "$userspace" OBJDIR="$tmp/build/dry" 2>&1 |
		grep -qF -- "-DRUSTWHERE_VERSION='\"$(cat "$top/VERSION")\"'" ||
		{ echo "no -DRUSTWHERE_VERSION from VERSION"; return 1; }
	! grep -rnF -- "$(cat "$top/VERSION")" "$userspace"/*.c "$userspace"/*.h \
		"$userspace"/Makefile "$userspace"/rustwhere.bash-completion
}

check_man_version() {
	local th
	th=$(sed -n 's/^\.TH RUSTWHERE 1 "[^"]*" "rustwhere \([^"]*\)" .*/\1/p' "$userspace/rustwhere.1")
	[ "$th" = "$(cat "$top/VERSION")" ] ||
		{ echo "rustwhere.1 .TH says '$th', VERSION '$(cat "$top/VERSION")'"; return 1; }
}

# CPPFLAGS, CFLAGS and LDFLAGS reach the compiler and the linker, as
# dpkg-buildflags passes them, and EXTRA_CFLAGS adds to CFLAGS.
check_build_flags() {
	local out
	out=$(make -n -C "$userspace" OBJDIR="$tmp/build/flags" CPPFLAGS=-DRW_CPPFLAGS_SEEN \
		CFLAGS="-O2 -DRW_CFLAGS_SEEN" EXTRA_CFLAGS=-DRW_EXTRA_SEEN \
		LDFLAGS=-Wl,-z,relro,-z,now 2>&1) || { echo "$out"; return 1; }
	# Every compile has the three; the link has LDFLAGS.
	grep -- ' -c ' <<< "$out" | grep -v -- '-DRW_CPPFLAGS_SEEN.*-DRW_CFLAGS_SEEN.*-DRW_EXTRA_SEEN' &&
		{ echo "a compile without CPPFLAGS, CFLAGS and EXTRA_CFLAGS"; return 1; }
	grep -q -- ' -c .*/main\.c$' <<< "$out" || { echo "$out"; return 1; }
	grep -- ' -o [^ ]*/rustwhere ' <<< "$out" | grep -q -- '-Wl,-z,relro,-z,now' ||
		{ echo "the link lacks LDFLAGS"; echo "$out"; return 1; }
}

# --- main --------------------------------------------------------------------

make_trees
if [ $update -eq 1 ]; then
	build gcc || { cat "$tmp/build-gcc.log"; exit 1; }
	BIN=$tmp/build/gcc/rustwhere
	mkdir -p "$expected"
	rm -f "$expected"/*.out "$expected"/*.err
	golden_cases
	echo "Golden files rewritten in $expected: review them with git diff."
	exit 0
fi

echo "TAP version 13"
build_all
start_fuzzer

check "man page: groff -ww without warnings, every section" check_man
check "bash completion: options, columns, domains of --root or RUSTWHERE_ROOT" check_completion
check "make install and uninstall honour DESTDIR and PREFIX" check_install
check "the version comes from VERSION alone, as -DRUSTWHERE_VERSION" check_version_source
check "the man page's .TH line carries the version in VERSION" check_man_version
check "make honours CPPFLAGS, CFLAGS, EXTRA_CFLAGS and LDFLAGS" check_build_flags

# The valgrind suite is the slowest: its two halves run in the background,
# beside the other suites and the fuzzer, and their TAP lines are numbered
# when they are done.
valgrind_suite() {
	BIN=$tmp/build/gcc/rustwhere
	RUN=(valgrind -q --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite,indirect
		--show-leak-kinds=definite,indirect
		--log-file="$tmp/valgrind/%p.log")
	suite valgrind "$1"
}
check_valgrind_logs() {
	local f bad=0
	for f in "$tmp"/valgrind/*.log; do
		[ -s "$f" ] && { cat "$f"; bad=1; }
	done
	ls "$tmp"/valgrind/*.log > /dev/null && [ $bad -eq 0 ]
}

valgrind_pids=
if command -v valgrind > /dev/null && [ -x "$tmp/build/gcc/rustwhere" ]; then
	mkdir -p "$tmp/valgrind"
	chmod 1777 "$tmp/valgrind"
	(raw=1 valgrind_suite golden) > "$tmp/valgrind-golden.tap" 2>&1 &
	valgrind_pids="$!"
	(raw=1 valgrind_suite checks) > "$tmp/valgrind-checks.tap" 2>&1 &
	valgrind_pids="$valgrind_pids $!"
else
	not_ok "valgrind is not installed: its suite was not run"
fi

if [ -x "$tmp/build/gcc/rustwhere" ]; then
	BIN=$tmp/build/gcc/rustwhere
	RUN=()
	suite gcc
	variant=gcc
	check "no line wider than --width 20..120 (wc -L), no trailing spaces" check_widths
	check "memory is bounded: a 4 GiB file is refused under ulimit -v 64 MiB" check_memory_cap
	if [ "$(id -u)" -eq 0 ] && [ -d /usr/lib/locale ] && unshare -m true 2> /dev/null; then
		check "without locale data: the same -J, -P, -r and text; the table escaped, in the width" \
			check_no_locale_data
	else
		skip "without locale data" "unshare -m needs root"
	fi
	variant=
else
	not_ok "the plain build is missing: its suite was not run"
fi

if [ -x "$tmp/build/asan/rustwhere" ]; then
	BIN=$tmp/build/asan/rustwhere
	RUN=()
	export ASAN_OPTIONS=detect_leaks=1:exitcode=98:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=97
	suite asan
	unset ASAN_OPTIONS UBSAN_OPTIONS
else
	not_ok "the sanitizer build is missing: its suite was not run"
fi

if [ -n "$valgrind_pids" ]; then
	# shellcheck disable=SC2086
	wait $valgrind_pids
	replay "$tmp/valgrind-golden.tap"
	replay "$tmp/valgrind-checks.tap"
	variant=valgrind
	check "valgrind reported nothing" check_valgrind_logs
	variant=
fi

finish_fuzzer

echo "1..$n"
[ $skipped -eq 0 ] || echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
