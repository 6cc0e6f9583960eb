# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's modes of the guest's /init (tests/vm/init sources
# this file from /debug/modes.sh, which only tests/debug/mode.sh packs):
#
#   rwtest.mode=debug-check  the guest suite (normal and fault build,
#                            rwtest.cycles= of its own insmod/rmmod cycles),
#                            the fail-nth sweep of init, the KUnit suite, the
#                            procfs selftests; a kmemleak scan after each
#   rwtest.mode=cycles       rwtest.cycles= load/unload cycles raced by
#                            readers (rwcycle), then a kmemleak scan
#   rwtest.mode=fuzz         trinity as nobody against /proc/rustwhere for
#                            rwtest.trinity= seconds, then a kmemleak scan
#   rwtest.mode=kunit        the KUnit suite alone
#   rwtest.mode=bug          insmod rwbugs.ko bug=<rwtest.bug=>
#
# Each mode prints TAP, on the result channel where /init sends it;
# kernel messages and kmemleak's reports go to the console, which the host
# reads too (tests/debug/mode.sh).
# shellcheck shell=sh

# What /init sets before it sources this file.
: "${top:?modes.sh: no \$top, the root of the project in the guest}"
: "${out:?modes.sh: no \$out, the result channel}"

dbg=/debug
proc=/proc/rustwhere
ref=$top/module/content
kml=/sys/kernel/debug/kmemleak
ko=$top/module/rustwhere.ko
console() { echo "$*" > /dev/console; }
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
# show: standard input as TAP diagnostics.
show() { sed 's/^/# /'; }

files="index about $(sed -n 's/^\([^:]*\): .*/\1/p' "$ref/index")"
# shellcheck disable=SC2086 # $files: the names, as words
nfiles=$(set -- $files; echo $#)

# kmemleak_check WHAT: a test that kmemleak finds no leak now (after the
# boot: the kernel's own, shown, not judged), then forget them.  Objects
# younger than 5 s are not reported, nor is an object whose contents
# changed since the previous scan: wait, then scan twice.  The report
# goes to the console.
kmemleak_check() {
	[ -w "$kml" ] || { not_ok "kmemleak after $1: no $kml"; return; }
	sleep 6
	echo scan > "$kml"
	echo scan > "$kml"
	_kl=$(grep -c '^unreferenced object' "$kml")
	if [ "$1" = boot ]; then
		echo "# kmemleak: the kernel's own at boot: $_kl (not judged)"
		head -n 40 "$kml" | sed 's/^/# boot: /'
	else
		[ "$_kl" -eq 0 ] || { console "rwdebug: kmemleak report ($1):"; cat "$kml" > /dev/console; }
		[ "$_kl" -eq 0 ]
		verdict $? "kmemleak: no leak after $1 ($_kl reported, scanned at $(cut -d' ' -f1 /proc/uptime) s)"
	fi
	echo clear > "$kml"
}

# same_files: /proc/rustwhere is complete and serves the content as built.
same_files() {
	for f in $files; do
		cmp -s "$proc/$f" "$ref/$f" || { echo "# $proc/$f differs"; return 1; }
	done
}

# run_kunit: load the KUnit suite; its KTAP goes to the kernel log, which
# the host reads on the console.
run_kunit() {
	insmod "$dbg/rustwhere_kunit.ko" 2>&1 | show
	[ -r /sys/kernel/debug/kunit/rustwhere_content/results ]
	verdict $? "kunit: insmod rustwhere_kunit.ko ran the suite (its KTAP on the console)"
	rmmod rustwhere_kunit
}

# suite_tap FILE EXIT WHAT: FILE's TAP replayed as WHAT's, and a test that
# it ran to its end: exit 0, its plan all its results.
suite_tap() {
	tap_replay "$1" "$3: "
	_st_plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$1")
	_st_ran=$(grep -cE '^(not )?ok ' "$1")
	[ "$2" -eq 0 ] && [ -n "$_st_plan" ] && [ "$_st_plan" -eq "$_st_ran" ]
	verdict $? "$3: exit $2, $_st_ran results of a plan of ${_st_plan:-none}"
}

debug_mode() {
echo "TAP version 13"
case $1 in
debug-check)
	# What the kernel itself leaves unreferenced at boot is not ours.
	kmemleak_check boot

	"$top/tests/guest/run.sh" -c "$(arg cycles)" -f "$top/fault/rustwhere.ko" "$ko" > /tmp/suite.tap 2>&1
	suite_tap /tmp/suite.tap $? "guest suite"
	kmemleak_check "the guest suite"

	# The module area: no KASLR in the debug kernel.
	start=0xffffffffa0000000
	end=0xffffffffff000000
	for a in failslab fail_page_alloc; do
		d=/sys/kernel/debug/$a
		echo "$start" > "$d/require-start"
		echo "$end" > "$d/require-end"
		echo 32 > "$d/stacktrace-depth"
		echo N > "$d/ignore-gfp-wait"
		echo 1 > "$d/verbose"
	done
	echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
	echo N > /sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
	"$dbg/failnth" "$ko" "$proc" "$nfiles" "$start" "$end" > /tmp/failnth.txt 2>&1
	rc=$?
	line=$(grep '^fail-nth: .* failure points, all unwound' /tmp/failnth.txt)
	grep -v '^fail-nth' /tmp/failnth.txt | head -n 20 | show
	[ "$rc" -eq 0 ] && [ -n "$line" ]
	verdict $? "fail-nth: every allocation of init failed in turn unwinds cleanly (${line:-no result}, exit $rc)"
	insmod "$ko" && same_files && rmmod rustwhere && [ ! -e "$proc" ]
	verdict $? "fail-nth: a normal insmod right after the sweep serves every file, rmmod removes them"
	kmemleak_check "the fail-nth sweep"

	run_kunit

	insmod "$ko" || echo "# insmod failed"
	for t in "$dbg"/selftests/proc/*; do
		name=${t##*/}
		(cd /tmp && "$t") > /tmp/selftest.log 2>&1
		rc=$?
		case $rc in
		0) ok "selftests/proc/$name" ;;
		4) skip "selftests/proc/$name" "the selftest skipped itself (exit 4)" ;;
		*) not_ok "selftests/proc/$name (exit $rc)" "$(tail -n 20 /tmp/selftest.log)" ;;
		esac
	done
	same_files
	verdict $? "selftests/proc: the files of /proc/rustwhere intact after them"
	rmmod rustwhere || echo "# rmmod failed"
	kmemleak_check "the procfs selftests"
	;;
