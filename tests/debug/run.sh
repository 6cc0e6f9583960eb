#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prove rustwhere under a debug kernel: KASAN, kmemleak, lockdep, UBSAN,
# DEBUG_LIST, DEBUG_OBJECTS, hardened usercopy, FORTIFY_SOURCE, fault
# injection of every allocation of init, and two suites nobody here wrote.
#
#   tests/debug/run.sh [check]   the default run (trinity for TRINITY_SECONDS,
#                                default 120)
#   tests/debug/run.sh soak      the same with trinity for TRINITY_SECONDS,
#                                default 1800
#
# tests/debug/kernel.sh builds (once, cached) a small x86_64 kernel from
# Debian's linux-source-6.12: tinyconfig + tests/debug/debug.config.  This
# script builds against it the module (normal and RUSTWHERE_FAULT_INJECT=y),
# the test-only rwbugs.ko (tests/debug/bugs/), the KUnit suite
# (tests/debug/kunit/, linked with module/content.c), the static helpers
# and the kernel's procfs selftests, packs them with trinity into the
# initramfs every harness packs (tests/vm/guest.sh: busybox-static, the
# one /init, whose debug modes are tests/debug/modes.sh), and boots it
# with the one boot of tests/vm/boot.sh (single-threaded TCG, -smp 2,
# -cpu max without LA57, panic_on_warn=1, oops=panic; a boot that died
# before its first test is booted once more, and counted) 15 times, two
# boots at a time:
#
#   check     tests/guest/run.sh (both builds), the fail-nth sweep of
#             init, KUnit, tools/testing/selftests/proc; kmemleak after each
#   cycles    CYCLES (1000) insmod/rmmod cycles raced by readers, kmemleak
#   fuzz      trinity as nobody with /proc/rustwhere as its victim files
#   bug-NAME  one per deliberate bug of rwbugs.ko: the detector must catch it
#   (kunit    the KUnit suite alone, on request: DEBUG_PARTS=kunit)
#
# Lockdep, sleep-in-atomic and kmemleak reports do not panic: every boot's
# console is scanned for them and for BUG:, WARNING:, KASAN, UBSAN and the
# like.  Prints one summary line per part, "ok"/"not ok" lines and
# "N passed, N failed"; exits non-zero on any failure.
#
# Environment: O (build directory, default build/; this uses O/debug),
# RUSTWHERE_CACHE (downloads and the kernel), TRINITY_SECONDS, CYCLES,
# GUEST_CYCLES (the guest suite's own insmod/rmmod cycles, default 10),
# DEBUG_BUGS (the rwbugs to prove, default all), DEBUG_PARTS (the boots,
# default "check cycles fuzz bugs"), KUNIT_CONTENT (the content directory
# the KUnit suite is built with, default module/content), READER
# (userspace/rustwhere, tested in the guest where built), CC.
#
# Takes about 7 minutes on 2 cores with the kernel cached; building the
# kernel adds 6 to 10.  Consoles and results stay in O/debug/boots/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${O:-$top/build}/debug
reader=${READER:-$top/userspace/rustwhere}
mode=${1:-check}
case $mode in
check) trinity_s=${TRINITY_SECONDS:-120} ;;
soak) trinity_s=${TRINITY_SECONDS:-1800} ;;
*) echo "usage: $0 [check|soak]" >&2; exit 2 ;;
esac
cycles=${CYCLES:-1000}
guest_cycles=${GUEST_CYCLES:-10}
parts=${DEBUG_PARTS:-check cycles fuzz bugs}
kunit_content=${KUNIT_CONTENT:-$top/module/content}

