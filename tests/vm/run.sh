#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian kernels in QEMU with an initramfs that holds the module,
# the reader and the guest tests.
#
#   tests/vm/run.sh check [ROW...]   run tests/guest/run.sh in each kernel,
#                                    then the benchmark's short round in the
#                                    same boot (not with CHECK_BENCH=0);
#                                    print its TAP, a table of the rows, one
#                                    of the ratios and "N passed, N failed"
#   tests/vm/run.sh demo [ROW]       show the module at work (default: the
#                                    kernel of Debian 13, trixie-security)
#   tests/vm/run.sh bench [ROW...]   measure reads (tests/bench/rwbench.c);
#                                    QUICK=1 for one short round
#   tests/vm/run.sh boots [ROW...]   how reliably the kernels boot: each row
#                                    (and the debug kernel, if built) booted
#                                    BOOTS times (default 14) to the start
#                                    marker and powered off, never retried,
#                                    two at a time; every death is listed
#
# A ROW is a kernel release, or SUITE/RELEASE (tests/vm/kernels.sh); the
# default is every row of tests/vm/matrix, or KVERS.  For each row it fetches image and
# headers (tests/vm/kernels.sh), builds the module in the build root of
# the kernel's own release (tests/vm/roots.sh) with its own compiler and
# W=1, normal and with fault injection, packs busybox-static, the module,
# the reader and the guest tests of the row's architecture into an
# initramfs (tests/vm/guest.sh), and boots it (tests/vm/boot.sh): -smp 2,
# panic_on_warn=1, TCG.  Two rows boot at a time.  The harness fails when
# a test fails, when the guest stops before its end or runs out of time;
# a guest that died before its first test is booted once more, and said
# so on a line "boots retried: N".  A row the archive no longer serves is
# reported as not available, and counted as skipped.
#
# Environment: KVERS (rows), O (build directory, default build/),
# RUSTWHERE_CACHE (downloads, roots), RUSTWHERE_ACCEL (kvm, tcg or auto),
# VM_TIMEOUT (seconds per boot, default 900), CYCLES (insmod/rmmod cycles
# of the guest suite, default 300 on x86 and 100 on ARM, whose TCG is
# slower), VM_LANES (boots at a time, default 2), READER and RWPROBE
# (this machine's programs), PREBUILT_KO_DIR (test DIR/RELEASE/rustwhere.ko
# instead of building it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
reader=${READER:-$top/userspace/rustwhere}
rwprobe=${RWPROBE:-$top/tests/guest/rwprobe}
rwbench=${RWBENCH:-$top/tests/bench/rwbench}
timeout=${VM_TIMEOUT:-900}
lanes=${VM_LANES:-2}

die() { echo "vm: $*" >&2; exit 1; }
say() { echo "vm: $*" >&2; }

. "$here/apt.sh"
. "$here/guest.sh"
. "$here/boot.sh"
. "$here/build.sh"

[ -x "$rwprobe" ] || die "no $rwprobe: run make first"

mode=${1:-}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && KVERS=$*
case $mode in
check|boots) ;;
demo) : "${KVERS:=$("$here/kernels.sh" list | awk '$1 == "trixie-security" && $2 == "amd64" && $3 == "generic" { print $1 "/" $4 }')}" ;;
bench) [ -x "$rwbench" ] || die "no $rwbench: run make first" ;;
*) die "usage: $0 check|demo|bench [ROW...]" ;;
esac
export KVERS
rows=$("$here/kernels.sh" list) || die "no kernels to test"
[ -n "$rows" ] || die "no kernel to boot"

mkdir -p "$O"
# The boots of this run that died before their first test are the lines
# of $O/boots-retried after these.
retried_before=$(grep -c . "$O/boots-retried" 2> /dev/null || true)
: "${retried_before:=0}"

