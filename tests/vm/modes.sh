# SPDX-License-Identifier: GPL-2.0
#
# The modes of tests/vm/run.sh for the Debian kernels of tests/vm/matrix.
# A mode is one function, mode_NAME, called by the driver as
#
#   mode_NAME rows             the rows it runs on by default (none: every
#                              row of the matrix)
#   mode_NAME plan             for the row the driver prepared (its
#                              variables: id, label, arch, release, gcc,
#                              build_suite, kd, kdir, vmlinuz; ko, fko, the
#                              two builds; root, the initramfs tree, packed
#                              into initrd when plan returns; d, the row's
#                              directory): build what else it needs, print
#                              TAP (ok, not_ok, check of tests/tap.sh) and
#                              declare the boots with job
#   mode_NAME judge NAME DIR   print TAP for the boot NAME, in DIR
#   mode_NAME end              after every row, once
#
# Sourced by tests/vm/run.sh.
# shellcheck shell=sh
# shellcheck disable=SC2154 # the variables of the driver, tests/vm/run.sh
# shellcheck disable=SC2317 # the functions run by name, through check

# The row the eighth-domain test runs on (SUITE ARCH FLAVOUR), and the
# demo's, Secure Boot's.
extra_row="trixie-security amd64 generic"
# extra_rows: that row, as a row of the driver.
extra_rows() {
	_er=$("$here/kernels.sh" list | awk -v r="$extra_row" '$1 " " $2 " " $3 == r && $4 != "-" { print $1 "/" $4 }')
	[ -n "$_er" ] || die "the archive serves no kernel of the row $extra_row"
	echo "$_er"
}

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

# reader_same DIR CONTENT: the reader's output in the guest equals this
# machine's for the same content.
reader_same() {
	[ -x "$reader" ] || return 0
	sed -n '/^# reader-output-begin/,/^# reader-output-end/p' "$1/result.txt" |
		sed '1d;$d; s/^# | //; s/^# |$//' > "$1/reader-guest.txt"
	"$reader" --root "$2" --color=never --width 80 --all > "$1/reader-host.txt" 2>&1 || true
	if [ -s "$1/reader-guest.txt" ] && cmp -s "$1/reader-guest.txt" "$1/reader-host.txt"; then
		ok "[$label] the reader's output in the guest ($arch) equals this machine's"
	else
		not_ok "[$label] the reader's output in the guest ($arch) differs from this machine's" \
			"$(diff "$1/reader-host.txt" "$1/reader-guest.txt" | head -n 20)"
	fi
}

# bench_row RESULT: the benchmark's figures in the guest's RESULT, as
# $d/bench.json and the row's line of the ratio table, $d/bench-row;
# fails when there are none.
bench_row() {
	grep -q '^rwbench-json-end' "$1" || return 1
	sed -n '/^rwbench-json-begin/,/^rwbench-json-end/p' "$1" | sed '1d;$d' > "$d/bench.json"
	_br_line="$id $arch"
	for _br_k in cat_vs_tmpfs cat_vs_proc_version pread_vs_dev_zero reader_table_vs_cat; do
		_br_v=$(sed -n "s/.*\"$_br_k\": \[\([0-9.]*\), \([0-9.]*\), \([0-9.]*\)\].*/\1 \2 \3/p" "$d/bench.json" |
			awk '{ printf "%.2f[%.2f-%.2f]", $1, $2, $3 }')
		_br_line="$_br_line ${_br_v:--}"
	done
	_br_a=$(sed -n 's/.*"alloc_own_bytes_per_cat_cycle": {"rustwhere": \([-0-9.]*\),.*/\1/p' "$d/bench.json")
	[ "$_br_a" = "-1.0" ] && _br_a=unmeasured
	_br_c=$(sed -n 's/.*"coresize": \([0-9]*\),.*/\1/p' "$d/bench.json")
	echo "$_br_line ${_br_a:--} ${_br_c:--}" > "$d/bench-row"
}

# bench_table ID...: the ratio table of those rows that have one.
bench_table() {
	for _bt_r; do
		[ -f "$O/$mode/$_bt_r/bench-row" ] && cat "$O/$mode/$_bt_r/bench-row"
	done > "$O/$mode/bench-table.txt"
	[ -s "$O/$mode/bench-table.txt" ] || return 0
	echo "benchmark (ratios: the median of the rounds [lowest-highest round]; own alloc: bytes per cat cycle from procfs, seq_file or the module):"
	sed -i '1i ROW ARCH CAT/TMPFS CAT/VERSION PREAD/ZERO READER/CAT OWN_ALLOC_B CORESIZE_B' "$O/$mode/bench-table.txt"
	vm_table "$O/$mode/bench-table.txt"
}

