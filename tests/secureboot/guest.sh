#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Secure Boot tests inside the guest, run by /init (tests/vm/init) for
# rwtest.mode=sb-*, in a kernel that Debian's shim and GRUB booted under
# OVMF with Secure Boot on (tests/secureboot/mode.sh).  Prints TAP.
#
#   guest.sh MODE CYCLES
#
#   sb-nomok  the store has Microsoft's keys and no MOK: every module
#             but the kernel's own is refused
#   sb-mok    the make-sign key (MOK.der) is the enrolled MOK: the
#             module signed with it loads and passes the whole guest
#             suite (CYCLES insmod/rmmod cycles); unsigned, tampered and
#             DKMS-signed ones are still refused
#   sb-dkms   DKMS's certificate (/var/lib/dkms/mok.pub) is the MOK: the
#             module DKMS built and signed loads, as README says
#
# The initramfs holds, besides tests/vm/guest.sh's tree, /rustwhere/sb/:
# unsigned.ko, signed.ko (make sign), tampered.ko (signed.ko with one
# byte of its body changed), dkms.ko* (DKMS's build, as DKMS left it),
# efivarfs.ko.xz (the kernel's), MOK.der, readme.cmds (README's commands, see tests/secureboot/mode.sh),
# bin/ (kmod as insmod, modinfo, modprobe, rmmod, depmod); mokutil and its
# libraries; /var/lib/dkms/mok.pub.
set -u

mode=$1
cycles=${2:-300}
top=/rustwhere
sb=$top/sb
proc=/proc/rustwhere
# kmod's tools, as on a Debian machine (busybox's modinfo cannot read a
# signature), by their paths: busybox's sh runs its own applets before
# any in PATH.  The guest suite keeps busybox's, as in the matrix.
kpath=$sb/bin:/usr/bin:/bin
insmod=$sb/bin/insmod rmmod=$sb/bin/rmmod modinfo=$sb/bin/modinfo

# shellcheck disable=SC2034 # read by tap.sh's check
TAP_SHOW_PASS=1
# shellcheck disable=SC1091 # the guest's path of tests/tap.sh
. "$top/tests/tap.sh"
echo "TAP version 13"

echo "# uptime at the start: $(cut -d' ' -f1 /proc/uptime) s"
mount -t securityfs securityfs /sys/kernel/security 2> /dev/null
kver=$(uname -r)
# kmod's indexes of /lib/modules (init ran busybox's depmod).
$sb/bin/depmod -a

# efivarfs, for mokutil: a module in Debian's kernel, signed by Debian.
check_efivarfs() {
	$insmod $sb/efivarfs.ko.xz && mount -t efivarfs efivarfs /sys/firmware/efi/efivars || return 1
	for v in /sys/firmware/efi/efivars/SecureBoot-* /sys/firmware/efi/efivars/MokListRT-*; do
		[ -e "$v" ] && echo "${v##*/}"
	done
	[ -e /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c ]
}
check "the kernel's own efivarfs.ko, signed by Debian, loads; efivarfs is mounted" check_efivarfs

# --- Secure Boot is really on ------------------------------------------

check_sb_state() {
	st=$(PATH=$kpath mokutil --sb-state 2>&1)
	echo "mokutil --sb-state: $st"
	echo "$st" | grep -qx 'SecureBoot enabled'
}
check "Secure Boot is on: mokutil --sb-state says \"SecureBoot enabled\"" check_sb_state

check_kernel_sb() {
	dmesg | grep -E 'Secure boot|secureboot|locked down|Lockdown' | sed 's/^\[ *[0-9.]*\] //'
	lk=$(cat /sys/kernel/security/lockdown 2>&1)
	echo "/sys/kernel/security/lockdown: $lk"
	dmesg | grep -q 'secureboot: Secure boot enabled' &&
		dmesg | grep -q 'Kernel is locked down from EFI Secure Boot' &&
		echo "$lk" | grep -q '\[integrity\]'
}
check "the kernel says \"Secure boot enabled\" and is locked down (integrity), as a real machine" check_kernel_sb

# --- the loads -----------------------------------------------------------

