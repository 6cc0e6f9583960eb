#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Secure Boot for real: README's signing story proven in a VM that
# enforces it, through Debian's own boot chain, as TAP.
#
#   tests/secureboot/run.sh [ROW...]     (as root; "N passed, N failed")
#
# For each ROW (default: the amd64 generic row of trixie-security in
# tests/vm/matrix; SUITE/RELEASE or RELEASE, as tests/vm/kernels.sh):
#
# - the boot chain from the archive of the kernel's release: shim-signed
#   (shimx64.efi, signed by Microsoft), grub-efi-amd64-signed (grubx64.efi,
#   signed by Debian) and, from trixie, ovmf (OVMF_CODE_4M.secboot.fd,
#   OVMF_VARS_4M.ms.fd: Microsoft's keys enrolled, Secure Boot on); the
#   kernel is the row's own signed linux-image (tests/vm/kernels.sh);
# - the module built against the row (tests/vm/build.sh, normal and fault
#   injection); a key made with README's openssl command and both builds
#   signed with it by README's "make sign" (in the release's build root,
#   whose scripts/sign-file it is); a copy with one byte of its body
#   changed;
# - DKMS's route: dkms add and dkms build in the release's root, with
#   /var/lib/dkms a fresh directory of this run: DKMS makes mok.key and
#   mok.pub on its first build and signs the module with them;
# - three variable stores, made without MokManager's screens by
#   virt-fw-vars --add-mok (python3-virt-firmware, run in the trixie
#   root): Microsoft's keys alone, with MOK.der as a MOK, with DKMS's
#   mok.pub as a MOK;
# - one initramfs (tests/vm/guest.sh) with mokutil and kmod of the
#   release, the modules and README's commands, and three boots through
#   tests/vm/boot.sh with VM_EFI (shim, GRUB, kernel; q35, SMM, TCG), each
#   running tests/secureboot/guest.sh in a mode of its own: sb-nomok,
#   sb-mok (with the whole guest suite, SB_CYCLES insmod/rmmod
#   cycles, default 50: the matrix runs 300 on the same kernel),
#   sb-dkms.  The boots' rules are the matrix's: a start marker, an outer
#   timeout (VM_TIMEOUT, 900 s), one more boot for a guest that died
#   before it.
#
# SB_BREAK breaks one premise on purpose, to see the tests that rest on
# it fail: nomok (no MOK in any store), unsigned (the modules meant to
# load are left unsigned), intact (the "tampered" module is not changed),
# sboff (the store without keys: Secure Boot off).  A run with SB_BREAK
# set must fail.
#
# Environment: SB_KVERS (rows), SB_CYCLES, SB_BREAK, VM_TIMEOUT, O,
# RUSTWHERE_CACHE.  Outputs in $O/secureboot/RELEASE/ (the consoles in
# boot-MODE/console.log).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-$top/build}
sbo=$O/secureboot
timeout=${VM_TIMEOUT:-900}
cycles=${SB_CYCLES:-50}
brk=${SB_BREAK:-}
roots=$top/tests/vm/roots.sh
kernels=$top/tests/vm/kernels.sh
# shim's vendor GUID, the owner of the MOKs it enrols.
shim_guid=605dab50-e046-4300-abb6-3dd810dd8b23

# shellcheck disable=SC2034 # read by tap.sh's check
TAP_TAIL=30
. "$here/../tap.sh"
. "$here/../vm/apt.sh"
. "$here/../vm/guest.sh"
. "$here/../vm/boot.sh"
. "$here/../vm/build.sh"
echo "TAP version 13"
# This run's boots that died before their first test: the lines of
# $O/boots-retried after these.
retried_before=$(grep -c . "$O/boots-retried" 2> /dev/null || true)
: "${retried_before:=0}"

case $brk in
''|nomok|unsigned|intact|sboff) ;;
*) bail "SB_BREAK=$brk: not one of nomok, unsigned, intact, sboff" ;;
esac
[ -z "$brk" ] || echo "# SB_BREAK=$brk: a premise is broken on purpose; this run must fail"
[ "$(id -u)" -eq 0 ] || bail "tests/secureboot/run.sh needs root (the build roots, chroot, mounts)"
[ -x "$top/tests/guest/rwprobe" ] || bail "no tests/guest/rwprobe: run make first"
mkdir -p "$sbo" || bail "cannot create $sbo"
"$top/tests/deps.sh" build vm secureboot > "$sbo/deps.log" 2>&1 ||
	bail "missing Debian packages: $(tail -n 1 "$sbo/deps.log")"

