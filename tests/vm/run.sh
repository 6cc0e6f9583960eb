#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The one driver of every boot of the tests: a mode, and the rows it runs
# on.  Prints TAP.
#
#   tests/vm/run.sh MODE [ROW...]
#
# MODE is a function, mode_MODE, in one of these files:
#
#   check       tests/vm/modes.sh        the guest suite, the reader's output
#                                        and the benchmark's short round, in
#                                        one boot a row
#   bench       tests/vm/modes.sh        the benchmark (QUICK=1: short round)
#   boots       tests/vm/modes.sh        each row booted BOOTS times (14) to
#                                        its start marker, never retried
#   demo        tests/vm/modes.sh        the module at work, on the console
#   debug, soak tests/debug/mode.sh      the debug kernel's boots
#   secureboot  tests/secureboot/mode.sh shim, GRUB and the signed kernel
#
# A ROW is a line of tests/vm/matrix as tests/vm/kernels.sh list resolves
# it, named RELEASE or SUITE/RELEASE; "debug", the kernel of
# tests/debug/kernel.sh; ROW@DIR, the module DIR/RELEASE/rustwhere.ko
# (built by DKMS, or signed) tested in place of a build of the tree.  The
# rows are the arguments, else KVERS, else the mode's own ("mode_MODE
# rows"), else every row of the matrix.
#
# Each row is prepared in one of VM_LANES lanes (default 2): its kernel
# fetched, the module built in the root of the kernel's release with its
# own compiler and W=1, normal and with fault injection (tests/vm/build.sh),
# the guest's programs and the initramfs tree made (tests/vm/guest.sh).
# Then "mode_MODE plan" runs: it builds what else it needs, prints TAP of
# what it proved, and declares its boots with job.  The lanes take the
# boots declared so far before they prepare another row, and boot each
# with vm_boot (tests/vm/boot.sh).  When every boot has ended, each row in
# turn: its plan's TAP, then "mode_MODE judge NAME DIR" for each of its
# boots, which turns it into TAP (judge_boot: the boot's end and the
# guest's own TAP).  Then a table of the rows, the benchmark's ratios where
# it ran, "mode_MODE end", "boots retried: N" and the totals.  A row the
# archive no longer serves is counted as skipped.
#
# Environment: KVERS, VM_LANES (1 for bench), VM_TIMEOUT (seconds a boot
# may take, 900), CYCLES (the guest suite's insmod/rmmod cycles: 100 on
# x86, 50 on ARM, whose TCG is slower; the debug kernel runs 1000 under its
# detectors), O (build directory),
# RUSTWHERE_CACHE, RUSTWHERE_ACCEL; each mode's own at the head of its
# function.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
# shellcheck disable=SC2034 # the modes read these
reader=$top/userspace/rustwhere
timeout=${VM_TIMEOUT:-900}
lanes=${VM_LANES:-2}

die() { echo "vm: $*" >&2; exit 1; }
say() { echo "vm: $*" >&2; }

. "$here/apt.sh"
. "$here/guest.sh"
. "$here/boot.sh"
. "$here/build.sh"
. "$top/tests/tap.sh"
. "$here/modes.sh"
. "$top/tests/debug/mode.sh"
. "$top/tests/secureboot/mode.sh"

mode=${1:-}
# The benchmark's guests one at a time: a second one would share the cores.
[ "$mode" = bench ] && lanes=${VM_LANES:-1}
if [ -z "$mode" ] || ! command -v "mode_$mode" > /dev/null 2>&1; then
	die "usage: $0 check|bench|boots|demo|debug|soak|secureboot [ROW...]"
fi
shift
[ -x "$top/tests/guest/rwprobe" ] || die "no tests/guest/rwprobe: run make first"
[ $# -gt 0 ] && KVERS=$*
if [ -z "${KVERS:-}" ]; then
	KVERS=$("mode_$mode" rows) || exit 1
fi
export KVERS

# What the run knows of each row, and its claims: $run.
run=$O/$mode/run
rm -rf "$run"
mkdir -p "$run/claims" "$run/planned"
: > "$run/queue"
: > "$run/unserved"
# The rows, each a line "ID SUITE ARCH FLAVOUR RELEASE PREBUILT" (ID:
# RELEASE, debug, or RELEASE@NAME for the module of a directory NAME).
specs=$(echo " ${KVERS:-} " | sed 's/ debug / /g; s/@[^ ]*//g; s/^ *//; s/ *$//')
matrix=
if [ -n "$specs" ] || [ -z "${KVERS:-}" ]; then
	# What it says of the archive (a suite that could not be fetched, a
	# row not served) goes into the TAP too.
	matrix=$(KVERS=$specs "$here/kernels.sh" list 2> "$run/list.log") ||
		die "no kernels to test: $(tail -n 3 "$run/list.log")"
	cat "$run/list.log" >&2
fi
if [ -z "${KVERS:-}" ]; then
	echo "$matrix" | awk '$4 != "-" { print $4, $1, $2, $3, $4, "-" }' > "$run/rows"
	echo "$matrix" | awk '$4 == "-"' > "$run/unserved"
else
	for r in $KVERS; do
		case $r in
		debug) echo "debug debug amd64 debug debug -" ;;
		*@*)
			rel=${r%@*}
			echo "$matrix" | awk -v rel="${rel#*/}" -v pre="${r#*@}" -v name="${r##*/}" \
				'$4 == rel { print rel "@" name, $1, $2, $3, $4, pre; exit }'
			;;
		*) echo "$matrix" | awk -v rel="${r#*/}" '$4 == rel { print rel, $1, $2, $3, $4, "-"; exit }' ;;
		esac
	done > "$run/rows"