cycles)
	kmemleak_check boot
	# The main loop reads "about"; one reader each races it on the first
	# domain of index, and on index.
	"$dbg/rwcycle" "$ko" "$(arg cycles)" "$proc" "$ref" about "$(sed -n '1s/: .*//p' "$ref/index")" index \
		> /tmp/cycles.txt 2>&1
	rc=$?
	line=$(grep '^rwcycle: ' /tmp/cycles.txt)
	did=$(echo "$line" | sed -n 's/^rwcycle: \([0-9]*\) cycles.*/\1/p')
	grep -v '^rwcycle: ' /tmp/cycles.txt | head -n 20 | show
	[ "$rc" -eq 0 ] && [ "${did:-0}" -eq "$(arg cycles)" ] && [ ! -e "$proc" ]
	verdict $? "rwcycle: $(arg cycles) insmod/rmmod cycles raced by readers (${line:-no result}, exit $rc)"
	kmemleak_check "$(arg cycles) insmod/rmmod cycles"
	;;
fuzz)
	secs=$(arg trinity)
	insmod "$ko" || echo "# insmod failed"
	# Its test files on a small tmpfs of their own: trinity fills what it gets.
	mkdir -p /tmp/fuzz
	mount -t tmpfs -o size=64m,mode=0755,uid=65534,gid=65534 tmpfs /tmp/fuzz
	t0=$(cut -d. -f1 /proc/uptime)
	# As nobody: trinity's children call random system calls with random
	# arguments, the files of /proc/rustwhere as the files they get.
	# SIGINT after SECONDS makes trinity stop its children and sum up.
	# No sockets: it cannot make its socket cache with AF_UNIX alone.  No
	# memfds: it grows them until the OOM killer takes trinity itself.
	(cd /tmp/fuzz && timeout -s INT "${secs:-120}" su -s /bin/sh nobody -c \
		"exec /usr/bin/trinity -q -l off -a 64 --disable-fds=sockets,memfd -V $proc -C 2") \
		> /tmp/trinity.log 2>&1
	rc=$?
	took=$(($(cut -d. -f1 /proc/uptime) - t0))
	grep -v 'marking as inactive' /tmp/trinity.log | tail -n 30 | sed 's/^/# trinity: /'
	calls=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' /tmp/trinity.log | tail -n 1)
	[ "${calls:-0}" -gt 0 ]
	verdict $? "trinity: ${calls:-no} system calls in $took s as nobody against /proc/rustwhere (exit $rc)"
	sleep 2
	left=$(pidof trinity)
	[ -z "$left" ]
	verdict $? "trinity: no process of it left after it stopped${left:+ ($left)}"
	same_files && rmmod rustwhere && [ ! -e "$proc" ]
	verdict $? "trinity: the module intact after it, and unloadable"
	kmemleak_check trinity
	;;
kunit)
	run_kunit
	;;
bug)
	name=$(arg bug)
	insmod "$dbg/rwbugs.ko" bug="$name" > /dev/console 2>&1
	echo "# insmod rwbugs bug=$name: exit $?"
	# Its leak, reported to the console, is what the host looks for.
	if [ "$name" = kmemleak ]; then
		sleep 6
		echo scan > "$kml"
		echo scan > "$kml"
		cat "$kml" > /dev/console
	fi
	;;
*)
	console "init: unknown rwtest.mode=$1"
	;;
esac
tap_end
}
