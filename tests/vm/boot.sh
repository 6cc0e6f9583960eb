# SPDX-License-Identifier: GPL-2.0
#
# One boot of a test kernel under QEMU, for every harness: the Debian
# kernels, the debug kernel and Secure Boot's boots of tests/vm/run.sh.
# Sourced, with $O set.
#
#   vm_boot DIR ARCH KERNEL INITRD TIMEOUT MEM APPEND
#
# boots KERNEL with INITRD on ARCH (amd64, i386, arm64, armhf, s390x): -smp 2,
# -no-reboot, the kernel's console on the first serial port and the
# guest's results on a channel of their own, both files; APPEND is added
# to the kernel command line (panic_on_warn=1 and the like are the
# caller's).  It leaves in DIR console.log and result.txt (without the
# serial line's CRs) and status, one line "VERDICT QEMU_EXIT SECONDS":
#
#   done     the guest wrote its start marker and its end marker
#   cut      it started, then stopped before its end marker (a panic, a
#            test that hung the kernel): a verdict on the module
#   timeout  it started and TIMEOUT seconds passed
#   died     it never wrote its start marker: the kernel or the emulator
#            died before the first test (an infrastructure death)
#
# A boot that died is booted once more, never more, and the death is
# counted: DIR/retried holds the first report line of the console, and
# a line "NAME: REPORT" goes to $O/boots-retried (NAME: $VM_NAME, or
# DIR's last part).  A guest that started
# is never booted again, whatever it showed.
#
# The result channel is a second 16550 UART: ttyS1 on x86; on ARM, whose
# virt machine has one UART (the console, ttyAMA0), a 16550 on PCI,
# ttyS0, which every Debian ARM kernel drives without a module.  The
# guest finds its channel as rwtest.out= on the command line, writes
# "rustwhere-guest: start" there before it runs anything and
# "rustwhere-guest: done" at the end.
#
# Environment: RUSTWHERE_ACCEL (kvm, tcg or auto; KVM only where a probe
# boot shows it works), VM_CPU (the CPU model, per architecture by
# default), VM_RETRY (0: never boot again, to count deaths as they
# come), VM_START_TIMEOUT (seconds a guest has to start, default 180:
# one that hangs before is stopped then, and has died).

# shellcheck shell=sh

VM_START='rustwhere-guest: start'
VM_DONE='rustwhere-guest: done'

# What a console shows when a kernel dies.
vm_reports='BUG:|Oops|Kernel panic|WARNING:|general protection fault|Unable to handle|Internal error|KASAN|UBSAN|soft lockup|hard LOCKUP|RCU detected|rcu_sched detected|blocked for more than|Call Trace'

# vm_accel ARCH KERNEL: kvm where this machine runs ARCH natively and a
# probe boot under KVM reaches the kernel's panic (no root filesystem)
# within seconds; tcg otherwise.  Here /dev/kvm exists but hangs.
vm_accel() {
	case ${RUSTWHERE_ACCEL:-auto} in
	kvm|tcg) echo "$RUSTWHERE_ACCEL"; return ;;
	esac
	if [ "$1" = amd64 ] && [ "$(uname -m)" = x86_64 ] && [ -w /dev/kvm ]; then
		# Probed once per build directory.
		if [ ! -s "$O/kvm-probe.result" ]; then
			_vm_log=$O/kvm-probe.log
			timeout -s KILL 15 qemu-system-x86_64 -accel kvm -m 256 -nodefaults \
				-display none -no-reboot -serial "file:$_vm_log" -kernel "$2" \
				-append "console=ttyS0 panic=-1" > /dev/null 2>&1 || true
			if grep -q 'Kernel panic' "$_vm_log" 2> /dev/null; then
				echo kvm > "$O/kvm-probe.result"
			else
				echo tcg > "$O/kvm-probe.result"
			fi
		fi
		cat "$O/kvm-probe.result"
		return
	fi
	echo tcg
}