# row_prepare ROW [TAG CONTENT]: fetch, build, pack; sets ko, fko, initrd,
# the row's variables (kernels.sh's "row" file), and row_log (what went
# wrong).  With TAG, the module is built with CONTENT as its content/,
# into TAG-normal and TAG-fault, and packed into TAG-initramfs.gz.
row_prepare() {
	kd=$("$here/kernels.sh" fetch "$1") || { row_log="cannot fetch $1"; return 1; }
	# What the row file sets.
	suite='' build_suite='' arch='' flavour='' release='' gcc='' vmlinuz=''
	# shellcheck disable=SC1091 # written by kernels.sh fetch
	. "$kd/row"
	d=$O/$release
	mkdir -p "$d"
	_rp_tag=${2:+$2-}
	_rp_content=${3:-$top/module/content}
	if [ -n "${PREBUILT_KO_DIR:-}" ] && [ -z "$_rp_tag" ]; then
		# A module built elsewhere (by DKMS, say) is the one tested.
		ko=$PREBUILT_KO_DIR/$release/rustwhere.ko
		[ -f "$ko" ] || { row_log="no prebuilt module at $ko"; return 1; }
	else
		# check: sparse too on amd64, where the kernel runs it;
		# tests/lint.sh reads the result (build.sh).
		_rp_sparse=
		if [ "$mode" = check ] && [ "$arch" = amd64 ] && [ -z "$_rp_tag" ] && [ -z "$(sparse_blocked "$kd")" ]; then
			_rp_sparse=C=2
		fi
		ko=$(build_content=$_rp_content build_module "$kd" "${_rp_tag}normal" $_rp_sparse) || { row_log=$ko; return 1; }
	fi
	fko=$(build_content=$_rp_content build_module "$kd" "${_rp_tag}fault" RUSTWHERE_FAULT_INJECT=y) ||
		{ row_log=$fko; return 1; }
	# One lane at a time builds an architecture's programs.
	{
		flock 9
		guest_programs "$arch" > "$d/guest.log" 2>&1
	} 9> "$O/guest-$arch.lock" || { row_log="guest programs for $arch: $(tail -n 5 "$d/guest.log")"; return 1; }
	root=$d/${_rp_tag}initramfs
	initramfs_base "$root" "$arch" "$ko" "$fko" "$_rp_content" 2> "$d/initramfs.log" ||
		{ row_log="initramfs: $(cat "$d/initramfs.log")"; return 1; }

	initrd=$d/${_rp_tag}initramfs.gz
	initramfs_pack "$root" "$initrd"
}

# The row the eighth-domain test runs on (SUITE ARCH FLAVOUR), the demo's.
extra_row="trixie-security amd64 generic"

# extra_content DIR: module/content with the domain of tests/fixtures/extra
# added as data, as README's "Adding a domain" says: its file, and its
# line appended to index.  Prints the domain's name.
extra_content() {
	rm -rf "$1"
	cp -r "$top/module/content" "$1"
	for _ec_f in "$top"/tests/fixtures/extra/*; do
		[ "${_ec_f##*/}" = index.append ] || cp "$_ec_f" "$1/"
	done
	cat "$top/tests/fixtures/extra/index.append" >> "$1/index"
	sed -n 's/^\([^:]*\): .*/\1/p' "$top/tests/fixtures/extra/index.append"
}

# The kernel command line of every boot: append MODE CYCLES [QUICK].
append() {
	echo "panic_on_warn=1 panic=-1 oops=panic quiet loglevel=4 rdinit=/init rwtest.mode=$1 rwtest.cycles=$2 rwtest.quick=${3:-${QUICK:-0}}"
}

# check's boots run the benchmark's short round after the guest suite,
# unless CHECK_BENCH=0.
check_bench=${CHECK_BENCH:-1}