# check: the guest suite with the normal and the fault build, and in the
# same boot the benchmark's short round (not for a module built elsewhere);
# on $extra_row, once more with an eighth domain added as data.
mode_check() {
	case $1 in
	rows) ;;
	plan)
		quick=1
		[ "$prebuilt" = - ] || quick=0
		job boot "$initrd" "$timeout" 1024 "$(append check "$(row_cycles)" "$quick")"
		if [ "$suite $arch $flavour" != "$extra_row" ] || [ "$prebuilt" != - ]; then
			return 0
		fi
		xname=$(extra_content "$d/extra-content")
		xko='' xfko=''
		if ! xko=$(build_dir=$d build_content=$d/extra-content build_module "$kd" extra-normal) ||
			! xfko=$(build_dir=$d build_content=$d/extra-content build_module "$kd" extra-fault RUSTWHERE_FAULT_INJECT=y) ||
			! initramfs_base "$d/extra-initramfs" "$arch" "$xko" "$xfko" "$d/extra-content" > "$d/extra.log" 2>&1 ||
			! initramfs_pack "$d/extra-initramfs" "$d/extra-initramfs.gz"; then
			not_ok "[$id+$xname] the module with a domain added as data" "$xko $xfko" "$(cat "$d/extra.log" 2> /dev/null)"
			return 0
		fi
		ok "[$id+$xname] with a domain added as data ($xname: its file and its index line), the module builds with W=1, also with fault injection"
		job extra-boot "$d/extra-initramfs.gz" "$timeout" 1024 "$(append check "$(row_cycles)")"
		;;
	judge)
		if [ "$2" = boot ]; then
			judge_boot "$3" "$label"
			[ "$vm_verdict" = died ] || reader_same "$3" "$top/module/content"
			if [ "$prebuilt" != - ] || [ "$vm_verdict" != "done" ]; then
				return 0
			fi
			if bench_row "$3/result.txt"; then
				ok "[$label] the benchmark's short round ran after the suite, in the same boot"
			else
				not_ok "[$label] the benchmark's short round gave no result" "$(sed -n '/^rwbench/,$p' "$3/result.txt" | tail -n 10)"
			fi
			return
		fi
		xname=$(sed -n 's/^\([^:]*\): .*/\1/p' "$top/tests/fixtures/extra/index.append")
		label=$id+$xname
		judge_boot "$3" "$label"
		[ "$vm_verdict" = died ] || reader_same "$3" "$d/extra-content"
		# The guest suite found the new domain in index by itself: each
		# test of a domain file ran for it, and passed.
		xok=$(grep -c "^ok [0-9]* - $xname: " "$3/result.txt" || true)
		xbad=$(grep -c "^not ok [0-9]* - $xname: " "$3/result.txt" || true)
		[ "$xok" -ge 5 ] && [ "$xbad" -eq 0 ]
		verdict $? "[$label] the guest suite tested $xname, the eighth domain, from index alone ($xok passed, $xbad failed of its tests)"
		;;
	end) ;;
	esac
}

# bench: the benchmark alone (QUICK=1: its short round), and all rows'
# figures in $O/bench/results.json.
mode_bench() {
	case $1 in
	rows) ;;
	plan) job bench "$initrd" "$timeout" 1024 "$(append bench 0 "${QUICK:-0}")" ;;
	judge)
		if bench_row "$3/result.txt"; then
			bench_accel=$(vm_accel "$arch" "$vmlinuz")
			_mb_q=
			[ "${QUICK:-0}" = 1 ] && _mb_q="quick, "
			echo "# kernel $release, $(date -u +%Y-%m-%d), $_mb_q$bench_accel"
			sed -e '/^rwbench-json-begin/,$d' -e "/^$VM_START/d" -e 's/^/# /' "$3/result.txt"
			ok "[$label] the benchmark ran"
		else
			judge_boot "$3" "$label" noplan
			not_ok "[$label] the benchmark gave no result" "$(tail -n 20 "$3/result.txt")"
		fi
		;;
	end)
		{
			printf '{\n"date": "%s",\n"accel": "%s",\n"quick": %s,\n"kernels": {\n' \
				"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${bench_accel:-tcg}" "${QUICK:-0}"
			sep=
			while read -r _r _; do
				[ -f "$O/$mode/$_r/bench.json" ] || continue
				printf '%s"%s": ' "$sep" "$_r"
				cat "$O/$mode/$_r/bench.json"
				sep=,
			done < "$run/rows"
			printf '}\n}\n'
		} > "$O/bench/results.json"
		echo "# the figures of every row: $O/bench/results.json"
		;;
	esac
}

# boots: how reliably the kernels boot: each row, and the debug kernel
# where it is built, BOOTS times (14) to the start marker and powered off,
# never booted again; every death is listed.
mode_boots() {
	case $1 in
	rows)
		if [ -n "$(find "$cache/debug-kernel" -path '*/arch/x86/boot/bzImage' 2> /dev/null | head -n 1)" ]; then
			echo "$("$here/kernels.sh" list | awk '$4 != "-" { print $1 "/" $4 }') debug"
		fi
		;;
	plan)
		_mb_i=0
		while [ "$_mb_i" -lt "${BOOTS:-14}" ]; do
			_mb_i=$((_mb_i + 1))
			job_retry=0 job "boot-$_mb_i" "$initrd" 300 1024 "$(append none)"
		done
		;;
	judge)
		vm_judge "$3" noplan
		boots_n=$((${boots_n:-0} + 1))
		[ "$vm_verdict" = "done" ] || boots_died=$((${boots_died:-0} + 1))
		[ "$vm_verdict" = "done" ]
		verdict $? "[$label] $2: $vm_verdict in $vm_secs s${vm_problem:+: $vm_problem}"
		;;
	end) echo "# boots: ${boots_n:-0}, died before the start marker or before powering off: ${boots_died:-0}" ;;
	esac
}

# demo: the module at work, on the console of Debian 13's kernel.
mode_demo() {
	case $1 in
	rows) extra_rows ;;
	plan) job demo "$initrd" "$timeout" 1024 "$(append demo | sed 's/ quiet loglevel=4/ quiet loglevel=1/')" ;;
	judge)
		say "booted $release ($arch, $(vm_accel "$arch" "$vmlinuz"))"
		sed -n '/^rustwhere demo on /,$p' "$3/console.log" | sed '/reboot: Power down/d'
		vm_judge "$3" noplan
		[ -z "$vm_problem" ]
		verdict $? "[$label] the demo ran to its end${vm_problem:+: $vm_problem}"
		;;
	end) ;;
	esac
}
