# SPDX-License-Identifier: GPL-2.0
#
# The debug modes of tests/vm/run.sh (the interface: tests/vm/modes.sh):
# rustwhere under a kernel with KASAN, kmemleak, lockdep, UBSAN,
# DEBUG_LIST, DEBUG_OBJECTS, hardened usercopy, FORTIFY_SOURCE and fault
# injection, built by tests/debug/kernel.sh (the row "debug").
#
#   tests/vm/run.sh debug    trinity for TRINITY_SECONDS (120)
#   tests/vm/run.sh soak     the same with trinity for TRINITY_SECONDS (1800)
#
# Besides the driver's two builds of the module, the plan builds the
# test-only rwbugs.ko (tests/debug/bugs/), the KUnit suite
# (tests/debug/kunit/, linked with module/content.c, the content
# KUNIT_CONTENT or module/content), the static helpers of
# tests/debug/guest/ and the kernel's procfs selftests, and adds them and
# trinity to the initramfs, whose /init runs tests/debug/modes.sh.  The
# boots (DEBUG_PARTS, default "check cycles fuzz bugs"):
#
#   check     the guest suite (GUEST_CYCLES, 10), the fail-nth sweep of
#             init, KUnit, tools/testing/selftests/proc; kmemleak after each
#   cycles    CYCLES (1000) insmod/rmmod cycles raced by readers, kmemleak
#   fuzz      trinity as nobody with /proc/rustwhere as its victim files
#   bug-NAME  one per deliberate bug of rwbugs.ko (DEBUG_BUGS, default
#             all): its detector must catch it
#   kunit     the KUnit suite alone, on request
#
# Lockdep, sleep-in-atomic and kmemleak reports do not panic: every
# boot's console is scanned for them and for BUG:, WARNING:, KASAN, UBSAN
# and the like.
# shellcheck shell=sh
# shellcheck disable=SC2154 # the variables of the driver, tests/vm/run.sh
# shellcheck disable=SC2317 # the functions run by name, through check

# Each deliberate bug and what its detector prints (an extended regex).
debug_bugs='
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

# What no clean boot may show on its console.
debug_reports='BUG:|WARNING:|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|unreferenced object|kmemleak: .*(disabled|[Ee]rror|Cannot|failed)|Oops|Kernel panic|general protection fault|ODEBUG|list_(add|del) corruption|usercopy:|detected buffer overflow|refcount_t:|stack-protector|RCU detected|rcu_sched detected|blocked for more than|soft lockup|hard LOCKUP'

# debug_ext NAME FILES...: an external module built against the debug
# kernel from copies of FILES in $d/NAME; fails with its log.
debug_ext() {
	_de_name=$1
	shift
	rm -rf "${d:?}/$_de_name"
	mkdir -p "$d/$_de_name"
	cp -r "$@" "$d/$_de_name/"
	# The debug kernel is built with clang (kernel.sh): so are its modules.
	make -s -C "$kdir" M="$d/$_de_name" LLVM=1 modules > "$d/$_de_name.log" 2>&1 || { cat "$d/$_de_name.log"; return 1; }
}

# debug_clang: make and make install, for a kernel built with clang, build
# the module with clang and LLVM's tools (LLVM=1) unasked, and stop at
# once, naming the package, when the clang they are told to use is not
# installed.
debug_clang() {
	# ko_built KO DIR: KO is the module built in DIR, its compiler clang
	# (its .comment), its linker ld.lld (kbuild's .cmd file of it).
	ko_built() {
		cmp "$1" "$2/module/rustwhere.ko" || return 1
		_dc_cc=$(ko_compiler "$1")
		_dc_ld=$(sed -n 's/^\(saved\)\{0,1\}cmd_[^ ]* := \([^ ]*\) .*/\2/p' "$2/module/.rustwhere.ko.cmd")
		echo "# ${1#"$d"/}: $_dc_cc; linked by ${_dc_ld:-no linker named}"
		case $_dc_cc in *clang*) ;; *) return 1 ;; esac
		case $_dc_ld in ld.lld*) ;; *) return 1 ;; esac
	}
	ko_built "$ko" "$d/normal" || return 1
	for _dc_t in install noclang; do
		rm -rf "${d:?}/$_dc_t"
		mkdir -p "$d/$_dc_t"
		module_tree "$d/$_dc_t" userspace || return 1
	done
	make -s -C "$d/install" install KDIR="$kdir" DESTDIR="$d/install/dest" > "$d/install.log" 2>&1 ||
		{ tail -n 5 "$d/install.log"; return 1; }
	ko_built "$d/install/dest/lib/modules/$release/updates/module/rustwhere.ko" "$d/install" || return 1
	_dc_out=$(make -C "$d/noclang" module KDIR="$kdir" LLVM=-99 2>&1)
	_dc_rc=$?
	echo "$_dc_out" | grep -F '***' | head -n 1 | sed 's/^/# /'
	[ "$_dc_rc" -ne 0 ] && [ -z "$(find "$d/noclang/module" -name '*.o')" ] &&
		echo "$_dc_out" | grep -qF 'not installed: clang-99 (apt-get install clang-99), ld.lld-99 (apt-get install lld-99)'
}