fi
nrows=$(grep -c . "$run/rows" || true)
[ "$nrows" -gt 0 ] || die "no kernel to boot"
retried_before=$(grep -c . "$O/boots-retried" 2> /dev/null || true)

# vm_table FILE: the table, in columns.
vm_table() {
	awk '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
		END { for (r = 1; r <= NR; r++) { l = ""; for (i = 1; i <= n; i++) l = l sprintf("%-" w[i] + 2 "s", c[r, i]); sub(/ +$/, "", l); print l } }' "$1"
}

# The kernel command line of a boot: append MODE [CYCLES [QUICK]].
append() {
	echo "panic_on_warn=1 panic=-1 oops=panic quiet loglevel=4 rdinit=/init rwtest.mode=$1 rwtest.cycles=${2:-0} rwtest.quick=${3:-0}"
}

# row_cycles: the guest suite's insmod/rmmod cycles on the row's arch
# (fewer where TCG emulates a foreign instruction set).
row_cycles() {
	case $arch in
	arm64|armhf|s390x) echo "${CYCLES:-50}" ;;
	*) echo "${CYCLES:-100}" ;;
	esac
}

# job NAME INITRD TIMEOUT MEM APPEND: a boot of the row being planned, in
# $d/NAME, through the firmware job_efi ("CODE:VARS:SHIM:GRUB", see
# boot.sh's VM_EFI) where set, never booted twice where job_retry=0.
job() {
	echo "$1 $arch $vmlinuz $2 $3 $4 ${job_efi:--} ${job_retry:-1} $5" >> "$d/jobs"
}

# row_vars ID: the row's variables (its line of $run/rows, whose ROW
# kernels.sh fetches, and the kernel's row file); d, its directory.
row_vars() {
	read -r id suite arch flavour row prebuilt <<-EOF
	$(awk -v id="$1" '$1 == id' "$run/rows")
	EOF
	d=$O/$mode/$id
	release=$row
	# shellcheck disable=SC2034 # the modes read it
	label=$id
	kd=$(cat "$d/kd" 2> /dev/null || true)
	build_suite='' gcc='' kdir='' ksrc='' vmlinuz='' root_pkgs='' version=''
	# shellcheck disable=SC1091 # written by kernels.sh fetch
	[ -z "$kd" ] || . "$kd/row"
}

# row_plan ID: prepare the row and run the mode's plan, its TAP in
# $d/plan.tap; then its boots join the queue.
row_plan() {
	row_vars "$1"
	rm -rf "$d/jobs" "$d/plan.tap" "$d/kd" "$d/cc"
	mkdir -p "$d"
	: > "$d/jobs"
	t0=$(date +%s)
	(
		kd=$("$here/kernels.sh" fetch "$row" 2> "$d/fetch.log") || {
			# 3: listed, not served (a mirror's fault, not the module's).
			if [ $? -eq 3 ]; then
				skip "[$id] fetch the kernel" "not available: $(tail -n 1 "$d/fetch.log")"
			else
				not_ok "[$id] fetch the kernel" "$(tail -n 5 "$d/fetch.log")"
			fi
			exit
		}
		echo "$kd" > "$d/kd"
		row_vars "$id"
		if [ "$prebuilt" != - ]; then
			ko=$prebuilt/$release/rustwhere.ko
			[ -f "$ko" ] || { not_ok "[$id] no module at $ko"; exit; }
		else
			# check: sparse too on amd64, where the kernel runs it;
			# tests/lint.sh reads the result (build.sh).
			sparse=
			if [ "$mode" = check ] && [ "$arch" = amd64 ] && [ -z "$(sparse_blocked "$kd")" ]; then
				sparse=C=2
			fi
			ko=$(build_dir=$d build_module "$kd" normal $sparse) || { not_ok "[$id] $ko"; exit; }
		fi
		fko=$(build_dir=$d build_module "$kd" fault RUSTWHERE_FAULT_INJECT=y) ||
			{ not_ok "[$id] $fko"; exit; }
		cc=$(ko_compiler "$ko")
		echo "$cc" | sed -n 's/^GCC: ([^)]*) \([0-9]*\)\..*/gcc-\1/p; s/^.*clang version \([0-9]*\)\..*/clang-\1/p' > "$d/cc"
		[ "$prebuilt" != - ] ||
			ok "[$id] the module builds with $cc${build_suite:+ (in a $build_suite root)} and W=1 without a warning, also with fault injection"
		root=$d/initramfs
		initrd=$d/initramfs.gz
		# One lane at a time builds an architecture's programs.
		if ! { flock 9 && guest_programs "$arch" > "$d/guest.log" 2>&1; } 9> "$O/guest-$arch.lock" ||
			! initramfs_base "$root" "$arch" "$ko" "$fko" > "$d/initramfs.log" 2>&1; then
			not_ok "[$id] the guest's programs and initramfs" "$(tail -n 5 "$d/guest.log" "$d/initramfs.log")"
			exit
		fi
		"mode_$mode" plan
		initramfs_pack "$root" "$initrd"
	) > "$d/plan.tap" 2> "$d/plan.log" || not_ok "[$id] the plan failed: $(tail -n 3 "$d/plan.log")" >> "$d/plan.tap"
	echo $(($(date +%s) - t0)) > "$d/plan.secs"
	sed "s|^|$1 |" "$d/jobs" >> "$run/queue"
	: > "$run/planned/$1"
}