# bench_row RESULT REL ARCH: the benchmark's figures in the guest's
# RESULT, as $O/REL/bench.json and one line of the ratio table in
# $O/REL/bench-row; fails when there are none.
bench_row() {
	grep -q '^rwbench-json-end' "$1" || return 1
	sed -n '/^rwbench-json-begin/,/^rwbench-json-end/p' "$1" | sed '1d;$d' > "$O/$2/bench.json"
	_br_j=$O/$2/bench.json
	_br_line="$2 $3"
	for _br_k in cat_vs_tmpfs cat_vs_proc_version pread_vs_dev_zero reader_table_vs_cat; do
		_br_v=$(sed -n "s/.*\"$_br_k\": \[\([0-9.]*\), \([0-9.]*\), \([0-9.]*\)\].*/\1 \2 \3/p" "$_br_j" |
			awk '{ printf "%.2f[%.2f-%.2f]", $1, $2, $3 }')
		_br_line="$_br_line ${_br_v:--}"
	done
	_br_a=$(sed -n 's/.*"alloc_own_bytes_per_cat_cycle": {"rustwhere": \([-0-9.]*\),.*/\1/p' "$_br_j")
	[ "$_br_a" = "-1.0" ] && _br_a=unmeasured
	_br_c=$(sed -n 's/.*"coresize": \([0-9]*\),.*/\1/p' "$_br_j")
	echo "$_br_line ${_br_a:--} ${_br_c:--}" > "$O/$2/bench-row"
}

# bench_table REL...: the ratio table of those rows that have one.
bench_table() {
	{
		echo "RELEASE ARCH CAT/TMPFS CAT/VERSION PREAD/ZERO READER/CAT OWN_ALLOC_B CORESIZE_B"
		for _bt_r; do
			[ -f "$O/$_bt_r/bench-row" ] && cat "$O/$_bt_r/bench-row"
		done
	} > "$O/bench-table.txt"
	vm_table "$O/bench-table.txt"
}

# row_cycles ARCH: the guest suite's insmod/rmmod cycles.
row_cycles() {
	case $1 in
	arm64|armhf) echo "${CYCLES:-100}" ;;
	*) echo "${CYCLES:-300}" ;;
	esac
}

# row_boot TAG CONTENT LABEL: boot the initramfs row_prepare made ($initrd)
# in $d/TAG-boot (TAG empty: $d/boot) and judge it: the guest's TAP lines
# go to the report as [LABEL], counted in pass and fail, and the reader's
# output in the guest is compared with this machine's for CONTENT.
row_boot() {
	_rb_dir=$d/${1:+$1-}boot
	_rb_quick=0
	[ -z "$1" ] && [ "$check_bench" != 0 ] && _rb_quick=1
	VM_NAME=$3 vm_boot "$_rb_dir" "$arch" "$vmlinuz" "$initrd" "$timeout" 1024 "$(append check "$cycles" "$_rb_quick")"
	res=$_rb_dir/result.txt
	[ -f "$_rb_dir/retried" ] && note "# [$3] the first boot died before its first test: $(cat "$_rb_dir/retried")"
	sed -n '/^\(ok\|not ok\|#\|1\.\.\|Bail\)/p' "$res" | sed "s/^/[$3] /" >> "$rep"
	vm_judge "$_rb_dir"
	verdict=$vm_verdict secs=$vm_secs problem=$vm_problem
	pass=$((pass + vm_tp))
	fail=$((fail + vm_tf))
	if [ -n "$problem" ]; then
		row_not_ok "$problem"
		note "# last lines of the console ($_rb_dir/console.log):"
		tail -n 40 "$_rb_dir/console.log" | sed 's/^/# /' >> "$rep"
	fi
	# The reader's output in the guest equals this machine's for the
	# same content.
	if [ -x "$reader" ] && [ "$verdict" != died ]; then
		sed -n '/^# reader-output-begin/,/^# reader-output-end/p' "$res" |
			sed '1d;$d; s/^# | //; s/^# |$//' > "$_rb_dir/reader-guest.txt"
		"$reader" --root "$2" --color=never --width 80 --all \
			> "$_rb_dir/reader-host.txt" 2>&1 || true
		if [ -s "$_rb_dir/reader-guest.txt" ] && cmp -s "$_rb_dir/reader-guest.txt" "$_rb_dir/reader-host.txt"; then
			row_ok "the reader's output in the guest ($arch) equals this machine's"
		else
			row_not_ok "the reader's output in the guest ($arch) differs from this machine's"
			diff "$_rb_dir/reader-host.txt" "$_rb_dir/reader-guest.txt" | head -n 20 | sed 's/^/# /' >> "$rep"
		fi
	fi
	if [ "$_rb_quick" = 1 ] && [ "$verdict" = "done" ]; then
		if bench_row "$res" "$rel" "$arch"; then
			row_ok "the benchmark's short round ran after the suite, in the same boot"
		else
			row_not_ok "the benchmark's short round gave no result"
			sed -n '/^rwbench/,$p' "$res" | tail -n 10 | sed 's/^/# /' >> "$rep"
		fi
	fi
	note "# [$3] guest suite with $cycles insmod/rmmod cycles; the boot took $secs s"
}

