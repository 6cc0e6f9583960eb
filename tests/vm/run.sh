#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian kernels in QEMU with an initramfs that holds the module,
# the reader and the guest tests.
#
#   tests/vm/run.sh check [KVER...]   run tests/guest/run.sh in each kernel;
#                                     print its TAP and "N passed, N failed"
#   tests/vm/run.sh demo [KVER]       show the module at work (default: 6.12)
#   tests/vm/run.sh bench [KVER...]   measure reads (tests/bench/rwbench.c);
#                                     QUICK=1 for one short round
#
# For each kernel it fetches image and headers (tests/vm/kernels.sh),
# builds the module against them, normal and with fault injection, packs
# busybox-static, the module, the reader with its shared libraries and
# the guest tests into an initramfs and boots it: -smp 2, -no-reboot,
# panic_on_warn=1, TCG unless a probe shows KVM really works.  The guest
# writes its TAP to the second serial port, a file here; the harness fails
# when a test fails, when the guest gives no complete result, or when the
# outer timeout passes.
#
# Environment: KVERS (kernels), O (build directory, default build/),
# RUSTWHERE_CACHE (downloads), RUSTWHERE_ACCEL (kvm, tcg or auto),
# VM_TIMEOUT (seconds per boot, default 900), CYCLES (insmod/rmmod
# cycles, default 300), READER and RWPROBE (built programs),
# PREBUILT_KO_DIR (test DIR/KVER/rustwhere.ko instead of building it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
reader=${READER:-$top/userspace/rustwhere}
rwprobe=${RWPROBE:-$top/tests/guest/rwprobe}
rwbench=${RWBENCH:-$top/tests/bench/rwbench}
timeout=${VM_TIMEOUT:-900}
cycles=${CYCLES:-300}

die() { echo "vm: $*" >&2; exit 1; }
say() { echo "vm: $*" >&2; }

busybox=$(command -v busybox 2>/dev/null || echo /bin/busybox)
ldd "$busybox" 2>&1 | grep -q "not a dynamic executable" ||
	die "$busybox is not statically linked: apt-get install busybox-static"
command -v qemu-system-x86_64 > /dev/null || die "no qemu-system-x86_64: apt-get install qemu-system-x86"
[ -x "$rwprobe" ] || die "no $rwprobe: run make first"

# build_module KVER KDIR NAME [MAKE ARGS...]: the module built against
# KDIR from a copy of the sources in $O/KVER/NAME; prints the .ko path.
build_module() {
	kver=$1 kdir=$2 name=$3
	shift 3
	src=$O/$kver/$name
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$top/Kbuild" "$top/VERSION" "$top/module" "$src/"
	make -s -C "$kdir" M="$src" "$@" modules >&2 || die "module build failed for $kver ($name)"
	echo "$src/module/rustwhere.ko"
}

. "$here/libs.sh"

# make_initramfs KVER KO FAULT_KO: prints the path of the initramfs.
make_initramfs() {
	root=$O/$1/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/rustwhere/module" "$root/rustwhere/fault" \
		"$root/rustwhere/tests/guest" "$root/rustwhere/tests/vm"
	cp "$busybox" "$root/bin/busybox"
	mkdir -p "$root/etc"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	install -m 0755 "$here/init" "$root/init"
	cp "$2" "$root/rustwhere/module/rustwhere.ko"
	install -D -m 0644 "$2" "$root/lib/modules/$1/updates/rustwhere.ko"
	cp "$3" "$root/rustwhere/fault/rustwhere.ko"
	cp -r "$top/module/content" "$root/rustwhere/module/content"
	cp "$top/VERSION" "$root/rustwhere/VERSION"
	install -m 0755 "$top/tests/guest/run.sh" "$rwprobe" "$root/rustwhere/tests/guest/"
	install -m 0644 "$top/tests/tap.sh" "$root/rustwhere/tests/"
	install -m 0755 "$here/demo.sh" "$root/rustwhere/tests/vm/"
	if [ -x "$rwbench" ]; then
		install -D -m 0755 "$rwbench" "$root/rustwhere/tests/bench/rwbench"
		# The benchmark's anchor for the reader: the cat users run,
		# dynamically linked like the reader.
		copy_with_libs "$(command -v cat)" "$root" /rustwhere/tests/bench/cat
	fi
	if [ -x "$reader" ]; then
		copy_with_libs "$reader" "$root" /rustwhere/userspace/rustwhere
		# The reader measures text in the C.UTF-8 locale (libc-bin's).
		if [ -d /usr/lib/locale/C.utf8 ]; then
			mkdir -p "$root/usr/lib/locale"
			cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
		fi
	fi
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -1 > "$O/$1/initramfs.gz"
	echo "$O/$1/initramfs.gz"
}

