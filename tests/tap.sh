# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the test scripts, sourced by them (POSIX sh).
#
#   ok DESC                  a pass
#   not_ok DESC [DETAIL...]  a failure; each DETAIL is shown as "# " lines
#   check DESC CMD...        a pass when CMD succeeds; CMD's output is shown
#                            on failure (its last TAP_TAIL lines, default 40),
#                            and on success too when TAP_SHOW_PASS=1; with
#                            TAP_LOG_DIR set it is kept there as check-N.log;
#                            with TAP_TIMES=1 its time follows ("# took")
#   verdict STATUS DESC      a pass when STATUS (a $?) is 0, else a failure
#   skip DESC REASON         a test that could not run here ("# SKIP")
#   bail MSG                 "Bail out!" and exit 1
#   tap_replay FILE [PREFIX] the TAP (or KTAP) lines of tests run elsewhere
#                            (in the background, in a guest) numbered on
#                            from here and counted, PREFIX before each
#                            description; "# SKIP" stays a skip; its plan
#                            and totals lines are dropped, other lines
#                            passed through
#   tap_end                  the plan and "N passed, N failed" (and ", N
#                            skipped"); returns 1 when anything failed
#
# n, failed and skipped count the tests.
# shellcheck shell=sh
n=0
failed=0
skipped=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for _tap_d in "$@"; do
		[ -n "$_tap_d" ] && printf '%s\n' "$_tap_d" | sed 's/^/# /'
	done
	return 0
}

check() {
	_tap_desc=$1
	shift
	if [ -n "${TAP_LOG_DIR:-}" ]; then
		_tap_log=$TAP_LOG_DIR/check-$((n + 1)).log
	else
		_tap_log=$(mktemp /tmp/tap-check.XXXXXX)
	fi
	[ "${TAP_TIMES:-0}" = 1 ] && read -r _tap_t0 _ < /proc/uptime
	if "$@" > "$_tap_log" 2>&1; then
		ok "$_tap_desc"
		[ "${TAP_SHOW_PASS:-0}" = 1 ] && sed 's/^/# /' "$_tap_log"
	else
		not_ok "$_tap_desc" "$(tail -n "${TAP_TAIL:-40}" "$_tap_log")"
	fi
	if [ "${TAP_TIMES:-0}" = 1 ]; then
		read -r _tap_t1 _ < /proc/uptime
		echo "$_tap_t0 $_tap_t1" | awk '{ printf "# took %.2f s\n", $2 - $1 }'
	fi
	[ -n "${TAP_LOG_DIR:-}" ] || rm -f "$_tap_log"
	return 0
}

verdict() {
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}

skip() {
	n=$((n + 1))
	skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}

bail() {
	echo "Bail out! $*"
	exit 1
}

tap_replay() {
	while IFS= read -r _tap_l; do
		case $_tap_l in
		"ok "[0-9]* | "not ok "[0-9]*)
			_tap_r=${_tap_l#not }
			_tap_r=${_tap_r#ok }
			_tap_r=${_tap_r#"${_tap_r%%[!0-9]*}"}
			case $_tap_r in
			" - "*) _tap_r=" - ${2:-}${_tap_r# - }" ;;
			*) _tap_r=" ${2:-}${_tap_r# }" ;;
			esac
			n=$((n + 1))
			case $_tap_l in
			"not ok "*)
				failed=$((failed + 1))
				echo "not ok $n$_tap_r"
				;;
			*)
				case $_tap_r in
				*" # SKIP"*) skipped=$((skipped + 1)) ;;
				esac
				echo "ok $n$_tap_r"
				;;
			esac
			;;
		"1.."[0-9]* | [0-9]*" passed, "[0-9]*" failed"*) ;;
		*) printf '%s\n' "$_tap_l" ;;
		esac
	done < "$1"
}

tap_end() {
	echo "1..$n"
	if [ "$skipped" -gt 0 ]; then
		echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"
	else
		echo "$((n - failed)) passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}