# row_check ROW: prepare and boot ROW, and judge it; its TAP lines go to
# $O/RELEASE/report, its line of the table to $O/RELEASE/table.  On the
# row $extra_row, the module is built and booted once more with an eighth
# domain added as data, and the guest suite must test it unchanged.
row_check() {
	t0=$(date +%s)
	rel=${1#*/}
	suite='' arch='' flavour='' gcc=''
	rep=$O/$rel/report
	mkdir -p "$O/$rel"
	: > "$rep"
	pass=0 fail=0
	note() { echo "$*" >> "$rep"; }
	row_ok() { pass=$((pass + 1)); note "ok - [$rel] $*"; }
	row_not_ok() { fail=$((fail + 1)); note "not ok - [$rel] $*"; }
	if ! row_prepare "$1"; then
		row_not_ok "$row_log"
		echo "${suite:-?} $rel ${arch:-?} ${flavour:-?} gcc-${gcc:-?} $pass $fail $(($(date +%s) - t0))" > "$O/$rel/table"
		return
	fi
	row_ok "the module builds with gcc-$gcc (in a $build_suite root) and W=1 without a warning, also with fault injection"
	cycles=$(row_cycles "$arch")
	row_boot "" "$top/module/content" "$rel"
	if [ "$suite $arch $flavour" = "$extra_row" ]; then
		xc=$d/extra-content
		xname=$(extra_content "$xc")
		xlabel=$rel+$xname
		if row_prepare "$1" extra "$xc"; then
			row_ok "with a domain added as data ($xname: its file and its index line), the module builds with W=1, also with fault injection"
			row_boot extra "$xc" "$xlabel"
			# The guest suite found the new domain in index by itself:
			# each test of a domain file ran for it, and passed.
			xres=$d/extra-boot/result.txt
			xok=$(grep -c "^ok [0-9]* - $xname: " "$xres" || true)
			xbad=$(grep -c "^not ok [0-9]* - $xname: " "$xres" || true)
			if [ "$xok" -ge 5 ] && [ "$xbad" -eq 0 ]; then
				row_ok "the guest suite tested $xname, the eighth domain, from index alone ($xok tests)"
			else
				row_not_ok "the guest suite did not test $xname, the eighth domain, from index ($xok passed, $xbad failed of its tests)"
			fi
		else
			row_not_ok "[$xlabel] $row_log"
		fi
	fi
	note "[$rel] $pass passed, $fail failed"
	echo "$suite $rel $arch $flavour gcc-$gcc $pass $fail $(($(date +%s) - t0))" > "$O/$rel/table"
}

# vm_table FILE: the table, in columns.
vm_table() {
	awk '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
		END { for (r = 1; r <= NR; r++) { l = ""; for (i = 1; i <= n; i++) l = l sprintf("%-" w[i] + 2 "s", c[r, i]); sub(/ +$/, "", l); print l } }' "$1"
}

# lane: take the rows in turn; mkdir claims one atomically.
lane() {
	echo "$todo" | while read -r r; do
		[ -n "$r" ] || continue
		mkdir "$O/claims/${r#*/}" 2> /dev/null || continue
		say "${r#*/}: building and booting"
		row_check "$r"
		say "${r#*/}: $(cut -d' ' -f6,7,8 "$O/${r#*/}/table" | awk '{ print $1 " passed, " $2 " failed, " $3 " s" }')"
	done
}

# boots_lane: take the boots of $jobs in turn, as lane does the rows.
boots_lane() {
	while read -r name a k i; do
		mkdir "$O/boots/$name" 2> /dev/null || continue
		VM_RETRY=0 vm_boot "$O/boots/$name" "$a" "$k" "$i" 300 1024 "$(append none 0)"
	done < "$jobs"
}

case $mode in
demo)
	r=$(echo "$rows" | awk '$4 != "-" { print $1 "/" $4; exit }')
	[ -n "$r" ] || die "no kernel for the demo"
	row_prepare "$r" || die "$row_log"
	say "booting $release ($arch, $(vm_accel "$arch" "$vmlinuz")) ..."
	vm_boot "$d/demo" "$arch" "$vmlinuz" "$initrd" "$timeout" 1024 \
		"$(append demo 0 | sed 's/ quiet loglevel=4/ quiet loglevel=1/')"
	# The console, from the demo's first line, without the serial CRs.
	sed -n '/^rustwhere demo on /,$p' "$d/demo/console.log" | sed '/reboot: Power down/d'
	read -r verdict rc secs < "$d/demo/status"
	[ "$verdict" = "done" ] || die "the demo's guest did not finish ($verdict): $(vm_first_report "$d/demo")"
	exit 0
	;;
bench)
	total_pass=0 total_fail=0
	for r in $(echo "$rows" | awk '$4 != "-" { print $1 "/" $4 }'); do
		row_prepare "$r" || die "$row_log"
		say "benchmarking on $release ($arch, $(vm_accel "$arch" "$vmlinuz")) ..."
		vm_boot "$d/bench" "$arch" "$vmlinuz" "$initrd" "$timeout" 1024 "$(append bench 0)"
		res=$d/bench/result.txt
		if ! grep -q '^rwbench-json-end' "$res"; then
			echo "not ok - [$release] the benchmark gave no result ($(cat "$d/bench/status"))"
			cat "$res"
			tail -n 40 "$d/bench/console.log"
			total_fail=$((total_fail + 1))
			continue
		fi
		echo "kernel $release, $(date -u +%Y-%m-%d), ${QUICK:+quick, }$(vm_accel "$arch" "$vmlinuz")"
		sed -e '/^rwbench-json-begin/,$d' -e "/^$VM_START/d" "$res"
		bench_row "$res" "$release" "$arch"
		echo "ok - [$release] the benchmark ran"
		total_pass=$((total_pass + 1))
	done
	if [ "$total_fail" -eq 0 ]; then
		# All kernels' figures in one JSON document.
		mkdir -p "$O/bench"
		{
			printf '{\n"date": "%s",\n"accel": "%s",\n"quick": %s,\n"kernels": {\n' \
				"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(vm_accel amd64 "$vmlinuz")" "${QUICK:-0}"
			sep=
			for r in $(echo "$rows" | awk '$4 != "-" { print $4 }'); do
				printf '%s"%s": ' "$sep" "$r"
				cat "$O/$r/bench.json"
				sep=,
			done
			printf '}\n}\n'
		} > "$O/bench/results.json"
		say "figures written to $O/bench/results.json"
	fi
	echo "# ratios per kernel: median of the rounds [lowest-highest round]; own alloc: bytes per cat cycle from procfs, seq_file or the module"
	# shellcheck disable=SC2046 # the releases, as words
	bench_table $(echo "$rows" | awk '$4 != "-" { print $4 }') | sed 's/^/# /'

	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
	exit
	;;