# A probe boot under KVM: it must reach the kernel's panic (no root
# filesystem) within seconds.  Here /dev/kvm exists but hangs.
accel() {
	case ${RUSTWHERE_ACCEL:-auto} in
	kvm|tcg) echo "$RUSTWHERE_ACCEL"; return ;;
	esac
	if [ -w /dev/kvm ]; then
		log=$O/kvm-probe.log
		timeout -s KILL 15 qemu-system-x86_64 -accel kvm -m 256 -nodefaults \
			-display none -no-reboot -serial "file:$log" -kernel "$1" \
			-append "console=ttyS0 panic=-1" > /dev/null 2>&1 || true
		if grep -q 'Kernel panic' "$log" 2>/dev/null; then
			echo kvm
			return
		fi
	fi
	echo tcg
}

# boot KVER INITRAMFS MODE CONSOLE RESULT
boot() {
	kernel=$kroot/boot/vmlinuz-$1
	: > "$5"
	if [ "$4" = - ]; then
		console="-serial mon:stdio"
	else
		console="-serial file:$4"
	fi
	# Multi-threaded TCG races with the guest's live text patching
	# (int3-based, as for static keys): about one 6.12 boot in twelve died
	# with "Oops: int3" in the idle loop before any module was loaded.
	# One TCG thread for both vCPUs keeps SMP in the guest and is exact.
	case $acc in
	tcg) accel=tcg,thread=single ;;
	*) accel=$acc ;;
	esac
	# shellcheck disable=SC2086
	timeout -s KILL "$timeout" qemu-system-x86_64 -accel "$accel" -smp 2 -m 1024 \
		-nographic -no-reboot -nodefaults $console -serial "file:$5" \
		-kernel "$kernel" -initrd "$2" \
		-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic quiet loglevel=4 rdinit=/init rwtest.mode=$3 rwtest.cycles=$cycles rwtest.quick=${QUICK:-0}" \
		< /dev/null
}

mode=${1:-}
[ $# -gt 0 ] && shift
case $mode in
check) kvers=${*:-$("$here/kernels.sh" list)} ;;
demo) kvers=${1:-$("$here/kernels.sh" list | grep '^6\.12\.' | tail -n 1)} ;;
bench)
	kvers=${*:-$("$here/kernels.sh" list)}
	[ -x "$rwbench" ] || die "no $rwbench: run make first"
	;;
*) die "usage: $0 check|demo|bench [KVER...]" ;;
esac
[ -n "$kvers" ] || die "no kernel to boot"

