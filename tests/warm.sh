#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What the later suites of "make check" need that waits on the archive or
# on a core, made ahead, in the background, at the lowest priority (nice
# 19, the lowest best-effort I/O class), while the first suites run:
#
#   tests/warm.sh      (tests/check.sh runs it; its log is $O/warm.log)
#
# Two jobs side by side:
# - fetches, which mostly wait on the archive: the release roots (tests/
#   release/run.sh --roots); then every kernel of the matrix (tests/vm/
#   kernels.sh fetch) with the build root of its release and its
#   compiler, beside tests/pkg's base roots (tests/pkg/run.sh --bases);
# - the debug kernel's build (tests/debug/kernel.sh), on the cores the
#   suites leave idle.
# Each piece takes the lock that the suite which needs it takes too, so
# the suite waits for it, or finds it done.  A piece that fails here is
# done again by its suite, which judges it: nothing here is a test, and
# this script's own status is always 0.  Each piece's time is logged.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
O=${O:-$top/build}
export O
. "$here/vm/build.sh"

# piece NAME COMMAND...: COMMAND, its output and its time in the log.
piece() {
	_p_name=$1
	shift
	_p_t0=$(date +%s)
	echo "warm: $_p_name: start"
	"$@" > "$O/warm-$_p_name.log" 2>&1
	_p_rc=$?
	echo "warm: $_p_name: exit $_p_rc in $(($(date +%s) - _p_t0)) s"
}

# build_root ROW: the row's kernel fetched, and the build root of its
# release with what tests/vm/build.sh's build of it installs there (sparse
# too, for the amd64 rows that tests/vm/run.sh runs it on).
# shellcheck disable=SC2317 # run through piece
build_root() {
	_b_dir=$("$top/tests/vm/kernels.sh" fetch "$1") || return 1
	case $1 in
	*-amd64) row_root "$_b_dir" C=2 ;;
	*) row_root "$_b_dir" ;;
	esac
}

# The release roots first (the second suite waits for them), then the
# kernels in the matrix's order (the third) beside tests/pkg's bases (a
# later one): each mostly waits on the archive or on dpkg, and one after
# the other they held up the pkg suite on a cold run.
fetches() {
	piece release-roots "$here/release/run.sh" --roots
	piece pkg-bases env PKG_O="$O/warm-pkg" "$here/pkg/run.sh" --bases &
	rows=$("$here/vm/kernels.sh" list 2> "$O/warm-list.log" | awk '$4 != "-" { print $1 "/" $4 }')
	for row in $rows; do
		piece "kernel-${row#*/}" build_root "$row"
	done
	wait
}

mkdir -p "$O"
renice -n 19 $$ > /dev/null
ionice -c 2 -n 7 -p $$ 2> /dev/null
t0=$(date +%s)
fetches &
piece debug-kernel "$here/debug/kernel.sh"
wait
echo "warm: all done in $(($(date +%s) - t0)) s"
# The CPU time of all it ran, for tests/check.sh's table: not its child,
# it cannot count it itself.
times > "$O/warm.times"
exit 0