esac

if [ "$mode" = boots ]; then
	jobs=$O/boots/jobs
	rm -rf "$O/boots"
	mkdir -p "$O/boots"
	: > "$jobs"
	for r in $(echo "$rows" | awk '$4 != "-" { print $1 "/" $4 }'); do
		row_prepare "$r" || die "$row_log"
		i=0
		while [ "$i" -lt "${BOOTS:-14}" ]; do
			i=$((i + 1))
			echo "$release-$i $arch $vmlinuz $initrd" >> "$jobs"
		done
	done
	dbg=$O/debug
	if [ -f "$dbg/initramfs.gz" ]; then
		bz=$(find "$cache/debug-kernel" -path '*/arch/x86/boot/bzImage' | head -n 1)
		i=0
		while [ -n "$bz" ] && [ "$i" -lt "${BOOTS:-14}" ]; do
			i=$((i + 1))
			echo "debug-$i amd64 $bz $dbg/initramfs.gz" >> "$jobs"
		done
	fi
	say "$(grep -c . "$jobs") boots, $lanes at a time"
	vm_lanes "$lanes" boots_lane
	total=0 died=0
	for st in "$O"/boots/*/status; do
		total=$((total + 1))
		read -r verdict rc secs < "$st"
		b=$(dirname "$st")
		case $verdict in
		done) ;;
		*)
			died=$((died + 1))
			echo "died: ${b##*/} ($verdict, qemu exit $rc, $secs s): $(vm_first_report "$b")"
			;;
		esac
	done
	echo "boots: $total, died before the start marker or before powering off: $died"
	[ "$died" -eq 0 ]
	exit
