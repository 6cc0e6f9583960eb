# SPDX-License-Identifier: GPL-2.0
#
# A terminal: its width and colour, and when there is no colour.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${trees:?}" "${wd:?}" "${update:?}"

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

# COLUMNS, as util-linux's get_terminal_width() takes it: the width where
# stdout is no terminal; a terminal's own width and --width win over it;
# what is not a number is ignored.
check_columns() {
	local vg=("${RUN[@]}") junk
	# at WANT COLUMNS ARGS...: with COLUMNS, the reader prints WANT.
	at() {
		local want=$1 c=$2
		shift 2
		(cd "$trees" && COLUMNS=$c "${vg[@]}" "$BIN" --root good --color=never "$@" cli) > "$wd/out" ||
			return 1
		cmp "$wd/$want" "$wd/out"
	}
	rw --root good --width 50 --color=never cli
	cp "$wd/out" "$wd/want-50"
	rw --root good --width 80 --color=never cli
	cp "$wd/out" "$wd/want-80"
	cmp -s "$wd/want-50" "$wd/want-80" && { echo "50 and 80 columns look the same"; return 1; }
	at want-50 50 || { echo "COLUMNS=50: not 50 columns"; return 1; }
	at want-50 30 --width 50 || { echo "COLUMNS=30 --width 50: not 50 columns"; return 1; }
	for junk in abc 50x "" 0 -50 " 50"; do
		at want-80 "$junk" || { echo "COLUMNS='$junk': not 80 columns"; return 1; }
	done
	pty env COLUMNS=80 TERM=dumb "${vg[@]}" "$BIN" --root good cli
	cmp "$wd/want-50" "$wd/out" || { echo "tty of 50 columns with COLUMNS=80: not 50 columns"; return 1; }
}

[ "$update" -eq 1 ] && return 0
t_check "a terminal sets the width and colour; NO_COLOR, TERM=dumb, --color=never do not colour" \
	check_terminal
t_check "COLUMNS sets the width where stdout is no terminal; --width and a terminal win; junk is ignored" \
	check_columns