# Each deliberate bug and what its detector prints (an extended regex).
bugs='
kasan-uaf	BUG: KASAN: slab-use-after-free in bug_kasan_uaf
kasan-oob	BUG: KASAN: slab-out-of-bounds in bug_kasan_oob
kasan-vmalloc	BUG: KASAN: vmalloc-out-of-bounds in bug_kasan_vmalloc
kmemleak	^ +bug_kmemleak\+0x[0-9a-f]+/0x[0-9a-f]+ \[rwbugs\]
lockdep	WARNING: possible circular locking dependency detected
sleep	BUG: sleeping function called from invalid context
ubsan-shift	UBSAN: shift-out-of-bounds in .*rwbugs
ubsan-index	UBSAN: array-index-out-of-bounds in .*rwbugs
list	list_add double add
objects	ODEBUG: free active .*object type: timer_list
usercopy	usercopy: Kernel memory exposure attempt detected from SLUB object
fortify	strcpy: detected buffer overflow
'
bug_names=${DEBUG_BUGS:-$(echo "$bugs" | cut -f1 | tr '\n' ' ')}

# What no clean boot may show on its console.
reports='BUG:|WARNING:|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|unreferenced object|kmemleak: .*(disabled|[Ee]rror|Cannot|failed)|Oops|Kernel panic|general protection fault|ODEBUG|list_(add|del) corruption|usercopy:|detected buffer overflow|refcount_t:|stack-protector|RCU detected|rcu_sched detected|blocked for more than|soft lockup|hard LOCKUP'

die() { echo "debug: $*" >&2; exit 1; }
say() { echo "debug: $*" >&2; }

TAP_TAIL=40
. "$top/tests/tap.sh"
# verdict COND DESCRIPTION: COND is 0 (ok) or not.
verdict() {
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}
# show: standard input as TAP diagnostics ("# " lines).
show() { sed 's/^/# /'; }

start_all=$(date +%s)
"$top/tests/deps.sh" debug || die "missing Debian packages (tests/deps.sh debug)"
trinity=$(command -v trinity 2>/dev/null || echo /usr/bin/trinity)
[ -x "$trinity" ] || die "no trinity: apt-get install trinity"

# --- the kernel and what runs on it ---------------------------------------

dirs=$("$here/kernel.sh" --source) || die "the debug kernel did not build"
kdir=$(echo "$dirs" | sed -n 1p)
ksrc=$(echo "$dirs" | sed -n 2p)
krel=$(cat "$kdir/include/config/kernel.release")
bzimage=$kdir/arch/x86/boot/bzImage
say "kernel $krel: $kdir"