# debug_plan: the debug kernel's helpers, tests and boots.
debug_plan() {
	_dp_k=$top/tests/debug
	_dp_kc=${KUNIT_CONTENT:-$top/module/content}
	rm -rf "$d/stage"
	mkdir -p "$d/stage" "$root/debug/selftests/proc"
	cp -r "$_dp_kc" "$d/stage/content"
	[ "$_dp_kc" = "$top/module/content" ] || echo "# the KUnit suite is built with the content of $_dp_kc"
	check "[debug] make and make install build the module for this clang-built kernel with clang and ld.lld (LLVM=1) unasked; with LLVM=-99, make stops at once: install clang-99" \
		debug_clang
	check "[debug] rwbugs.ko, the module of deliberate bugs, builds" \
		debug_ext bugs "$_dp_k/bugs/Kbuild" "$_dp_k/bugs/rwbugs.c"
	check "[debug] the KUnit suite builds, linked with module/content.c" \
		debug_ext kunit "$_dp_k/kunit/Kbuild" "$_dp_k/kunit/rustwhere_content_test.c" \
		"$top/module/content.c" "$top/module/rustwhere.h" "$top/module/rustwhere_name.h" "$d/stage/content"
	_dp_st=$ksrc/tools/testing/selftests/proc
	debug_progs() {
		for _dp_p in failnth rwcycle; do
			${CC:-cc} -static -std=gnu11 -O2 -Wall -Wextra -Wformat=2 -o "$root/debug/$_dp_p" "$_dp_k/guest/$_dp_p.c" ||
				return 1
		done
		# shellcheck disable=SC2013 # the Makefile's program names are words, some a line
		for _dp_t in $(sed -n 's/^TEST_GEN_PROGS += //p' "$_dp_st/Makefile"); do
			${CC:-cc} -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE= -pthread \
				-isystem "$ksrc/tools/include/uapi" -o "$root/debug/selftests/proc/$_dp_t" "$_dp_st/$_dp_t.c" ||
				return 1
		done
		[ -x "$root/debug/selftests/proc/read" ]
	}
	check "[debug] the static helpers and tools/testing/selftests/proc of $release build" debug_progs
	_dp_trinity=$(command -v trinity || echo /usr/bin/trinity)
	debug_tree() {
		cp "$_dp_k/modes.sh" "$d/bugs/rwbugs.ko" "$d/kunit/rustwhere_kunit.ko" "$root/debug/" &&
			copy_with_libs "$_dp_trinity" "$root" /usr/bin/trinity
	}
	check "[debug] the initramfs has trinity, the helpers, rwbugs.ko and the KUnit suite" debug_tree
	[ "$failed" -eq 0 ] || return 0
	for _dp_p in ${DEBUG_PARTS:-check cycles fuzz bugs}; do
		case $_dp_p in
		check) job check "$initrd" 2400 1024 "$(debug_append debug-check "${GUEST_CYCLES:-10}")" ;;
		cycles) job cycles "$initrd" 2400 1024 "$(debug_append cycles "${CYCLES:-1000}")" ;;
		kunit) job kunit "$initrd" 300 1024 "$(debug_append kunit)" ;;
		fuzz) job fuzz "$initrd" $((trinity_s + 600)) 2048 "$(debug_append fuzz) rwtest.trinity=$trinity_s" ;;
		bugs)
			for _dp_b in ${DEBUG_BUGS:-$(echo "$debug_bugs" | cut -f1)}; do
				# kmemleak slows a boot threefold: on only where it is proven.
				_dp_off=kmemleak=off
				[ "$_dp_b" = kmemleak ] && _dp_off=
				job "bug-$_dp_b" "$initrd" 300 1024 "$(debug_append bug) rwtest.bug=$_dp_b $_dp_off"
			done
			;;
		*) not_ok "[debug] DEBUG_PARTS: no part $_dp_p (check cycles fuzz bugs kunit)" ;;
		esac
	done
}

