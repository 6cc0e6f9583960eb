# SPDX-License-Identifier: GPL-2.0
#
# The command line: --help, -H, --version, and the exit statuses that
# need a set-up of their own: permission denied, no module, a write error,
# a memory cap.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh); memcheck may be "".
: "${trees:?}" "${wd:?}" "${expected:?}" "${top:?}" "${update:?}" "${memcheck?}"

# Permission denied, as a user that root's test files keep out.
check_unreadable() {
	local as=()
	if [ "$(id -u)" -eq 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	fi
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable cli) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ "$status" -eq 3 ] || { echo "exit $status, want 3"; cat "$wd/err"; return 1; }
	[ ! -s "$wd/out" ] || { echo "stdout not empty"; return 1; }
	cmp "$wd/err" - <<< "rustwhere: cannot open bad-unreadable/cli: Permission denied" || return 1
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	{ [ "$status" -eq 3 ] && cmp "$expected/golden/missing-file-table.out" "$wd/out" &&
		cmp - "$wd/err" <<< "rustwhere: cannot open bad-unreadable/cli: Permission denied"; } ||
		{ echo "table: exit $status, want 3 and the six other domains"; cat "$wd/out" "$wd/err"; return 1; }
	(cd "$trees" && "${as[@]}" "${RUN[@]}" "$BIN" --root bad-unreadable-root) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	[ "$status" -eq 3 ] || { echo "unreadable root: exit $status, want 3"; return 1; }
	cmp "$wd/err" - <<< "rustwhere: cannot open bad-unreadable-root: Permission denied"
}

# Without the module, on the empty system of functions.sh: two lines that
# say it is not installed and how to install it, exit 3 (ts/diag.sh has
# the other cases, word for word).
check_not_loaded() {
	(env -u RUSTWHERE_ROOT "${RUN[@]}" "$BIN" cli) > "$wd/out" 2> "$wd/err"
	status=$?
	[ "$status" -eq 3 ] || { echo "exit $status, want 3"; return 1; }
	{ [ "$(wc -l < "$wd/err")" -eq 2 ] && grep -q 'not installed for this kernel' "$wd/err" &&
		grep -q 'sudo dkms autoinstall' "$wd/err" && grep -q '^rustwhere: /proc/rustwhere ' "$wd/err"; } ||
		{ cat "$wd/err"; return 1; }
}

# --help and --version.
check_help_version() {
	local col
	rw --version
	{ [ "$status" -eq 0 ] && [ "$(cat "$wd/out")" = "rustwhere $(cat "$top/VERSION")" ]; } ||
		{ echo "--version: $(cat "$wd/out")"; return 1; }
	rw -V
	[ "$(cat "$wd/out")" = "rustwhere $(cat "$top/VERSION")" ] || return 1
	rw --list-columns
	{ [ "$status" -eq 0 ] && [ ! -s "$wd/err" ]; } || return 1
	for col in NAME TITLE SUMMARY PROJECTS BODY SCORE MATCH; do
		grep -q "^$col " "$wd/out" || { echo "--list-columns lacks column $col"; return 1; }
	done
	cmp "$wd/out" <(cd "$trees" && "${RUN[@]}" "$BIN" -H) || return 1
	rw -H -J
	jq -e '.columns | map(.name) == ["NAME","TITLE","SUMMARY","PROJECTS","BODY","SCORE","MATCH"]' \
		"$wd/out" > /dev/null || { echo "-H -J: $(cat "$wd/out")"; return 1; }
	rw --help
	{ [ "$status" -eq 0 ] && [ ! -s "$wd/err" ]; } || return 1
	grep -q "^ *SUMMARY  " "$wd/out" && { echo "--help lists the columns"; return 1; }
	for opt in --all --json --pairs --raw --noheadings --output --width --root --color \
		--list-columns search; do
		grep -q -- "$opt" "$wd/out" || { echo "--help lacks $opt"; return 1; }
	done
	cmp "$wd/out" <(cd "$trees" && "${RUN[@]}" "$BIN" -h)
}

# A write error is reported, not lost: exit 4, its own status.
check_write_error() {
	local args argv
	[ -w /dev/full ] || { echo "no /dev/full"; return 1; }
	for args in "" "-J" "--all" "search rust"; do
		read -r -a argv <<< "$args"
		(cd "$trees" && "${RUN[@]}" "$BIN" --root good "${argv[@]}") > /dev/full 2> "$wd/err"
		status=$?
		{ [ "$status" -eq 4 ] && cmp -s "$wd/err" - <<< "rustwhere: write error: No space left on device"; } ||
			{ echo "'$args': exit $status"; cat "$wd/err"; return 1; }
	done
}

# Memory stays bounded: a 4 GiB file is refused within a 64 MiB address space.
check_memory_cap() {
	(ulimit -v 65536 && cd "$trees" && "$BIN" --root bad-sparse cli) \
		> "$wd/out" 2> "$wd/err"
	status=$?
	{ [ "$status" -eq 3 ] && grep -q 'larger than 64 KiB' "$wd/err"; } ||
		{ echo "exit $status"; cat "$wd/err"; return 1; }
}

[ "$update" -eq 1 ] && return 0
if [ "$(id -u)" -ne 0 ] || command -v setpriv > /dev/null; then
	t_check "permission denied on a file and on the root: exit 3, the rest shown" check_unreadable
else
	t_skip "permission denied on a file" "running as root without setpriv"
fi
if [ -e /proc/rustwhere ]; then
	t_skip "module not loaded: how to load it, exit 3" "/proc/rustwhere exists here"
else
	t_check "module not loaded: two lines on how to install it, exit 3" check_not_loaded
fi
t_check "--help lists the options, -H the columns; --version prints VERSION" check_help_version
t_check "a write error (stdout on /dev/full) is reported, exit 4" check_write_error
if [ -z "$memcheck" ]; then
	t_check "memory is bounded: a 4 GiB file is refused under ulimit -v 64 MiB" check_memory_cap
fi
