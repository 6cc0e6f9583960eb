# SPDX-License-Identifier: GPL-2.0
#
# The Secure Boot mode of tests/vm/run.sh (the interface: tests/vm/modes.sh):
#
#   tests/vm/run.sh secureboot [ROW...]    (as root)
#
# Secure Boot for real: README's signing story proven in a VM that
# enforces it, through Debian's own boot chain, as TAP.
#
# For each ROW (default: the amd64 generic row of trixie-security in
# tests/vm/matrix; SUITE/RELEASE or RELEASE, as tests/vm/kernels.sh):
#
# - the boot chain from the archive of the kernel's release: shim-signed
#   (shimx64.efi, signed by Microsoft), grub-efi-amd64-signed (grubx64.efi,
#   signed by Debian) and, from trixie, ovmf (OVMF_CODE_4M.secboot.fd,
#   OVMF_VARS_4M.ms.fd: Microsoft's keys enrolled, Secure Boot on); the
#   kernel is the row's own signed linux-image (tests/vm/kernels.sh);
# - the driver's two builds of the module against the row; a key made
#   with README's openssl command and both builds signed with it by README's "make sign" (in the release's build root,
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
# Environment: SB_CYCLES, SB_BREAK.  Outputs in $O/secureboot/RELEASE/
# (the consoles in sb-MODE/console.log).
# shellcheck shell=sh
# shellcheck disable=SC2154 # the variables of the driver, tests/vm/run.sh
# shellcheck disable=SC2317 # the functions run by name, through check

brk=${SB_BREAK:-}
roots=$top/tests/vm/roots.sh
# shim's vendor GUID, the owner of the MOKs it enrols.
shim_guid=605dab50-e046-4300-abb6-3dd810dd8b23

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
readme_line() {
	readme_cmds | awk -F '\t' -v re="$1" '$2 ~ re { print $2; exit }'
}

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

# secureboot_plan: the keys, signatures, DKMS's build and the stores of
# the row, the initramfs, and the three boots.
secureboot_plan() {
	tag="[$release]"
	case $brk in
	''|nomok|unsigned|intact|sboff) ;;
	*) not_ok "SB_BREAK=$brk: not one of nomok, unsigned, intact, sboff"; return 0 ;;
	esac
	[ -z "$brk" ] || echo "# SB_BREAK=$brk: a premise is broken on purpose; this run must fail"
	[ "$arch" = amd64 ] || { not_ok "$tag Secure Boot is tested on amd64 only, not $arch"; return 0; }
	[ "$(id -u)" -eq 0 ] || { not_ok "$tag Secure Boot's tests need root (the build roots, chroot, mounts)"; return 0; }
	sbo=$d
	check "README's Secure Boot section says it is proven by make check-secureboot and gives the commands the VM runs" \
		check_readme_says
	rm -rf "$d/sb" "$d/keys" "$d/dkms"
	mkdir -p "$d/sb/bin" "$d/keys"
	# The root: the release's compiler, DKMS and its openssl, mokutil and
	# kmod for the guest; virt-fw-vars (trixie).
	# shellcheck disable=SC2086 # a list of package names
	"$roots" ensure "$build_suite" $root_pkgs dkms openssl mokutil kmod > /dev/null 2> "$d/root.log" ||
		{ not_ok "$tag the $build_suite build root" "$(tail -n 5 "$d/root.log")"; return 0; }
	broot=$cache/roots/$build_suite
	"$roots" ensure trixie python3-virt-firmware > /dev/null 2> "$d/root-trixie.log" ||
		{ not_ok "$tag the trixie root with python3-virt-firmware" "$(tail -n 5 "$d/root-trixie.log")"; return 0; }

	chain_ok() { chain "$build_suite"; }
	check "$tag Debian's boot chain from the archive: shim-signed, grub-efi-amd64-signed, ovmf (secboot code, Microsoft's keys)" chain_ok
	chain "$build_suite" > /dev/null || return 0

	check_vmlinuz() {
		echo "$vmlinuz"
		grep -c 'Debian Secure Boot Signer' "$vmlinuz"
	}
	check "$tag the kernel is Debian's signed vmlinuz (linux-image-$release)" check_vmlinuz


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

	# The initramfs: the driver's tree, the signed builds as the guest
	# suite's modules (unsigned ones with SB_BREAK=unsigned).
	lko=$d/sb/signed.ko lfko=$d/fault-signed.ko
	[ "$brk" = unsigned ] && lko=$ko lfko=$fko
	check_initramfs() {
		for f in "$root/rustwhere/module/rustwhere.ko" "$root"/lib/modules/*/updates/rustwhere.ko; do
			cp "$lko" "$f" || return 1
		done
		cp "$lfko" "$root/rustwhere/fault/rustwhere.ko" || return 1
		[ "$brk" = unsigned ] && cp "$ko" "$d/sb/signed.ko"
		cp -r "$d/sb" "$root/rustwhere/sb"
		cp "$d/keys/MOK.der" "$root/rustwhere/sb/"
		efivarfs=$(find "$kd/root" -name 'efivarfs.ko*' | head -n 1)
		[ -n "$efivarfs" ] || { echo "no efivarfs module in linux-image-$release"; return 1; }
		cp "$efivarfs" "$root/rustwhere/sb/efivarfs.ko.xz"
		install -D -m 0644 "$dk/var/mok.pub" "$root/var/lib/dkms/mok.pub"
		cp "$sbo/readme.cmds" "$root/rustwhere/sb/readme.cmds"
		install -D -m 0755 "$top/tests/secureboot/guest.sh" "$root/rustwhere/tests/secureboot/guest.sh"
		copy_with_libs "$broot/usr/bin/mokutil" "$root" /usr/bin/mokutil "$broot" || return 1
		copy_with_libs "$broot/usr/bin/kmod" "$root" /rustwhere/sb/bin/kmod "$broot" || return 1
		for t in insmod rmmod modinfo modprobe depmod lsmod; do
			ln -s kmod "$root/rustwhere/sb/bin/$t"
		done
	}
	f0=$failed
	check "$tag the initramfs: the guest programs, mokutil and kmod of $build_suite, the modules, README's commands" \
		check_initramfs
	[ "$failed" -eq "$f0" ] || return 0
	# The longest (sb-mok, the whole suite) first.
	for m in mok nomok dkms; do
		job_efi=$efi_code:$d/vars-$m.fd:$efi_shim:$efi_grub job "sb-$m" "$initrd" "$timeout" 1024 \
			"$(append "sb-$m" "${SB_CYCLES:-50}")"
	done
}

mode_secureboot() {
	case $1 in
	rows) extra_rows ;;
	plan) secureboot_plan ;;
	judge)
		judge_boot "$3" "$release $2"
		res=$3/result.txt
		verdict=$vm_verdict secs=$vm_secs
		# What the firmware, shim and GRUB took: the boot's time but the
		# kernel's uptime at the guest's end.
		up=$(sed -n 's/^# uptime at the end: \([0-9]*\).*/\1/p' "$res")
		echo "# [$release] $2: $verdict in $secs s${up:+ (firmware, shim and GRUB: $((secs - up)) s; the kernel and the guest: $up s)}; console: $3/console.log"
		;;
	end) ;;
	esac
}