# refused DESC KO [DMESG]: insmod KO fails with EKEYREJECTED ("Key was
# rejected by service"), the kernel logs DMESG (a pattern) about it, and
# nothing of the module is there.
refused() {
	_r_desc=$1 _r_ko=$2 _r_log=${3:-}
	check_refused() {
		dmesg -c > /dev/null
		if out=$($insmod "$_r_ko" 2>&1); then
			echo "insmod succeeded: $out"
			$rmmod rustwhere
			return 1
		fi
		echo "insmod: $out"
		log=$(dmesg | sed 's/^\[ *[0-9.]*\] //')
		echo "kernel: ${log:-(nothing)}"
		echo "$out" | grep -q 'Key was rejected by service' || return 1
		[ -z "$_r_log" ] || echo "$log" | grep -qE "$_r_log" || return 1
		[ ! -e $proc ] || { echo "$proc exists"; return 1; }
		! grep -q '^rustwhere ' /proc/modules || { echo "rustwhere is in /proc/modules"; return 1; }
	}
	check "$_r_desc" check_refused
}

# loads DESC KO SIGNER: insmod KO succeeds, /proc/rustwhere works,
# modinfo names SIGNER, no E taint (nor any but O); rmmod again.
loads() {
	_l_desc=$1 _l_ko=$2 _l_signer=$3
	check_loads() {
		signer=$($modinfo -F signer "$_l_ko")
		echo "modinfo -F signer: $signer"
		[ "$signer" = "$_l_signer" ] || return 1
		t0=$(cat /proc/sys/kernel/tainted)
		dmesg -c > /dev/null
		$insmod "$_l_ko" || { dmesg; return 1; }
		dmesg | sed 's/^\[ *[0-9.]*\] //'
		t1=$(cat /proc/sys/kernel/tainted)
		new=$((t1 & ~t0))
		echo "tainted before: $t0, after: $t1 (O = 4096, E = 8192)"
		ls $proc
		head -n 3 $proc/index
		ok=1
		[ -r $proc/index ] && [ "$(wc -l < $proc/index)" -gt 0 ] || ok=0
		[ $((t1 & 8192)) -eq 0 ] || { echo "tainted E"; ok=0; }
		[ $((new & ~4096)) -eq 0 ] || { echo "new taint other than O: $new"; ok=0; }
		$rmmod rustwhere || ok=0
		[ ! -e $proc ] || ok=0
		[ "$ok" = 1 ]
	}
	check "$_l_desc" check_loads
}

# readme TAG: README's commands of TAG (tests/secureboot/mode.sh took them
# from its Secure Boot section, as "TAG<TAB>COMMAND<TAB>EXPECTED"), each
# run as written in /rustwhere (without sudo): its output must hold
# EXPECTED where there is one (mokutil --test-key exits 1 on "is already
# enrolled"), and it must exit 0 where there is none.
readme() {
	while IFS='	' read -r tag cmd want; do
		[ "$tag" = "$1" ] || continue
		check_readme() {
			# The first word by its path, where it is kmod's.
			run=$(echo "${cmd#sudo }" | sed -E "s#^(modinfo|modprobe) #$sb/bin/\\1 #")
			out=$(cd $top && PATH=$kpath sh -c "$run" 2>&1)
			rc=$?
			echo "\$ $cmd"
			echo "$out"
			echo "exit status $rc"
			if [ -n "$want" ]; then
				echo "$out" | grep -qF -- "$want"
			else
				[ "$rc" -eq 0 ]
			fi
		}
		check "README: \`$cmd\` runs${want:+ and says \"$want\"}" check_readme
		# A README modprobe leaves the module loaded.
		grep -q '^rustwhere ' /proc/modules && $rmmod rustwhere
	done < "$sb/readme.cmds"
}

unsigned_log='Loading of unsigned module is rejected'
nokey_log='Loading of module with unavailable key is rejected'
dkms_ko=$(ls $sb/dkms.ko*)