mkdir -p "$out"
# ext_module NAME FILES... -- [MAKE ARGS]: an external module built against
# the debug kernel from copies of FILES in $out/NAME.
ext_module() {
	name=$1
	shift
	rm -rf "${out:?}/$name"
	mkdir -p "$out/$name"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		cp -r "$1" "$out/$name/"
		shift
	done
	[ $# -gt 0 ] && shift
	make -s -C "$kdir" M="$out/$name" "$@" modules > "$out/$name.log" 2>&1 ||
		{ cat "$out/$name.log" >&2; die "module build failed: $name"; }
}
ext_module normal "$top/Kbuild" "$top/VERSION" "$top/module"
ext_module fault "$top/Kbuild" "$top/VERSION" "$top/module" -- RUSTWHERE_FAULT_INJECT=y
ext_module bugs "$here/bugs/Kbuild" "$here/bugs/rwbugs.c"
# The KUnit suite: the test, and the table as the module builds it.
rm -rf "$out/stage"
mkdir -p "$out/stage"
cp -r "$kunit_content" "$out/stage/content"
if [ "$kunit_content" != "$top/module/content" ]; then
	say "the KUnit suite is built with the content of $kunit_content"
fi
ext_module kunit "$here/kunit/Kbuild" "$here/kunit/rustwhere_content_test.c" \
	"$top/module/content.c" "$top/module/rustwhere.h" "$top/module/rustwhere_name.h" "$out/stage/content"

# Static programs for the guest.
cc=${CC:-cc}
mkdir -p "$out/bin" "$out/selftests"
$cc -static -std=gnu11 -O2 -Wall -Wextra -o "$out/bin/rwprobe" "$top/tests/guest/rwprobe.c" ||
	die "cannot build rwprobe"
for prog in failnth rwcycle; do
	$cc -static -std=gnu11 -O2 -Wall -Wextra -Wformat=2 -o "$out/bin/$prog" "$here/guest/$prog.c" ||
		die "cannot build $prog"
done
st=$ksrc/tools/testing/selftests/proc
# shellcheck disable=SC2013 # the Makefile's program names are words, some a line
for t in $(sed -n 's/^TEST_GEN_PROGS += //p' "$st/Makefile"); do
	$cc -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE= -pthread \
		-isystem "$ksrc/tools/include/uapi" -o "$out/selftests/$t" "$st/$t.c" \
		2> "$out/selftests/$t.log" || die "cannot build selftest proc/$t: $(cat "$out/selftests/$t.log")"
done
[ -x "$out/selftests/read" ] || die "no selftest proc/read in $st"

O=${O:-$top/build}
. "$top/tests/vm/apt.sh"
. "$top/tests/vm/guest.sh"
. "$top/tests/vm/boot.sh"

# The initramfs every harness packs (busybox-static, /init, the modules,
# the guest suite, the reader), with this kernel's helpers and tests in
# /debug.
guest_programs amd64 > "$out/guest.log" 2>&1 || { cat "$out/guest.log" >&2; die "no guest programs"; }
g_rwprobe=$out/bin/rwprobe
g_reader=
[ -x "$reader" ] && g_reader=$reader
root=$out/initramfs
initramfs_base "$root" amd64 "$out/normal/module/rustwhere.ko" "$out/fault/module/rustwhere.ko" ||
	die "cannot make the initramfs"
mkdir -p "$root/debug/selftests/proc"
install -m 0644 "$here/modes.sh" "$root/debug/modes.sh"
cp "$out/bugs/rwbugs.ko" "$out/kunit/rustwhere_kunit.ko" "$out/bin/failnth" "$out/bin/rwcycle" "$root/debug/"
# shellcheck disable=SC2013 # the Makefile's program names are words, some a line
for t in $(sed -n 's/^TEST_GEN_PROGS += //p' "$st/Makefile"); do
	cp "$out/selftests/$t" "$root/debug/selftests/proc/"
done
copy_with_libs "$trinity" "$root" /usr/bin/trinity
initramfs_pack "$root" "$out/initramfs.gz"
say "built modules, helpers and initramfs in $(($(date +%s) - start_all)) s"

# --- the boots -------------------------------------------------------------

# boot NAME TIMEOUT MEM ARGS...: boot once (twice if it died before its
# first test: tests/vm/boot.sh) with MEM MiB; console, result and status
# in $out/boots/NAME/.  -cpu max (boot.sh's, without LA57): the procfs
# selftest proc-empty-vm wants protection keys.
boot() {
	name=$1 limit=$2 mem=$3
	shift 3
	vm_boot "$out/boots/$name" amd64 "$bzimage" "$out/initramfs.gz" "$limit" "$mem" \
		"panic_on_warn=1 panic=-1 oops=panic loglevel=7 printk.devkmsg=on rdinit=/init $*"
}

# The boots, longest first, each a line: NAME TIMEOUT MEM ARGS...
rm -rf "$out/boots"
mkdir -p "$out/boots"
jobs=$out/boots/jobs
: > "$jobs"
for p in $parts; do
	case $p in
	cycles) echo "cycles 2400 1024 rwtest.mode=cycles rwtest.cycles=$cycles" >> "$jobs" ;;
	check) echo "check 2400 1024 rwtest.mode=debug-check rwtest.cycles=$guest_cycles" >> "$jobs" ;;
	# The KUnit suite alone (check runs it too): quick, for content changes.
	kunit) echo "kunit 300 1024 rwtest.mode=kunit" >> "$jobs" ;;
	fuzz) echo "fuzz $((trinity_s + 600)) 2048 rwtest.mode=fuzz rwtest.trinity=$trinity_s" >> "$jobs" ;;
	bugs)
		for b in $bug_names; do
			# kmemleak slows a boot threefold: on only where it is proven.
			off=kmemleak=off
			[ "$b" = kmemleak ] && off=
			echo "bug-$b 300 1024 rwtest.mode=bug rwtest.bug=$b $off" >> "$jobs"
		done
		;;
	*) die "unknown part $p (DEBUG_PARTS: check cycles fuzz bugs kunit)" ;;
	esac