[ $# -gt 0 ] && SB_KVERS=$*
if [ -z "${SB_KVERS:-}" ]; then
	SB_KVERS=$("$kernels" list | awk '$1 == "trixie-security" && $2 == "amd64" && $3 == "generic" && $4 != "-" { print $1 "/" $4 }')
	[ -n "$SB_KVERS" ] || bail "tests/vm/matrix has no amd64 generic row of trixie-security"
fi

# --- README's Secure Boot section -------------------------------------------

# readme_cmds: README's commands of the section, one a line, continuation
# lines joined, as "TAG<TAB>COMMAND<TAB>EXPECTED": TAG dkms or mok (the
# code block after "With DKMS" or "With make install"), EXPECTED the text
# of the comment after it when it says what the command prints ("..."
# and quotes dropped).
readme_cmds() {
	sed -n '/^### On Secure Boot machines/,/^## /p' "$top/README.md" | awk '
		/^\*\*With DKMS/ { tag = "dkms" }
		/^\*\*With make install/ { tag = "mok" }
		/^```/ { inblock = !inblock; next }
		!inblock { next }
		{
			line = cont $0; cont = ""
			if (line ~ /\\$/) { sub(/\\$/, "", line); cont = line; next }
			cmd = line; want = ""
			if (match(line, /  +# /)) { cmd = substr(line, 1, RSTART - 1); want = substr(line, RSTART + RLENGTH) }
			gsub(/ +/, " ", cmd)
			print tag "\t" cmd "\t" want
		}'
}
# What a comment says a command prints: README marks it with quotes, or
# gives it bare for modinfo -F (a signer's name).
readme_guest() {
	readme_cmds | awk -F '\t' '$2 ~ /^(sudo )?(mokutil --test-key|modinfo|modprobe) / {
		w = $3
		if ($2 ~ /^(sudo )?modprobe / || $2 ~ /\|/) w = ""
		gsub(/"/, "", w); sub(/^\.\.\. /, "", w)
		print $1 "\t" $2 "\t" w
	}'
}

check_readme_says() {
	sed -n '/^### On Secure Boot machines/,/^## /p' "$top/README.md" > "$sbo/readme-section.txt"
	grep -n 'make check-secureboot' "$sbo/readme-section.txt" || return 1
	readme_guest | tee "$sbo/readme.cmds"
	# The commands the VM runs are there: both test-key and modinfo.
	grep -q 'mokutil --test-key' "$sbo/readme.cmds" && grep -q '	modinfo ' "$sbo/readme.cmds"
}
check "README's Secure Boot section says it is proven by make check-secureboot and gives the commands the VM runs" \
	check_readme_says
readme_line() {
	readme_cmds | awk -F '\t' -v re="$1" '$2 ~ re { print $2; exit }'
}

# --- one row ------------------------------------------------------------------

# chain SUITE: shim and GRUB of SUITE and OVMF of trixie, unpacked under
# the cache; sets efi_dir.  Fetched again when the suite's lists are newer.
chain() {
	efi_dir=$cache/secureboot/$1
	if [ ! -f "$efi_dir/.complete" ] ||
		[ -n "$(find "$cache/apt/$1/stamp" "$cache/apt/trixie/stamp" -newer "$efi_dir/.complete" 2> /dev/null)" ]; then
		rm -rf "$efi_dir"
		mkdir -p "$efi_dir/debs" "$efi_dir/x"
		(cd "$efi_dir/debs" && apt_suite "$1" apt-get download -q shim-signed grub-efi-amd64-signed &&
			apt_suite trixie apt-get download -q ovmf) > "$efi_dir/download.log" 2>&1 ||
			{ echo "cannot download the boot chain: $(tail -n 3 "$efi_dir/download.log")"; return 1; }
		for deb in "$efi_dir"/debs/*.deb; do
			dpkg-deb -x "$deb" "$efi_dir/x" || return 1
		done
		for deb in "$efi_dir"/debs/*.deb; do
			echo "${deb##*/}"
		done > "$efi_dir/versions"
		rm -rf "$efi_dir/debs"
		touch "$efi_dir/.complete"
	fi
	efi_shim=$efi_dir/x/usr/lib/shim/shimx64.efi.signed
	efi_grub=$efi_dir/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
	efi_code=$efi_dir/x/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
	efi_ms=$efi_dir/x/usr/share/OVMF/OVMF_VARS_4M.ms.fd
	efi_nokeys=$efi_dir/x/usr/share/OVMF/OVMF_VARS_4M.fd
	for f in "$efi_shim" "$efi_grub" "$efi_code" "$efi_ms" "$efi_nokeys"; do
		[ -s "$f" ] || { echo "no $f in the packages"; return 1; }
	done
	echo "the boot chain: $(paste -sd' ' "$efi_dir/versions")"
}

# in_root DIR CMD...: CMD in the release's build root, in DIR.
in_root() {
	_ir_d=$1
	shift
	# shellcheck disable=SC2016 # the inner shell's own $1 and $@
	"$roots" run "$build_suite" sh -c 'cd "$1" && shift && exec "$@"' sh "$_ir_d" "$@"
}

row() {
	rel=${1#*/}
	kd=$("$kernels" fetch "$1" 2> "$sbo/fetch.log") || { not_ok "[$rel] fetch the kernel" "$(cat "$sbo/fetch.log")"; return; }
	# What the row file sets.
	build_suite='' arch='' release='' gcc='' root_pkgs='' kdir='' vmlinuz=''
	# shellcheck disable=SC1091 # written by kernels.sh fetch
	. "$kd/row"
	if [ -z "$release" ] || [ -z "$kdir" ]; then
		not_ok "[$rel] $kd/row: not a row of kernels.sh fetch"
		return
	fi
	d=$sbo/$release
	rm -rf "$d"
	mkdir -p "$d/sb/bin" "$d/keys"
	[ "$arch" = amd64 ] || { not_ok "[$rel] Secure Boot is tested on amd64 only, not $arch"; return; }
	tag="[$release]"

	# The root: the release's compiler (build_module), DKMS and its
	# openssl, mokutil and kmod for the guest, virt-fw-vars (trixie).
	# shellcheck disable=SC2086 # a list of package names
	"$roots" ensure "$build_suite" $root_pkgs dkms openssl mokutil kmod > /dev/null 2> "$d/root.log" ||
		{ not_ok "$tag the $build_suite build root" "$(tail -n 5 "$d/root.log")"; return; }
	broot=$cache/roots/$build_suite
	"$roots" ensure trixie python3-virt-firmware > /dev/null 2> "$d/root-trixie.log" ||
		{ not_ok "$tag the trixie root with python3-virt-firmware" "$(tail -n 5 "$d/root-trixie.log")"; return; }

	chain_ok() { chain "$build_suite"; }
	check "$tag Debian's boot chain from the archive: shim-signed, grub-efi-amd64-signed, ovmf (secboot code, Microsoft's keys)" chain_ok
	chain "$build_suite" > /dev/null || return

	check_vmlinuz() {
		echo "$vmlinuz"
		grep -c 'Debian Secure Boot Signer' "$vmlinuz"
	}
	check "$tag the kernel is Debian's signed vmlinuz (linux-image-$release)" check_vmlinuz

	ko=$(build_module "$kd" sb-normal) || { not_ok "$tag the module builds" "$ko"; return; }
	fko=$(build_module "$kd" sb-fault RUSTWHERE_FAULT_INJECT=y) || { not_ok "$tag the fault build" "$fko"; return; }
	ok "$tag the module builds with gcc-$gcc and W=1, normal and with fault injection"

	# README's key, made with its command.
	key_cmd=$(readme_line '^openssl req ')
	# shellcheck disable=SC2016 # the inner shell's own $1 and $2
	check "$tag README's openssl command makes MOK.priv and MOK.der" \
		sh -c 'cd "$1" && sh -c "$2" && openssl x509 -inform DER -in MOK.der -noout -subject' sh "$d/keys" "$key_cmd"

	# README's make sign, in the root (scripts/sign-file is the
	# release's), on copies of both builds.
	sign_cmd=$(readme_line '^make sign ')
	cp "$ko" "$d/sb/unsigned.ko"
	cp "$ko" "$d/sb/signed.ko"
	cp "$fko" "$d/fault-signed.ko"
	check_sign() {
		echo "README: $sign_cmd"
		case $sign_cmd in "make sign "*) ;; *) return 1 ;; esac
		for f in "$d/sb/signed.ko" "$d/fault-signed.ko"; do
			# shellcheck disable=SC2086 # README's words
			in_root "$d/keys" make -f "$top/Makefile" ${sign_cmd#make } KDIR="$kdir" SIGN_KO="$f" || return 1
		done
		# README's modinfo, where it names the module.
		mkdir -p "$d/readme/module" && cp "$d/sb/signed.ko" "$d/readme/module/rustwhere.ko" &&
			(cd "$d/readme" && sh -c "$(readme_line '^modinfo module/')") &&
			[ "$(modinfo -F signer "$d/sb/signed.ko")" = "rustwhere module signing key" ] &&
			[ "$(modinfo -F sig_hashalgo "$d/sb/signed.ko")" = sha256 ]
	}
	check "$tag README's make sign signs both builds: signer \"rustwhere module signing key\", sha256" check_sign

	# One byte of the body, halfway into the module, changed.
	check_tamper() {
		cp "$d/sb/signed.ko" "$d/sb/tampered.ko"
		size=$(stat -c %s "$d/sb/tampered.ko")
		at=$((size / 2))
		[ "$brk" = intact ] && return 0
		old=$(od -An -tu1 -j "$at" -N 1 "$d/sb/tampered.ko" | tr -d ' ')
		# shellcheck disable=SC2059 # an octal escape made here
		printf "\\$(printf %o $(((old + 1) % 256)))" |
			dd of="$d/sb/tampered.ko" bs=1 seek="$at" count=1 conv=notrunc 2> /dev/null
		cmp -l "$d/sb/signed.ko" "$d/sb/tampered.ko"
		[ "$(cmp -l "$d/sb/signed.ko" "$d/sb/tampered.ko" | wc -l)" -eq 1 ]
	}
	check "$tag tampered.ko: signed.ko with byte $(($(stat -c %s "$d/sb/signed.ko") / 2)) of its body changed${brk:+ (SB_BREAK=$brk)}" check_tamper

	# DKMS's route, with a fresh /var/lib/dkms of this run.
	dk=$d/dkms
	check_dkms() {
		mkdir -p "$dk/var" "$dk/lib/modules/$release" &&
			ln -s "$kdir" "$dk/lib/modules/$release/build" &&
			make -s -C "$top" dkms-src DESTDIR="$dk/src" || return 1
		version=$(cat "$top/VERSION")
		# A mount namespace of its own (roots.sh run): the bind mount
		# ends with the command.
		# shellcheck disable=SC2016 # the inner shell's own $1 to $4
		"$roots" run "$build_suite" sh -c 'mount --bind "$1/var" /var/lib/dkms || exit 1
			set -- --sourcetree "$1/src/usr/src" --installtree "$1/lib/modules" -k "$2" --kernelsourcedir "$3" "rustwhere/$4"
			dkms add "$@" && dkms build "$@"' sh "$dk" "$release" "$kdir" "$version" || return 1
		ls "$dk/var"
		if [ ! -s "$dk/var/mok.key" ] || [ ! -s "$dk/var/mok.pub" ]; then
			echo "DKMS made no mok.key and mok.pub"
			return 1
		fi
		m=$(find "$dk/var/rustwhere" -path "*/$release/*" -name 'rustwhere.ko*' | head -n 1)
		[ -n "$m" ] || { echo "no module in DKMS's tree"; return 1; }
		cp "$m" "$d/sb/dkms.${m##*/rustwhere.}"
		openssl x509 -inform DER -in "$dk/var/mok.pub" -noout -subject
		echo "module: $m"
	}
	check "$tag dkms add and build in a $build_suite root: DKMS makes /var/lib/dkms/mok.key and mok.pub and signs the module" \
		check_dkms

	# The stores: Microsoft's keys, and each MOK added to them.
	vars_ms=$efi_ms
	[ "$brk" = sboff ] && vars_ms=$efi_nokeys
	cp "$vars_ms" "$d/vars-nomok.fd"
	check_vars() {
		for v in mok:"$d/keys/MOK.der" dkms:"$dk/var/mok.pub"; do
			if [ -n "$brk" ] && [ "$brk" != unsigned ] && [ "$brk" != intact ]; then
				cp "$vars_ms" "$d/vars-${v%%:*}.fd"
				continue
			fi
			"$roots" run trixie virt-fw-vars -i "$vars_ms" -o "$d/vars-${v%%:*}.fd" \
				--add-mok "$shim_guid" "${v#*:}" || return 1
			"$roots" run trixie virt-fw-vars -i "$d/vars-${v%%:*}.fd" --print | grep MokList || return 1
		done
	}
	check "$tag virt-fw-vars --add-mok: a store with MOK.der, one with DKMS's mok.pub as the MOK (MokList)${brk:+ (SB_BREAK=$brk)}" check_vars

	# The initramfs: tests/vm/guest.sh's tree, the signed builds as the
	# guest suite's modules (unsigned ones with SB_BREAK=unsigned).
	lko=$d/sb/signed.ko lfko=$d/fault-signed.ko
	[ "$brk" = unsigned ] && lko=$ko lfko=$fko
	check_initramfs() {
		guest_programs amd64 || return 1
		ir=$d/initramfs
		initramfs_base "$ir" amd64 "$lko" "$lfko" || return 1
		[ "$brk" = unsigned ] && cp "$ko" "$d/sb/signed.ko"
		cp -r "$d/sb" "$ir/rustwhere/sb"
		cp "$d/keys/MOK.der" "$ir/rustwhere/sb/"
		efivarfs=$(find "$kd/root" -name 'efivarfs.ko*' | head -n 1)
		[ -n "$efivarfs" ] || { echo "no efivarfs module in linux-image-$release"; return 1; }
		cp "$efivarfs" "$ir/rustwhere/sb/efivarfs.ko.xz"
		install -D -m 0644 "$dk/var/mok.pub" "$ir/var/lib/dkms/mok.pub"
		cp "$sbo/readme.cmds" "$ir/rustwhere/sb/readme.cmds"
		install -D -m 0755 "$here/guest.sh" "$ir/rustwhere/tests/secureboot/guest.sh"
		copy_with_libs "$broot/usr/bin/mokutil" "$ir" /usr/bin/mokutil "$broot" || return 1
		copy_with_libs "$broot/usr/bin/kmod" "$ir" /rustwhere/sb/bin/kmod "$broot" || return 1
		for t in insmod rmmod modinfo modprobe depmod lsmod; do
			ln -s kmod "$ir/rustwhere/sb/bin/$t"
		done
		initramfs_pack "$ir" "$d/initramfs.gz" && ls -l "$d/initramfs.gz"
	}
	check "$tag the initramfs: the guest programs, mokutil and kmod of $build_suite, the modules, README's commands" \
		check_initramfs
	[ -s "$d/initramfs.gz" ] || return

	# The boots, two at a time: the longest (sb-mok, the whole suite)
	# beside the other two in turn.
	append="panic_on_warn=1 panic=-1 oops=panic quiet loglevel=4 rdinit=/init rwtest.cycles=$cycles"
	sb_boot() {
		VM_NAME="$release-$1" VM_EFI="$efi_code $d/vars-${1#sb-}.fd $efi_shim $efi_grub" \
			vm_boot "$d/boot-$1" amd64 "$vmlinuz" "$d/initramfs.gz" "$timeout" 1024 "$append rwtest.mode=$1"
	}
	sb_boot sb-mok &
	mok_pid=$!
	sb_boot sb-nomok
	sb_boot sb-dkms
	wait "$mok_pid"

	for m in sb-nomok sb-mok sb-dkms; do
		b=$d/boot-$m
		vm_judge "$b"
		[ -f "$b/retried" ] && echo "# $tag $m: the first boot died before its first test: $(cat "$b/retried")"
		res=$b/result.txt
		# The guest's TAP, renumbered into ours.
		while IFS= read -r l; do
			case $l in
			"ok "*) ok "$tag $m: $(echo "$l" | sed 's/^ok [0-9]* - //')" ;;
			"not ok "*) not_ok "$tag $m: $(echo "$l" | sed 's/^not ok [0-9]* - //')" ;;
			"#"*) echo "$l" ;;
			esac
		done < "$res"
		if [ -z "$vm_problem" ]; then
			ok "$tag $m: the boot through shim, GRUB and the signed kernel ran the guest to its end ($vm_secs s)"
		else
			not_ok "$tag $m: $vm_problem"
		fi
		verdict=$vm_verdict secs=$vm_secs
		# What the firmware, shim and GRUB took: the boot's time but the
		# kernel's uptime at the guest's end.
		up=$(sed -n 's/^# uptime at the end: \([0-9]*\).*/\1/p' "$res")
		echo "# $tag $m: $verdict in $secs s${up:+ (firmware, shim and GRUB: $((secs - up)) s; the kernel and the guest: $up s)}; console: $b/console.log"
	done
}

t0=$(date +%s)
for r in $SB_KVERS; do
	row "$r"
done
echo "# Secure Boot: $(echo "$SB_KVERS" | wc -w) kernel(s), $(($(date +%s) - t0)) s in all"
tail -n +$((retried_before + 1)) "$O/boots-retried" 2> /dev/null | vm_retried
tap_end