case $mode in
sb-nomok)
	check "no MOK enrolled: mokutil --test-key MOK.der says it is not enrolled" \
		sh -c "PATH=$kpath mokutil --test-key $sb/MOK.der | tee /dev/stderr | grep -q 'is not enrolled'"
	refused "an unsigned module is refused: EKEYREJECTED, \"$unsigned_log\", nothing under /proc" \
		$sb/unsigned.ko "$unsigned_log"
	refused "a module signed by make sign with a key not enrolled is refused: EKEYREJECTED, \"$nokey_log\"" \
		$sb/signed.ko "$nokey_log"
	refused "the DKMS-signed module is refused while mok.pub is not enrolled" "$dkms_ko" "$nokey_log"
	# The reader, on the machine a user has then: DKMS's module where
	# DKMS installs it, modprobe refused.  It must say why, and how to
	# enrol DKMS's key.
	check_reader_sb() {
		mkdir -p "/lib/modules/$kver/updates/dkms"
		rm -f "/lib/modules/$kver/updates/rustwhere.ko"
		inst=/lib/modules/$kver/updates/dkms/rustwhere.${dkms_ko##*/dkms.}
		cp "$dkms_ko" "$inst" && $sb/bin/depmod -a || return 1
		if out=$($sb/bin/modprobe rustwhere 2>&1); then
			echo "modprobe succeeded"
			$rmmod rustwhere
			return 1
		fi
		echo "modprobe rustwhere: $out"
		echo "$out" | grep -q 'Key was rejected by service' || return 1
		out=$($top/userspace/rustwhere 2>&1)
		rc=$?
		echo "\$ rustwhere"
		echo "$out"
		echo "exit status $rc"
		[ "$rc" -eq 3 ] &&
			echo "$out" | grep -qF "the rustwhere module is installed ($inst) but not loaded" &&
			echo "$out" | grep -qF "Secure Boot is on: the load may be refused" &&
			echo "$out" | grep -qF "'sudo mokutil --import /var/lib/dkms/mok.pub'"
	}
	check "with DKMS's module installed and its load refused, rustwhere exits 3: Secure Boot is on, mokutil --import mok.pub" \
		check_reader_sb
	;;
sb-mok)
	readme mok
	loads "with MOK.der enrolled as a MOK, the make-sign module loads, /proc/rustwhere works, no E taint" \
		$sb/signed.ko "rustwhere module signing key"
	refused "a signed module with one byte of its body changed is refused (EKEYREJECTED)" $sb/tampered.ko
	refused "an unsigned module is still refused with a MOK enrolled" $sb/unsigned.ko "$unsigned_log"
	refused "the DKMS-signed module is refused: its key is not the enrolled MOK" "$dkms_ko" "$nokey_log"
	# The whole guest suite, its modules (normal and fault injection)
	# signed by make sign with the MOK's key, its own TAP indented.
	check_suite() {
		"$top/tests/guest/run.sh" -c "$cycles" -f "$top/fault/rustwhere.ko" "$top/module/rustwhere.ko" > /tmp/suite.tap 2>&1
		rc=$?
		grep -E '^(not ok|1\.\.|[0-9]+ passed)' /tmp/suite.tap
		[ "$rc" -eq 0 ] && grep -q '^1\.\.' /tmp/suite.tap && ! grep -q '^not ok' /tmp/suite.tap
	}
	TAP_TAIL=60 check "the full guest suite ($cycles cycles) passes with its modules signed by the MOK's key" check_suite
	sed 's/^/#   /' /tmp/suite.tap
	;;
sb-dkms)
	# Where dkms install puts it, for README's modinfo and modprobe.
	rm -f "/lib/modules/$kver/updates/rustwhere.ko"
	mkdir -p "/lib/modules/$kver/updates/dkms"
	cp "$dkms_ko" "/lib/modules/$kver/updates/dkms/rustwhere.${dkms_ko##*/dkms.}"
	$sb/bin/depmod -a
	readme dkms
	check "modprobe rustwhere finds and loads the DKMS module: /proc/rustwhere is there" \
		sh -c "$sb/bin/modprobe rustwhere && [ -r $proc/index ] && $rmmod rustwhere"
	loads "with DKMS's mok.pub enrolled, the module DKMS built and signed with mok.key loads, no E taint" \
		"$dkms_ko" "DKMS module signing key"
	refused "the make-sign module is refused: its key is not the enrolled MOK" $sb/signed.ko "$nokey_log"
	;;
*)
	bail "unknown mode $mode"
	;;
esac
echo "# uptime at the end: $(cut -d' ' -f1 /proc/uptime) s"
tap_end