done
# Two lanes take the boots in turn; mkdir claims one atomically.
lane() {
	while read -r name limit mem args; do
		mkdir "$out/boots/$name" 2> /dev/null || continue
		# shellcheck disable=SC2086 # the boot's kernel arguments, split
		boot "$name" "$limit" "$mem" $args
		say "$name: $(cut -d' ' -f3 "$out/boots/$name/status") s"
	done < "$jobs"
}
say "booting $(wc -l < "$jobs") times under TCG, two at a time; consoles in $out/boots/"
t_boots=$(date +%s)
vm_lanes 2 lane
say "boots took $(($(date +%s) - t_boots)) s"

# --- the verdicts ----------------------------------------------------------

# section BOOT NAME: the lines of the guest's section NAME.
section() {
	sed -n "/^### $2\$/,/^### $2-end /p" "$out/boots/$1/result.txt" | sed '1d;$d'
}
section_rc() {
	sed -n "s/^### $2-end rc=\([0-9]*\).*/\1/p" "$out/boots/$1/result.txt"
}
value() {
	sed -n "s/^$2: //p" "$out/boots/$1/result.txt" | tail -n 1
}
# leaks BOOT WHAT: how many leaks kmemleak reported after WHAT.
leaks() {
	value "$1" "kmemleak-$2" | cut -d' ' -f1
}
# The console without printk's time stamps.
klog() {
	sed 's/^\[ *[0-9]*\.[0-9]*\] //' "$out/boots/$1/console.log"
}
# boot_ok BOOT: it ran to the end within its time.
boot_ok() {
	vm_judge "$out/boots/$1" noplan
	if [ -z "$vm_problem" ]; then
		ok "$1 boot: ran to the end in $vm_secs s"
		return 0
	fi
	not_ok "$1 boot: $vm_problem"
	[ "$vm_verdict" = none ] && return 1
	echo "# last lines of its console:"
	tail -n 40 "$out/boots/$1/console.log" | show
	return 1
}
# clean_console BOOT: no oops, warning or detector report.
clean_console() {
	bad=$(klog "$1" | grep -nE "$reports" || true)
	if [ -z "$bad" ]; then
		ok "$1 boot: no oops, warning or detector report on the console"
		return 0
	fi
	not_ok "$1 boot: the console shows reports ($out/boots/$1/console.log)"
	echo "$bad" | head -n 30 | show
	return 1
}

has_part() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }

