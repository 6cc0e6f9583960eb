# SPDX-License-Identifier: GPL-2.0
#
# The helpers the host tests share (bash), sourced by tests/host/run.sh
# after tests/tap.sh, as util-linux's tests/functions.sh is by its tests.
#
#   make_trees             the trees the reader reads, under $trees
#   rw ARGS...             run the reader under test in $trees
#   golden NAME STATUS ARGS...
#                          the reader exits STATUS and prints exactly the
#                          group's expected/GROUP/NAME.out (and .err)
#   t_check DESC CMD...    tap.sh's check, the description marked with the
#                          memcheck run, if any: "[valgrind] ..."
#   t_skip DESC REASON     the same for skip
#   expected_of NAME       the golden file NAME.out of whichever group
#
# What the group files (ts/*.sh) see: top, here, fixtures, expected,
# userspace, tmp, trees, BIN (the reader) and RUN (what wraps it: valgrind,
# or nothing), memcheck ("", valgrind or asan), group (the group's name),
# wd (its own directory for the files of its checks) and update (1 with
# --update).
# shellcheck shell=bash

# run.sh sets these two before it sources this file.
: "${top:?functions.sh is sourced by tests/host/run.sh}" "${tmp:?}"

fixtures=$top/tests/fixtures
expected=$fixtures/expected
# shellcheck disable=SC2034 # used by run.sh and ts/*.sh, which source this file
userspace=$top/userspace
trees=$tmp/trees
# The reader's view of the system (/lib/modules, /sys/module, efivars):
# an empty one, so that a rustwhere module the host has, loaded or not,
# changes no output; ts/diag.sh makes the fake systems it needs.
export RUSTWHERE_SYSROOT=$tmp/sysroot-empty

BIN=
RUN=()
status=0
memcheck=
group=
wd=$tmp/work
update=${update:-0}

t_check() {
	local desc=$1
	shift
	check "${memcheck:+[$memcheck] }$desc" "$@"
}

t_skip() {
	skip "${memcheck:+[$memcheck] }$1" "$2"
}

# diag FILE: FILE's first 30 lines, for not_ok's details.
diag() {
	head -n 30 "$1"
}

expected_of() {
	local f
	for f in "$expected"/*/"$1.out"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	echo "$expected/missing/$1.out"
}

# --- trees -------------------------------------------------------------------

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
	mkdir -p "$trees" "$RUSTWHERE_SYSROOT"
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
	# Case folding beyond lowercase: a final sigma and a long s.
	tree fold
	sed '/^body: / s/$/ Also called λογος, or Gruſs./' "$top/module/content/cli" > "$trees/fold/cli"
	tree bad-no-newline
	printf '%s' "$(cat "$top/module/content/cli")" > "$trees/bad-no-newline/cli"
	tree bad-empty-index
	: > "$trees/bad-empty-index/index"

	# Size: exactly the 64 KiB cap is fine, one byte more is not; a huge
	# sparse file must be refused without reading it all.
	local head=$'name: cli\ntitle: t\nsummary: s\nprojects: p\nbody: '
	local body=$((65536 - ${#head} - 1))	# ${#head} is in bytes: LC_ALL=C
	tree cap-exact
	{ printf '%s' "$head"; head -c $body /dev/zero | tr '\0' x; echo; } \
		> "$trees/cap-exact/cli"
	tree bad-cap-plus-one
	{ printf '%s' "$head"; head -c $((body + 1)) /dev/zero | tr '\0' x; echo; } \
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

# rw ARGS...: run the reader in $trees with a clean environment; its output
# goes to $wd/out and $wd/err, its exit status to $status.
rw() {
	# A reader that hangs fails its test (exit 124) instead of the run.
	(cd "$trees" && env -u RUSTWHERE_ROOT -u NO_COLOR -u COLUMNS TERM=xterm \
		timeout -k 10 "${RW_TIMEOUT:-300}" "${RUN[@]}" "$BIN" "$@") > "$wd/out" 2> "$wd/err"
	status=$?
	[ "$status" -ne 124 ] || echo "rustwhere $*: killed after ${RW_TIMEOUT:-300} s" >> "$wd/err"
}

# golden NAME STATUS ARGS...: the reader exits STATUS and prints exactly
# expected/GROUP/NAME.out on stdout and expected/GROUP/NAME.err (or
# nothing) on stderr.  With --update, it writes them instead.
golden() {
	local name=$1 want=$2 problems='' dir=$expected/$group
	shift 2
	rw "$@"
	if [ "$update" -eq 1 ]; then
		mkdir -p "$dir"
		cp "$wd/out" "$dir/$name.out"
		if [ -s "$wd/err" ]; then
			cp "$wd/err" "$dir/$name.err"
		else
			rm -f "$dir/$name.err"
		fi
		echo "updated $group/$name (exit $status, want $want)"
		return
	fi
	[ "$status" -eq "$want" ] || problems="exit status $status, want $want"
	if [ ! -f "$dir/$name.out" ]; then
		problems="$problems; no $dir/$name.out (run tests/host/run.sh --update)"
	elif ! cmp -s "$wd/out" "$dir/$name.out"; then
		problems="$problems; stdout differs"
		diff -u "$dir/$name.out" "$wd/out" > "$wd/diff-out"
	fi
	if [ -f "$dir/$name.err" ]; then
		cmp -s "$wd/err" "$dir/$name.err" || problems="$problems; stderr differs"
	elif [ -s "$wd/err" ]; then
		problems="$problems; unexpected stderr"
	fi
	if [ -z "$problems" ]; then
		ok "${memcheck:+[$memcheck] }$group/$name: rustwhere $* (exit $want)"
	else
		not_ok "${memcheck:+[$memcheck] }$group/$name: rustwhere $*: ${problems#; }" \
			"$([ -f "$wd/diff-out" ] && diag "$wd/diff-out")" "$(diag "$wd/err")"
		rm -f "$wd/diff-out"
	fi
}