# lane: boot what is queued, else prepare the next row, until all is done;
# mkdir claims a boot or a row.
lane() {
	while :; do
		while read -r id name a k i t m efi retry args; do
			mkdir "$run/claims/$id:$name" 2> /dev/null || continue
			VM_NAME=$id-$name VM_RETRY=$retry VM_EFI=$(echo "$efi" | sed 's/^-$//; s/:/ /g') \
				vm_boot "$O/$mode/$id/$name" "$a" "$k" "$i" "$t" "$m" "$args"
			say "$id $name: $(cut -d' ' -f1,3 "$O/$mode/$id/$name/status" | sed 's/ / in /') s"
			continue 2
		done < "$run/queue"
		while read -r id _; do
			mkdir "$run/claims/$id" 2> /dev/null || continue
			say "$id: preparing"
			row_plan "$id"
			continue 2
		done < "$run/rows"
		[ "$(find "$run/planned" -type f | wc -l)" -lt "$nrows" ] || break
		sleep 1
	done
}

# judge_boot DIR LABEL [noplan]: the boot's end (vm_judge) and the guest's
# TAP on the result channel, replayed as LABEL's.
judge_boot() {
	vm_judge "$1" "${3:-}"
	[ -f "$1/retried" ] && echo "# [$2] the first boot died before its first test: $(cat "$1/retried")"
	grep -E '^(ok|not ok|#)' "$1/result.txt" > "$1/guest.tap" 2> /dev/null || true
	tap_replay "$1/guest.tap" "[$2] "
	bail=$(grep -m 1 '^Bail out' "$1/result.txt" 2> /dev/null || true)
	[ -z "$bail" ] || not_ok "[$2] the guest: $bail"
	if [ -z "$vm_problem" ]; then
		ok "[$2] the guest ran to its end ($vm_secs s)"
	else
		not_ok "[$2] $vm_problem" "last lines of the console ($1/console.log):" \
			"$(tail -n 40 "$1/console.log" 2> /dev/null)"
	fi
}

say "$nrows rows, $lanes at a time; each boot's console in $O/$mode/ROW/BOOT/"
t_all=$(date +%s)
vm_lanes "$lanes" lane

echo "TAP version 13"
[ ! -s "$run/list.log" ] || sed 's/^/# /' "$run/list.log"
table=$run/table
echo "ROW SUITE ARCH FLAVOUR COMPILER PASSED FAILED SECONDS" > "$table"
while read -r r _; do
	row_vars "$r"
	n0=$n f0=$failed
	tap_replay "$d/plan.tap"
	secs=$(cat "$d/plan.secs")
	while read -r name _; do
		"mode_$mode" judge "$name" "$d/$name"
		secs=$((secs + $(cut -d' ' -f3 "$d/$name/status" 2> /dev/null || echo 0)))
	done < "$d/jobs"
	echo "$id $suite $arch $flavour $(grep . "$d/cc" 2> /dev/null || echo "gcc-${gcc:-?}") $((n - n0 - failed + f0)) $((failed - f0)) $secs" >> "$table"
done < "$run/rows"
while read -r s a f _; do
	skip "[$s $a $f] the archive serves no such kernel" "not available"
	echo "- $s $a $f - - - -" >> "$table"
done < "$run/unserved"
echo "# the rows ($(($(date +%s) - t_all)) s in all, $lanes at a time):"
vm_table "$table" | sed 's/^/# /'
# shellcheck disable=SC2046 # the rows, as words
bench_table $(cut -d' ' -f1 "$run/rows") | sed 's/^/# /'
"mode_$mode" end
tail -n +$((${retried_before:-0} + 1)) "$O/boots-retried" 2> /dev/null | vm_retried
tap_end