# kunit_verdict BOOT: the KUnit suite's KTAP, as the console shows it.
kunit_verdict() {
	klog "$1" | sed -n '/^    # Subtest: rustwhere_content$/,/^\(not \)\{0,1\}ok [0-9]* rustwhere_content$/p' > "$out/kunit.ktap"
	kp=$(grep -cE '^    ok [0-9]+ ' "$out/kunit.ktap" || true)
	kf=$(grep -cE '^    not ok [0-9]+ ' "$out/kunit.ktap" || true)
	kplan=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' "$out/kunit.ktap")
	sed -n 's/^    //p' "$out/kunit.ktap" > "$out/kunit.tap"
	tap_replay "$out/kunit.tap" "kunit: "
	[ "$kf" -eq 0 ] || grep -vE '^    (ok |not ok |1\.\.|# Subtest|# module)' "$out/kunit.ktap" | head -n 40 | show
	echo "kunit: $kp passed, $kf failed"
	[ -n "$kplan" ] && [ "$kplan" -eq $((kp + kf)) ] && [ "$kp" -gt 0 ] && [ "$kf" -eq 0 ] &&
		grep -q '^ok [0-9]* rustwhere_content$' "$out/kunit.ktap" && [ "$(section_rc "$1" kunit)" = 0 ]
	verdict $? "kunit: the suite rustwhere_content passed (plan ${kplan:-none})"
}
if has_part check; then
	b=check
	boot_ok $b || true
	clean_console $b || true

	# The guest suite, test by test.
	section $b guest-suite > "$out/guest-suite.tap"
	tap_replay "$out/guest-suite.tap" "[debug kernel] "
	gp=$(grep -c '^ok ' "$out/guest-suite.tap" || true)
	gf=$(grep -c '^not ok ' "$out/guest-suite.tap" || true)
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/guest-suite.tap")
	[ "$gf" -eq 0 ] || grep -A8 '^not ok' "$out/guest-suite.tap" | grep '^#' | head -n 40
	grc=$(section_rc $b guest-suite)
	[ "${grc:-1}" -eq 0 ] && [ -n "$plan" ] && [ "$plan" -eq $((gp + gf)) ] && [ "$gf" -eq 0 ]
	verdict $? "guest suite on the debug kernel: $gp passed, $gf failed (plan ${plan:-none}, exit ${grc:-none})"
	echo "guest-suite: $gp passed, $gf failed"

	leaks=$(leaks $b guest-suite)
	[ "${leaks:-1}" -eq 0 ]
	verdict $? "kmemleak: no leak after the guest suite (${leaks:-no result}; the kernel's own at boot: $(leaks $b boot), not judged)"

	# fail-nth.
	section $b fail-nth > "$out/fail-nth.txt"
	line=$(grep '^fail-nth: .* failure points, all unwound' "$out/fail-nth.txt" || true)
	leaks=$(leaks $b fail-nth)
	echo "${line:-fail-nth: no result}; kmemleak: ${leaks:-?} leaks"
	[ -n "$line" ] && [ "$(section_rc $b fail-nth)" = 0 ] && [ "${leaks:-1}" -eq 0 ] &&
		grep -q '^fail-nth-insmod-after: ok' "$out/fail-nth.txt"
	verdict $? "fail-nth: every allocation of init failed in turn unwinds cleanly, no leak, a normal insmod after"
	grep -v '^fail-nth' "$out/fail-nth.txt" | head -n 20 | show

	kunit_verdict $b

	# The procfs selftests.
	section $b selftests > "$out/selftests.txt"
	sp=0 ss=0 sf=0
	# shellcheck disable=SC2013 # a selftest's name is one word
	for t in $(sed -n 's/^selftest \([^ ]*\) rc=.*/\1/p' "$out/selftests.txt"); do
		rc=$(sed -n "s/^selftest $t rc=//p" "$out/selftests.txt")
		case $rc in
		0) sp=$((sp + 1)); ok "selftests/proc/$t" ;;
		4) ss=$((ss + 1)); skip "selftests/proc/$t" "the selftest skipped itself (exit 4)" ;;
		*) sf=$((sf + 1)); not_ok "selftests/proc/$t (exit $rc)"; grep "^# $t: " "$out/selftests.txt" | tail -n 10 ;;
		esac
	done
	leaks=$(leaks $b selftests)
	read_rc=$(sed -n 's/^selftest read rc=//p' "$out/selftests.txt")
	echo "selftests/proc: $sp passed, $ss skipped, $sf failed (read: exit ${read_rc:-none}); kmemleak: ${leaks:-?} leaks"
	[ "${read_rc:-1}" = 0 ] && [ "$sf" -eq 0 ] && [ "${leaks:-1}" -eq 0 ] &&
		grep -q '^selftests-files-intact: ok' "$out/selftests.txt"
	verdict $? "selftests/proc with the module loaded: read(every /proc file) passes, none fails, files intact, no leak"
