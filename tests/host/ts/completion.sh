# SPDX-License-Identifier: GPL-2.0
#
# The bash, zsh and fish completions: options, columns, and the domains
# of --root or RUSTWHERE_ROOT.  The zsh one runs in zsh's own completion
# system (compinit, a Tab typed on a pty: ../zsh-complete.zsh), the fish
# one through fish's "complete -C".  A shell that is not installed fails
# its tests (tests/deps.sh host installs both).
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${userspace:?}" "${trees:?}" "${update:?}" "${here:?}" "${wd:?}"

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

# fish_words LINE: what fish's "complete -C LINE" offers with the fish
# completion sourced, the words only, sorted, on one line; no completion
# but this one is loaded (an empty fish_complete_path).
fish_words() {
	# shellcheck disable=SC2016 # $argv is fish's, expanded by fish
	fish --no-config -c 'set -g fish_complete_path; source $argv[1]; or exit 9
		complete -C $argv[2]' "$userspace/rustwhere.fish-completion" "$1" |
		cut -f 1 | LC_ALL=C sort | tr '\n' ' '
}

check_fish() {
	local got
	command -v fish > /dev/null || { echo "fish is not installed (tests/deps.sh host)"; return 1; }
	fish --no-config -n "$userspace/rustwhere.fish-completion" || return 1
	got=$(cd "$trees" && fish_words "rustwhere --root extra ")
	[ "$got" = "backend blockchain cli data embedded games search systems wasm " ] ||
		{ echo "--root extra: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root=extra g")
	[ "$got" = "games " ] || { echo "--root=extra g: $got"; return 1; }
	got=$(cd "$trees" && RUSTWHERE_ROOT=good fish_words "rustwhere cli w")
	[ "$got" = "wasm " ] || { echo "RUSTWHERE_ROOT: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root good cli ")
	[ "$got" = "backend blockchain cli data embedded systems wasm " ] ||
		{ echo "--root good cli: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root good search w")
	[ "$got" = "" ] || { echo "after search: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root good search ")
	[ "$got" = "" ] || { echo "after search, an empty word: $got"; return 1; }
	got=$(fish_words "rustwhere --js")
	[ "$got" = "--json " ] || { echo "--js: $got"; return 1; }
	got=$(fish_words "rustwhere -o NAME,SU")
	[ "$got" = "NAME,SUMMARY " ] || { echo "-o NAME,SU: $got"; return 1; }
	got=$(fish_words "rustwhere --output=+TI")
	[ "$got" = "--output=+TITLE " ] || { echo "--output=+TI: $got"; return 1; }
	got=$(fish_words "rustwhere --color=n")
	[ "$got" = "--color=never " ] || { echo "--color=n: $got"; return 1; }
	# "w", not the bash test's "c": fish falls back to words that hold
	# the letters anywhere, and "search" holds a c.
	got=$(cd "$trees" && fish_words "rustwhere --root nonexistent w")
	[ "$got" = "" ] || { echo "missing root: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root g")
	[ "$got" = "good/ " ] || { echo "--root g: $got"; return 1; }
	got=$(cd "$trees" && fish_words "rustwhere --root not-a-")
	[ "$got" = "" ] || { echo "--root not-a-: $got (a file, not a directory)"; return 1; }
}