mkdir -p "$O"
total_pass=0
total_fail=0
acc=
for kver in $kvers; do
	kroot=$("$here/kernels.sh" fetch "$kver")/root
	kdir=$kroot/usr/src/linux-headers-$kver
	[ -n "$acc" ] || acc=$(accel "$kroot/boot/vmlinuz-$kver")
	if [ -n "${PREBUILT_KO_DIR:-}" ]; then
		# A module built elsewhere (by DKMS, say) is the one tested.
		ko=$PREBUILT_KO_DIR/$kver/rustwhere.ko
		[ -f "$ko" ] || die "no prebuilt module at $ko"
	else
		ko=$(build_module "$kver" "$kdir" normal)
	fi
	fko=$(build_module "$kver" "$kdir" fault RUSTWHERE_FAULT_INJECT=y)
	initrd=$(make_initramfs "$kver" "$ko" "$fko")
	result=$O/$kver/$mode.tap
	if [ "$mode" = demo ]; then
		say "booting $kver ($acc) ..."
		# Without the firmware's terminal escapes and the serial CRs.
		boot "$kver" "$initrd" demo - "$result" |
			sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//'
		continue
	fi
	if [ "$mode" = bench ]; then
		say "benchmarking on $kver ($acc) ..."
		rc=0
		boot "$kver" "$initrd" bench "$O/$kver/console.log" "$result" || rc=$?
		tr -d '\r' < "$result" > "$result.tmp" && mv "$result.tmp" "$result"
		if ! grep -q '^rwbench-json-end' "$result"; then
			echo "not ok - [$kver] the benchmark gave no result (qemu exit $rc)"
			cat "$result"
			tail -n 40 "$O/$kver/console.log"
			total_fail=$((total_fail + 1))
			continue
		fi
		echo "kernel $kver, $(date -u +%Y-%m-%d), ${QUICK:+quick, }$acc"
		sed '/^rwbench-json-begin/,$d' "$result"
		sed -n '/^rwbench-json-begin/,/^rwbench-json-end/p' "$result" | sed '1d;$d' \
			> "$O/$kver/bench.json"
		echo "ok - [$kver] the benchmark ran"
		total_pass=$((total_pass + 1))
		continue
	fi

	say "booting $kver ($acc); console in $O/$kver/console.log"
	start=$(date +%s)
	rc=0
	boot "$kver" "$initrd" check "$O/$kver/console.log" "$result" || rc=$?
	say "$kver: the VM ran $(($(date +%s) - start)) s, qemu exit $rc"

	# The serial line ends lines with CR LF.
	tr -d '\r' < "$result" > "$result.tmp" && mv "$result.tmp" "$result"
	sed -n '/^\(ok\|not ok\|#\|1\.\.\|Bail\)/p' "$result" | sed "s/^/[$kver] /"
	pass=$(grep -c '^ok ' "$result" || true)
	fail=$(grep -c '^not ok ' "$result" || true)
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$result")
	problem=
	if [ "$rc" -eq 137 ]; then
		problem="the VM did not finish within $timeout s"
	elif ! grep -q '^rustwhere-guest: done' "$result"; then
		problem="the guest gave no complete result (kernel panic?)"
	elif [ -z "$plan" ] || [ "$plan" -ne $((pass + fail)) ]; then
		problem="the guest's TAP plan (${plan:-none}) does not match $((pass + fail)) results"
	fi
	if [ -n "$problem" ]; then
		echo "not ok - [$kver] $problem"
		echo "# last lines of the console:"
		tail -n 40 "$O/$kver/console.log" | sed 's/^/# /'
		fail=$((fail + 1))
	fi

	# The reader's output in the guest equals the host's for the same content.
	if [ -x "$reader" ]; then
		sed -n '/^# reader-output-begin/,/^# reader-output-end/p' "$result" |
			sed '1d;$d; s/^# | //; s/^# |$//' > "$O/$kver/reader-guest.txt"
		"$reader" --root "$top/module/content" --color=never --width 80 --all \
			> "$O/$kver/reader-host.txt" 2>&1 || true
		if [ -s "$O/$kver/reader-guest.txt" ] &&
			cmp -s "$O/$kver/reader-guest.txt" "$O/$kver/reader-host.txt"; then
			echo "ok - [$kver] the reader's output in the guest equals the host's"
			pass=$((pass + 1))
		else
			echo "not ok - [$kver] the reader's output in the guest differs from the host's"
			diff "$O/$kver/reader-host.txt" "$O/$kver/reader-guest.txt" | head -n 20 | sed 's/^/# /'
			fail=$((fail + 1))
		fi
	fi
	echo "[$kver] $pass passed, $fail failed"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done

if [ "$mode" = bench ] && [ "$total_fail" -eq 0 ]; then
	# All kernels' figures in one JSON document.
	mkdir -p "$O/bench"
	{
		printf '{\n"date": "%s",\n"accel": "%s",\n"quick": %s,\n"kernels": {\n' \
			"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$acc" "${QUICK:-0}"
		sep=
		for kver in $kvers; do
			printf '%s"%s": ' "$sep" "$kver"
			cat "$O/$kver/bench.json"
			sep=,
		done
		printf '}\n}\n'
	} > "$O/bench/results.json"
	say "figures written to $O/bench/results.json"
fi
if [ "$mode" != demo ]; then
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
fi
