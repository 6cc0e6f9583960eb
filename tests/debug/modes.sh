# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's modes of the guest's /init (tests/vm/init sources
# this file from /debug/modes.sh, which only tests/debug/run.sh packs):
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
# Results go to the result channel ($out) in sections "### NAME" ...
# "### NAME-end rc=N"; kernel messages and kmemleak reports go to the
# console.  The host judges both.
# shellcheck shell=sh

# What /init sets before it sources this file.
: "${top:?modes.sh: no \$top, the root of the project in the guest}"
: "${out:?modes.sh: no \$out, the result channel}"

dbg=/debug
proc=/proc/rustwhere
ref=$top/module/content
kml=/sys/kernel/debug/kmemleak
ko=$top/module/rustwhere.ko
say() { echo "$*" > "$out"; }
# say_end NAME RC: close a section, with the time since boot.
say_end() { say "### $1-end rc=$2 at $(cut -d' ' -f1 /proc/uptime) s"; }
console() { echo "$*" > /dev/console; }

files="index about $(sed -n 's/^\([^:]*\): .*/\1/p' "$ref/index")"
# shellcheck disable=SC2086 # $files: the names, as words
nfiles=$(set -- $files; echo $#)

# kmemleak_check WHAT: report every leak kmemleak finds now, then forget
# them.  Objects younger than 5 s are not reported, nor is an object whose
# contents changed since the previous scan: wait, then scan twice.
kmemleak_check() {
	[ -w "$kml" ] || { say "kmemleak-$1: no $kml"; return 1; }
	sleep 6
	echo scan > "$kml"
	echo scan > "$kml"
	n=$(grep -c '^unreferenced object' "$kml")
	if [ "$n" -ne 0 ] && [ "$1" = boot ]; then
		# The kernel's own, before any test: shown, not judged.
		sed 's/^/# boot: /' "$kml" | head -n 40 > "$out"
	elif [ "$n" -ne 0 ]; then
		console "rwdebug: kmemleak report ($1):"
		cat "$kml" > /dev/console
	fi
	say "kmemleak-$1: $n (scanned at $(cut -d' ' -f1 /proc/uptime) s)"
	echo clear > "$kml"
}

# same_files: /proc/rustwhere is complete and serves the content as built.
same_files() {
	for f in $files; do
		cmp -s "$proc/$f" "$ref/$f" || { say "# $proc/$f differs"; return 1; }
	done
}

# run_kunit: load the KUnit suite; its KTAP goes to the kernel log, which
# the host reads on the console.
run_kunit() {
	say "### kunit"
	insmod "$dbg/rustwhere_kunit.ko" > "$out" 2>&1
	rc=$?
	[ -r /sys/kernel/debug/kunit/rustwhere_content/results ] || rc=1
	rmmod rustwhere_kunit
	say_end kunit $rc
}

debug_mode() {
case $1 in
debug-check)
	# What the kernel itself leaves unreferenced at boot is not ours.
	kmemleak_check boot

	say "### guest-suite"
	"$top/tests/guest/run.sh" -c "$(arg cycles)" -f "$top/fault/rustwhere.ko" "$ko" > "$out" 2>&1
	say_end guest-suite $?
	kmemleak_check guest-suite

	say "### fail-nth"
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
	"$dbg/failnth" "$ko" "$proc" "$nfiles" "$start" "$end" > "$out" 2>&1
	rc=$?
	# A normal insmod right after the sweep.
	if insmod "$ko" && same_files && rmmod rustwhere && [ ! -e "$proc" ]; then
		say "fail-nth-insmod-after: ok"
	else
		say "fail-nth-insmod-after: FAILED"
		rc=1
	fi
	say_end fail-nth $rc
	kmemleak_check fail-nth

	run_kunit

	say "### selftests"
	insmod "$ko" || say "# insmod failed"
	for t in "$dbg"/selftests/proc/*; do
		name=${t##*/}
		(cd /tmp && "$t") > /tmp/selftest.log 2>&1
		rc=$?
		sed "s/^/# $name: /" /tmp/selftest.log | tail -n 20 > "$out"
		say "selftest $name rc=$rc"
	done
	same_files && say "selftests-files-intact: ok"
	rmmod rustwhere || say "# rmmod failed"
	say_end selftests 0
	kmemleak_check selftests
	;;
cycles)
	kmemleak_check boot
	say "### cycles"
	# The main loop reads "about"; one reader each races it on the first
	# domain of index, and on index.
	"$dbg/rwcycle" "$ko" "$(arg cycles)" "$proc" "$ref" about "$(sed -n '1s/: .*//p' "$ref/index")" index > "$out" 2>&1
	rc=$?
	[ ! -e "$proc" ] || { say "# $proc left behind"; rc=1; }
	say_end cycles $rc
	kmemleak_check cycles
	;;
fuzz)
	secs=$(arg trinity)
	say "### trinity"
	insmod "$ko" || say "# insmod failed"
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
	say "trinity-seconds: $(($(cut -d. -f1 /proc/uptime) - t0))"
	grep -v 'marking as inactive' /tmp/trinity.log | tail -n 30 | sed 's/^/# trinity: /' > "$out"
	say "trinity-rc: $rc"
	sleep 2
	left=$(pidof trinity)
	[ -z "$left" ] || say "# trinity processes left: $left"
	if same_files && rmmod rustwhere && [ ! -e "$proc" ]; then
		say "trinity-module-after: ok"
	else
		say "trinity-module-after: FAILED"
	fi
	say_end trinity $rc
	kmemleak_check trinity
	;;
kunit)
	run_kunit
	;;
bug)
	name=$(arg bug)
	say "### bug"
	insmod "$dbg/rwbugs.ko" bug="$name" > /dev/console 2>&1
	say "insmod rwbugs bug=$name: rc=$?"
	[ "$name" = kmemleak ] && kmemleak_check bug
	say_end bug 0
	;;
*)
	console "init: unknown rwtest.mode=$1"
	;;
esac
}
