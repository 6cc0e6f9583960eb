# SPDX-License-Identifier: GPL-2.0
#
# The bash completion: options, columns, and the domains of --root or
# RUSTWHERE_ROOT.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${userspace:?}" "${trees:?}" "${update:?}"

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

[ "$update" -eq 1 ] && return 0
t_check "bash completion: options, columns, domains of --root or RUSTWHERE_ROOT" check_completion