# _vm_qemu ARCH ACCEL CONSOLE RESULT: the emulator, machine and devices of
# ARCH, as words, and on the last line the result channel's device name
# in the guest.
_vm_qemu() {
	# Multi-threaded TCG races with the guest's live text patching
	# (int3-based, as for static keys): about one Debian 6.12 boot in
	# twelve died with "Oops: int3" in the idle loop before any module
	# was loaded.  One TCG thread for both vCPUs keeps SMP in the guest.
	_vm_acc=$2
	[ "$_vm_acc" = tcg ] && [ "$1" != armhf ] && _vm_acc=tcg,thread=single
	case $1 in
	amd64)
		# -cpu max without LA57: with 5-level paging the debug kernel's
		# early KASAN shadow did not cover an interrupt that arrived
		# during identify_cpu ("BUG: KASAN: wild-memory-access in
		# do_raw_spin_lock" at 0.01-1.2 s, 3 boots in 30).
		echo "qemu-system-x86_64 -accel $_vm_acc -cpu ${VM_CPU:-max,la57=off} -serial file:$3 -serial file:$4"
		echo "ttyS0 ttyS1"
		;;
	i386)
		# As AMD (QEMU's max is), Debian's 686-pae kernel WARNs in
		# init_amd on the second CPU, and panic_on_warn stops the boot.
		echo "qemu-system-i386 -accel $_vm_acc -cpu ${VM_CPU:-max,vendor=GenuineIntel} -serial file:$3 -serial file:$4"
		echo "ttyS0 ttyS1"
		;;
	arm64)
		# pauth-impdef: QEMU's own pointer-authentication algorithm,
		# three times faster under TCG than the architected one.
		echo "qemu-system-aarch64 -M virt -accel $_vm_acc -cpu ${VM_CPU:-max,pauth-impdef=on} -serial file:$3 \
			-chardev file,id=result,path=$4 -device pci-serial,chardev=result"
		echo "ttyAMA0 ttyS0"
		;;
	armhf)
		# Multi-threaded TCG: under one TCG thread Debian's 6.1
		# armmp-lpae kernel takes over 20 minutes to reach /init.  At
		# the end of boot CPU0 makes the kernel text read-only
		# (set_section_perms) with a broadcast TLB flush per page,
		# while CPU1 spins in multi_cpu_stop; ARMv7's cpu_relax() has
		# no yield, so the spinning vCPU keeps the one TCG thread for a
		# whole time slice (~100 ms) per flush.  arm64's cpu_relax() is
		# a yield, and x86 needs thread=single (above).
		echo "qemu-system-arm -M virt -accel $_vm_acc -cpu ${VM_CPU:-cortex-a15} -serial file:$3 \
			-chardev file,id=result,path=$4 -device pci-serial,chardev=result"
		echo "ttyAMA0 ttyS0"
		;;
	s390x)
		# Big-endian.  -serial is the SCLP line console (ttysclp0);
		# the result channel a virtio console on the CCW bus (hvc0).
		echo "qemu-system-s390x -M s390-ccw-virtio -accel $_vm_acc -cpu ${VM_CPU:-max} -serial file:$3 \
			-device virtio-serial-ccw -chardev file,id=result,path=$4 -device virtconsole,chardev=result"
		echo "ttysclp0 hvc0"
		;;
	*) return 1 ;;
	esac
}