# Each domain beside its title, from the index.
check_fish_titles() {
	local got
	command -v fish > /dev/null || { echo "fish is not installed (tests/deps.sh host)"; return 1; }
	# shellcheck disable=SC2016 # $argv is fish's, expanded by fish
	got=$(cd "$trees" && fish --no-config -c 'set -g fish_complete_path; source $argv[1]
		complete -C "rustwhere --root extra ga"; complete -C "rustwhere --root extra da"' \
		"$userspace/rustwhere.fish-completion")
	[ "$got" = "$(printf 'games\tGames & “engines” — ゲーム\ndata\tData, ML & the AI stack')" ] ||
		{ echo "got: $got"; return 1; }
}

# zsh_lines LINE: what zsh's completion system offers for LINE with the
# zsh completion installed as _rustwhere in $fpath, "WORD -- TITLE" lines.
# In C.UTF-8, as a user's zsh would be: in C, zsh prints the bytes of a
# title outside ASCII one by one, escaped.
zsh_lines() {
	LC_ALL=C.UTF-8 zsh -f "$here/zsh-complete.zsh" "$wd/zsh-fpath" "$1"
}

# zsh_words LINE: the words only, each once (a word may be added by more
# than one call of compadd), sorted, on one line.
zsh_words() {
	local out line
	out=$(zsh_lines "$1") || { echo "zsh-complete.zsh failed: $out"; return 1; }
	while IFS= read -r line; do
		[ -n "$line" ] && printf '%s\n' "${line%% -- *}"
	done <<< "$out" | LC_ALL=C sort -u | tr '\n' ' '
}

zsh_setup() {
	command -v zsh > /dev/null || { echo "zsh is not installed (tests/deps.sh host)"; return 1; }
	zsh -n "$userspace/rustwhere.zsh-completion" || return 1
	mkdir -p "$wd/zsh-fpath"
	cp "$userspace/rustwhere.zsh-completion" "$wd/zsh-fpath/_rustwhere"
}

check_zsh() {
	local got
	zsh_setup || return 1
	got=$(cd "$trees" && zsh_words "rustwhere --root extra ")
	[ "$got" = "backend blockchain cli data embedded games search systems wasm " ] ||
		{ echo "--root extra: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root=extra g")
	[ "$got" = "games " ] || { echo "--root=extra g: $got"; return 1; }
	got=$(cd "$trees" && RUSTWHERE_ROOT=good zsh_words "rustwhere cli w")
	[ "$got" = "wasm " ] || { echo "RUSTWHERE_ROOT: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root good cli ")
	[ "$got" = "backend blockchain cli data embedded systems wasm " ] ||
		{ echo "--root good cli: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root good search w")
	[ "$got" = "" ] || { echo "after search: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root good search ")
	[ "$got" = "" ] || { echo "after search, an empty word: $got"; return 1; }
	got=$(zsh_words "rustwhere --js")
	[ "$got" = "--json " ] || { echo "--js: $got"; return 1; }
	got=$(zsh_words "rustwhere -o NAME,SU")
	[ "$got" = "NAME,SUMMARY " ] || { echo "-o NAME,SU: $got"; return 1; }
	got=$(zsh_words "rustwhere --output=+TI")
	[ "$got" = "--output=+TITLE " ] || { echo "--output=+TI: $got"; return 1; }
	got=$(zsh_words "rustwhere --color=n")
	[ "$got" = "--color=never " ] || { echo "--color=n: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root nonexistent c")
	[ "$got" = "" ] || { echo "missing root: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root g")
	[ "$got" = "good " ] || { echo "--root g: $got"; return 1; }
	got=$(cd "$trees" && zsh_words "rustwhere --root not-a-")
	[ "$got" = "" ] || { echo "--root not-a-: $got (a file, not a directory)"; return 1; }
}

check_zsh_titles() {
	local got
	zsh_setup || return 1
	got=$(cd "$trees" && zsh_lines "rustwhere --root extra ga" && zsh_lines "rustwhere --root extra da")
	[ "$got" = "$(printf 'games -- Games & “engines” — ゲーム\ndata -- Data, ML & the AI stack')" ] ||
		{ echo "got: $got"; return 1; }
}

[ "$update" -eq 1 ] && return 0
t_check "bash completion: options, columns, domains of --root or RUSTWHERE_ROOT" check_completion
t_check "fish completion (complete -C): options, columns, --color=, domains of --root or RUSTWHERE_ROOT, none after search, directories for --root" check_fish
t_check "fish completion (complete -C): the domains described by their index titles" check_fish_titles
t_check "zsh completion (compinit, Tab on a pty): options, columns, --color=, domains of --root or RUSTWHERE_ROOT, none after search, directories for --root" check_zsh
t_check "zsh completion (compinit, Tab on a pty): the domains described by their index titles" check_zsh_titles
