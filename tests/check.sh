#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Everything "make check" runs, in order: the host tests of the reader,
# the same on each Debian release, the guest tests in a VM per kernel
# (each boot also runs the benchmark's short round, so that it cannot
# rot; its figures decide nothing), the lint (which reads the matrix's
# sparse builds), the packaging tests, the Secure Boot tests, the tests
# under the debug kernel.  Each suite ends
# with its own "N passed, N failed"; the last line here is the sum over
# all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
O=${O:-$(cd "$here/.." && pwd)/build}
mkdir -p "$O"
# Every boot that died before its first test, of every suite, is written
# here (tests/vm/boot.sh) and said at the end.
rm -f "$O/boots-retried" "$O/pkg/vm/boots-retried"

# What later suites need from the archive, and the debug kernel's build,
# begun now in the background at the lowest priority (tests/warm.sh); in
# a session of its own, so that it can be stopped with all it started.
# Not a child of this shell (the subshell around it ends at once): its
# CPU time would be counted in whichever suite this shell reaped it in.
rm -f "$O/warm.pid" "$O/warm.times"
# shellcheck disable=SC2016 # the inner sh expands $1, $2 and $$
(setsid sh -c 'echo $$ > "$1" && exec "$2"' sh "$O/warm.pid" "$here/warm.sh" \
	> "$O/warm.log" 2>&1 < /dev/null &)
while [ ! -s "$O/warm.pid" ]; do
	sleep 1
done
warm_pid=$(cat "$O/warm.pid")
# warm_running: warm.sh has not ended (a zombie has: its reaper is not us).
warm_running() {
	read -r _ _ _wr_state _ < "/proc/$warm_pid/stat" 2> /dev/null && [ "$_wr_state" != Z ]
}
trap 'kill -- -"$warm_pid" 2> /dev/null' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
skip=0
start_all=$(date +%s)
# One line per suite for the table at the end: name, passed, failed,
# skipped, wall seconds, CPU seconds (user and system, of all it ran).
times=$O/check-times.txt
: > "$times"
# cpu_of FILE: the children's CPU seconds in FILE, the output of "times".
cpu_of() {
	awk 'NR == 2 { gsub(/[ms]/, " "); print int($1 * 60 + $2 + $3 * 60 + $4) }' "$1" 2> /dev/null
}
# cpu: cpu_s is the CPU seconds of every child reaped so far ("times" in
# this shell, not in a $(...) subshell, whose own count starts at 0).
cpu() {
	times > "$O/check-cpu"
	cpu_s=$(cpu_of "$O/check-cpu")
}
# suite NAME COMMAND...: run, show, time, and add up its closing line.
suite() {
	name=$1
	shift
	echo "=== $name"
	log=$O/check-$name.log
	t0=$(date +%s)
	cpu
	c0=$cpu_s
	"$@" 2>&1 | tee "$log"
	secs=$(($(date +%s) - t0))
	cpu
	cpus=$((cpu_s - c0))
	echo "=== $name: ${secs} s (CPU ${cpus} s)"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $name gave no result"
		fail=$((fail + 1))
		printf '%s - - - %s %s\n' "$name" "$secs" "$cpus" >> "$times"
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	s=0
	case $line in
	*skipped*) s=${line#*failed, }; s=${s%% skipped*} ;;
	esac
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	printf '%s %s %s %s %s %s\n' "$name" "$p" "$f" "$s" "$secs" "$cpus" >> "$times"
}

suite host "$here/host/run.sh"
suite release "$here/release/run.sh"
suite vm "$here/vm/run.sh" check
# After the matrix, whose builds of the amd64 rows are its sparse builds.
suite lint "$here/lint.sh"
suite pkg "$here/pkg/run.sh"
suite secureboot "$here/vm/run.sh" secureboot
suite debug "$here/vm/run.sh" debug

# Done by now (each suite waited for what it needed of it).
while warm_running; do
	sleep 2
done
echo "=== all"
# The kernels the module was proven on, and the boots that died before
# their first test (tests/vm/boot.sh).
if [ -f "$O/check/run/table" ]; then
	echo "Tested kernels:"
	sed -n '/^# ROW /,/^boots retried/p' "$O/check-vm.log" | sed -n 's/^# /  /p'
fi
echo "Suites (CPU: user and system seconds; warm.sh ran beside them):"
warm_secs=$(sed -n 's/^warm: all done in \([0-9]*\) s$/\1/p' "$O/warm.log")
# (warm.sh leaves its "times" there as it ends)
warm_cpu=$(cpu_of "$O/warm.times")
cpu
{
	echo "suite passed failed skipped seconds CPU"
	cat "$times"
	echo "warm.sh - - - ${warm_secs:--} ${warm_cpu:--}"
	echo "all $pass $fail $skip $(($(date +%s) - start_all)) $((cpu_s + ${warm_cpu:-0}))"
} | awk '{ printf "  %-10s %7s %7s %8s %8s %8s\n", $1, $2, $3, $4, $5, $6 }'
echo "Made ahead (tests/warm.sh):"
sed -n 's/^warm: \(.*\) in \([0-9]*\) s$/  \1 in \2 s/p' "$O/warm.log"
. "$here/vm/boot.sh"
cat "$O/boots-retried" "$O/pkg/vm/boots-retried" 2> /dev/null | vm_retried
# Each test that failed, by name, so that the tail of a log says which.
if [ "$fail" -gt 0 ]; then
	echo "Failed:"
	while read -r name _; do
		grep '^not ok' "$O/check-$name.log" | grep -v '# TODO' |
			sed "s/^/  $name: /"
	done < "$times"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