# debug_append MODE [CYCLES]: the kernel command line, with the console
# at loglevel 7: the host reads the detectors' reports there.
debug_append() {
	append "$@" | sed 's/ quiet loglevel=4/ loglevel=7 printk.devkmsg=on/'
}

# klog BOOT_DIR: the console without printk's time stamps.
klog() {
	sed 's/^\[ *[0-9]*\.[0-9]*\] //' "$1/console.log" 2> /dev/null
}

# clean_console DIR NAME: no oops, warning or detector report.
clean_console() {
	_cc_bad=$(klog "$1" | grep -nE "$debug_reports" | head -n 30)
	[ -z "$_cc_bad" ]
	verdict $? "[debug] $2: no oops, warning or detector report on the console"
	[ -z "$_cc_bad" ] || echo "$_cc_bad" | sed 's/^/# /'
}

# kunit_verdict DIR: the KUnit suite's KTAP, as the console shows it.
kunit_verdict() {
	klog "$1" | sed -n '/^    # Subtest: rustwhere_content$/,/^\(not \)\{0,1\}ok [0-9]* rustwhere_content$/p' > "$1/kunit.ktap"
	sed -n 's/^    //p' "$1/kunit.ktap" > "$1/kunit.tap"
	tap_replay "$1/kunit.tap" "[debug] kunit: "
	_kv_p=$(grep -cE '^    ok [0-9]+ ' "$1/kunit.ktap")
	_kv_f=$(grep -cE '^    not ok [0-9]+ ' "$1/kunit.ktap")
	_kv_plan=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' "$1/kunit.ktap")
	[ -n "$_kv_plan" ] && [ "$_kv_plan" -eq $((_kv_p + _kv_f)) ] && [ "$_kv_p" -gt 0 ] && [ "$_kv_f" -eq 0 ] &&
		grep -q '^ok [0-9]* rustwhere_content$' "$1/kunit.ktap"
	verdict $? "[debug] kunit: the suite rustwhere_content passed ($_kv_p passed, $_kv_f failed, plan ${_kv_plan:-none})"
}

# debug_judge NAME DIR
debug_judge() {
	case $1 in
	bug-*)
		_dj_b=${1#bug-}
		_dj_want=$(echo "$debug_bugs" | awk -F'\t' -v b="$_dj_b" '$1 == b { print $2 }')
		vm_judge "$2" noplan
		# The report must come after the module committed the bug.
		klog "$2" | sed -n "/rwbugs: committing bug $_dj_b\$/,\$p" > "$2/after.log"
		if [ "$vm_verdict" = died ] || [ "$vm_verdict" = none ]; then
			not_ok "[debug] detector: bug=$_dj_b: $vm_problem"
		elif [ -n "$_dj_want" ] && grep -qE "$_dj_want" "$2/after.log"; then
			_dj_how=survived
			grep -q 'Kernel panic' "$2/after.log" && _dj_how=panicked
			ok "[debug] detector: bug=$_dj_b caught ($(grep -E "$_dj_want" "$2/after.log" | head -n 1 | cut -c1-100); the kernel $_dj_how)"
		else
			not_ok "[debug] detector: bug=$_dj_b NOT caught (qemu exit $vm_rc); want /$_dj_want/ in $2/console.log" \
				"$(tail -n 15 "$2/console.log")"
		fi
		;;
	*)
		judge_boot "$2" "debug $1"
		clean_console "$2" "$1"
		case $1 in check|kunit) kunit_verdict "$2" ;; esac
		;;
	esac
}

mode_debug() {
	: "${trinity_s:=${TRINITY_SECONDS:-120}}"
	case $1 in
	rows) echo debug ;;
	plan) debug_plan ;;
	judge) debug_judge "$2" "$3" ;;
	end) ;;
	esac
}

mode_soak() {
	trinity_s=${TRINITY_SECONDS:-1800}
	mode_debug "$@"
}