# _vm_efi DIR KERNEL INITRD CMDLINE: the firmware's and the ESP's QEMU
# words for VM_EFI (above); the ESP is made here, the store copied.
_vm_efi() {
	# shellcheck disable=SC2086 # four paths, as words
	set -- "$@" $VM_EFI
	[ $# -eq 8 ] || { echo "vm: VM_EFI is not \"CODE VARS SHIM GRUB\": $VM_EFI" >&2; return 1; }
	cp "$6" "$1/vars.fd" || return 1
	rm -f "$1/esp.img"
	# The ESP's size: its files and 16 MiB, in KiB.
	_vm_kib=$(($(du -kLc "$2" "$3" "$7" "$8" | tail -n 1 | cut -f 1) + 16384))
	printf 'set timeout=0\nlinux /vmlinuz %s\ninitrd /initrd\nboot\n' "$4" > "$1/grub.cfg"
	{
		mkfs.vfat -C -n RWESP "$1/esp.img" "$_vm_kib" &&
			MTOOLS_SKIP_CHECK=1 mmd -i "$1/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/debian &&
			MTOOLS_SKIP_CHECK=1 mcopy -i "$1/esp.img" "$7" ::/EFI/BOOT/BOOTX64.EFI &&
			MTOOLS_SKIP_CHECK=1 mcopy -i "$1/esp.img" "$8" ::/EFI/BOOT/grubx64.efi &&
			MTOOLS_SKIP_CHECK=1 mcopy -i "$1/esp.img" "$1/grub.cfg" ::/EFI/debian/grub.cfg &&
			MTOOLS_SKIP_CHECK=1 mcopy -i "$1/esp.img" "$2" ::/vmlinuz &&
			MTOOLS_SKIP_CHECK=1 mcopy -i "$1/esp.img" "$3" ::/initrd
	} > "$1/esp.log" 2>&1 || { echo "vm: cannot make the ESP: $(tail -n 1 "$1/esp.log")" >&2; return 1; }
	echo "-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on" \
		"-drive if=pflash,format=raw,unit=0,readonly=on,file=$5" \
		"-drive if=pflash,format=raw,unit=1,file=$1/vars.fd" \
		"-drive if=none,id=esp,format=raw,readonly=on,file=$1/esp.img -device virtio-blk-pci,drive=esp"
}

# _vm_once DIR ARCH KERNEL INITRD TIMEOUT MEM APPEND: one boot; sets
# vm_rc and vm_secs.
_vm_once() {
	_vm_spec=$(_vm_qemu "$2" "$(vm_accel "$2" "$3")" "$1/console.raw" "$1/result.raw") || return 1
	_vm_devs=$(echo "$_vm_spec" | tail -n 1)
	_vm_cmdline="console=${_vm_devs% *} rwtest.out=${_vm_devs#* } $7"
	if [ -n "${VM_EFI:-}" ]; then
		[ "$2" = amd64 ] || { echo "vm: VM_EFI boots amd64 only, not $2" >&2; return 1; }
		_vm_boot=$(_vm_efi "$1" "$3" "$4" "$_vm_cmdline") || return 1
	fi
	: > "$1/console.raw"
	: > "$1/result.raw"
	_vm_t0=$(date +%s)
	vm_rc=0
	if [ -n "${VM_EFI:-}" ]; then
		# shellcheck disable=SC2046,SC2086 # the emulator's and the firmware's words
		timeout -s KILL "$5" $(echo "$_vm_spec" | head -n 1) -smp 2 -m "$6" \
			-display none -no-reboot -nodefaults $_vm_boot \
			< /dev/null > "$1/qemu.log" 2>&1 &
	else
		# shellcheck disable=SC2046 # the emulator's words
		timeout -s KILL "$5" $(echo "$_vm_spec" | head -n 1) -smp 2 -m "$6" \
			-display none -no-reboot -nodefaults -kernel "$3" -initrd "$4" \
			-append "$_vm_cmdline" \
			< /dev/null > "$1/qemu.log" 2>&1 &
	fi
	_vm_pid=$!
	# A kernel that hangs before /init would hold the boot for all of
	# TIMEOUT: one that has not started the guest within
	# VM_START_TIMEOUT seconds is stopped, and has died.
	while kill -0 "$_vm_pid" 2> /dev/null && ! grep -q "^$VM_START" "$1/result.raw"; do
		if [ $(($(date +%s) - _vm_t0)) -ge "${VM_START_TIMEOUT:-180}" ]; then
			pkill -KILL -P "$_vm_pid" 2> /dev/null || true
			echo "vm: no start marker within ${VM_START_TIMEOUT:-180} s: stopped" >> "$1/qemu.log"
			break
		fi
		sleep 1
	done
	wait "$_vm_pid" || vm_rc=$?
	vm_secs=$(($(date +%s) - _vm_t0))
	tr -d '\r' < "$1/console.raw" > "$1/console.log"
	tr -d '\r' < "$1/result.raw" > "$1/result.txt"
	rm -f "$1/console.raw" "$1/result.raw"
}

# vm_first_report DIR: the first line of the console that reports a death,
# or its last line.
vm_first_report() {
	_vm_line=$(grep -m 1 -E "$vm_reports" "$1/console.log" | sed 's/^\[ *[0-9.]*\] //')
	[ -n "$_vm_line" ] || _vm_line="no report; the console's last line: $(tail -n 1 "$1/console.log")"
	[ -s "$1/console.log" ] || _vm_line="no console output at all (qemu: $(tail -n 1 "$1/qemu.log"))"
	echo "$_vm_line" | cut -c 1-160
}

vm_boot() {
	mkdir -p "$1"
	rm -f "$1/retried" "$1/status"
	_vm_tries=0
	while :; do
		_vm_tries=$((_vm_tries + 1))
		_vm_once "$@" || return 1
		if ! grep -q "^$VM_START" "$1/result.txt"; then
			_vm_verdict=died
		elif grep -q "^$VM_DONE" "$1/result.txt"; then
			_vm_verdict="done"
		elif [ "$vm_rc" -eq 137 ]; then
			_vm_verdict=timeout
		else
			_vm_verdict="cut"
		fi
		if [ "$_vm_verdict" = died ] && [ "$_vm_tries" -eq 1 ] && [ "${VM_RETRY:-1}" = 1 ]; then
			_vm_report=$(vm_first_report "$1")
			echo "$_vm_report" > "$1/retried"
			cp "$1/console.log" "$1/console-died.log"
			echo "${VM_NAME:-${1##*/}}: $_vm_report" >> "$O/boots-retried"
			echo "vm: ${VM_NAME:-${1##*/}}: the guest died before its first test ($_vm_report); booting it once more" >&2
			continue
		fi
		break
	done
	echo "$_vm_verdict $vm_rc $vm_secs" > "$1/status"
}

# vm_judge DIR [noplan]: the end of DIR's boot, for every harness: its
# verdict (vm_verdict, vm_rc, vm_secs), the guest's TAP counts on the
# result channel (vm_tp, vm_tf, vm_plan), and vm_problem, empty when the
# guest ran to its end and (unless noplan) its TAP plan matches its
# results, else what went wrong, in one line.
# shellcheck disable=SC2034 # vm_*: the callers read them
vm_judge() {
	vm_verdict=none vm_rc=- vm_secs=0 vm_tp=0 vm_tf=0 vm_plan=
	if [ ! -f "$1/status" ]; then
		vm_problem="the guest never booted: $(tail -n 1 "$1/qemu.log" 2> /dev/null)"
		return
	fi
	read -r vm_verdict vm_rc vm_secs < "$1/status"
	vm_tp=$(grep -c '^ok ' "$1/result.txt" || true)
	vm_tf=$(grep -c '^not ok ' "$1/result.txt" || true)
	vm_plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$1/result.txt")
	vm_problem=
	case $vm_verdict in
	died) vm_problem="the guest died before its first test, twice (an infrastructure death: $(vm_first_report "$1"))" ;;
	timeout) vm_problem="the guest did not finish in time ($vm_secs s)" ;;
	cut) vm_problem="the guest stopped before its end (qemu exit $vm_rc, $vm_secs s): $(vm_first_report "$1")" ;;
	done)
		[ "${2:-}" = noplan ] || { [ -n "$vm_plan" ] && [ "$vm_plan" -eq $((vm_tp + vm_tf)) ] && [ "$vm_tp" -gt 0 ]; } ||
			vm_problem="the guest's TAP plan (${vm_plan:-none}) does not match $((vm_tp + vm_tf)) results"
		;;
	esac
}

# vm_retried: the line "boots retried: N (NAME: REPORT; ...)" of the
# retry records read from standard input.
vm_retried() {
	_vm_r=$(grep . || true)
	if [ -n "$_vm_r" ]; then
		echo "boots retried: $(echo "$_vm_r" | grep -c .) ($(echo "$_vm_r" | paste -sd';' -))"
	else
		echo "boots retried: 0"
	fi
}

# vm_lanes N FUNCTION: N copies of FUNCTION at once (the boots at a time),
# each taking the next job it can claim; returns when all have ended.
vm_lanes() {
	_vl_i=0
	_vl_pids=
	while [ "$_vl_i" -lt "$1" ]; do
		"$2" &
		_vl_pids="$_vl_pids $!"
		_vl_i=$((_vl_i + 1))
	done
	for _vl_p in $_vl_pids; do
		wait "$_vl_p" || true
	done
}