fi

if has_part kunit; then
	boot_ok kunit || true
	clean_console kunit || true
	kunit_verdict kunit
fi

if has_part cycles; then
	b=cycles
	boot_ok $b || true
	clean_console $b && cycles_clean=0 || cycles_clean=1
	section $b cycles > "$out/cycles.txt"
	line=$(grep '^rwcycle: ' "$out/cycles.txt" || true)
	did=$(echo "$line" | sed -n 's/^rwcycle: \([0-9]*\) cycles.*/\1/p')
	leaks=$(leaks $b cycles)
	echo "kmemleak: ${leaks:-?} leaks after ${did:-no} cycles (${line#rwcycle: })"
	[ "${did:-0}" -eq "$cycles" ] && [ "$(section_rc $b cycles)" = 0 ] && [ "${leaks:-1}" -eq 0 ] &&
		[ "$cycles_clean" -eq 0 ]
	verdict $? "kmemleak: no leak after $cycles insmod/rmmod cycles raced by readers"
	grep -v '^rwcycle: ' "$out/cycles.txt" | head -n 20 | show
fi

if has_part fuzz; then
	b=fuzz
	boot_ok $b || true
	clean_console $b && fuzz_clean=0 || fuzz_clean=1
	section $b trinity > "$out/trinity.txt"
	secs=$(value $b trinity-seconds)
	calls=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' "$out/trinity.txt" | tail -n 1)
	leaks=$(leaks $b trinity)
	nrep=$(klog $b | grep -cE "$reports" || true)
	echo "trinity: ${secs:-?} s, ${calls:-no} syscalls as nobody against /proc/rustwhere, $nrep reports, kmemleak: ${leaks:-?} leaks"
	[ "${calls:-0}" -gt 0 ] && [ "$fuzz_clean" -eq 0 ] && [ "${leaks:-1}" -eq 0 ] &&
		grep -q '^trinity-module-after: ok' "$out/trinity.txt" &&
		! grep -q '^# trinity processes left' "$out/trinity.txt"
	verdict $? "trinity: no report, the module intact and unloadable after"
	[ -n "$calls" ] || tail -n 20 "$out/trinity.txt" | show
fi

if has_part bugs; then
	caught=0 total=0
	for b in $bug_names; do
		d=$out/boots/bug-$b
		total=$((total + 1))
		if [ ! -f "$d/status" ]; then
			not_ok "detector: bug=$b: its boot never ran"
			continue
		fi
		want=$(echo "$bugs" | awk -F'\t' -v b="$b" '$1 == b { print $2 }')
		# The report must come after the module committed the bug.
		klog "bug-$b" | sed -n "/rwbugs: committing bug $b\$/,\$p" > "$d/after.log"
		read -r verdict rc secs < "$d/status"
		if [ "$verdict" = died ]; then
			not_ok "detector: bug=$b: its boot died before its first test, twice (an infrastructure death: $(vm_first_report "$d"))"
		elif [ -n "$want" ] && grep -qE "$want" "$d/after.log"; then
			caught=$((caught + 1))
			how=survived
			grep -q 'Kernel panic' "$d/after.log" && how=panicked
			ok "detector: bug=$b caught ($(grep -E "$want" "$d/after.log" | head -n 1 | cut -c1-100); the kernel $how)"
		else
			not_ok "detector: bug=$b NOT caught (qemu exit $rc); want /$want/ in $d/console.log"
			tail -n 15 "$d/console.log" | show
		fi
	done
	echo "detectors: $caught/$total caught"
fi

echo "wall time: $(($(date +%s) - start_all)) s"
[ "$n" -gt 0 ] || not_ok "the debug suite ran no test"
tap_end