fi

# check: every row, two at a time.
todo=$(echo "$rows" | awk '$4 != "-" { print $1 "/" $4 }')
rm -rf "$O/claims"
mkdir -p "$O/claims"
t_all=$(date +%s)
say "$(echo "$todo" | grep -c .) kernels, $lanes at a time; consoles in $O/RELEASE/boot/"
vm_lanes "$lanes" lane

total_pass=0 total_fail=0 skipped=0
table=$O/vm-table.txt
{
	echo "SUITE RELEASE ARCH FLAVOUR COMPILER PASSED FAILED SECONDS"
	echo "$rows" | while read -r s a f rel _; do
		if [ "$rel" = - ]; then
			echo "$s - $a $f - - - -"
		elif [ -f "$O/$rel/table" ]; then
			cat "$O/$rel/table"
		else
			echo "$s $rel $a $f - - - -"
		fi
	done
} > "$table"
echo "TAP version 13"
for rel in $(echo "$rows" | awk '{ print $4 }'); do
	if [ "$rel" = - ]; then
		continue
	elif [ -f "$O/$rel/report" ]; then
		cat "$O/$rel/report"
	else
		echo "not ok - [$rel] the row never ran"
		total_fail=$((total_fail + 1))
	fi
done
while read -r s rel a f _ p fl _; do
	[ "$s" = SUITE ] && continue
	if [ "$rel" = - ]; then
		echo "ok - [$s $a $f] not available: the archive serves no such kernel # SKIP"
		skipped=$((skipped + 1))
		continue
	fi
	[ "$p" = - ] && continue
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + fl))
done < "$table"
echo "# tested kernels ($(($(date +%s) - t_all)) s in all, $lanes at a time):"
vm_table "$table" | sed 's/^/# /'
if [ "$check_bench" != 0 ]; then
	echo "# benchmark, short round in each row's boot (5 rounds; ratios: median [lowest-highest round]; own alloc: bytes per cat cycle from procfs, seq_file or the module):"
	# shellcheck disable=SC2046 # the releases, as words
	bench_table $(echo "$rows" | awk '$4 != "-" { print $4 }') | sed 's/^/# /'
fi
tail -n +$((retried_before + 1)) "$O/boots-retried" 2> /dev/null | vm_retried
if [ "$skipped" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $skipped skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
