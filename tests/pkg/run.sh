#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # the check_* functions run by name, through check
#
# The ways users install rustwhere, proven end to end, as TAP:
#
#   tests/pkg/run.sh            (as root; ends with "N passed, N failed")
#   tests/pkg/run.sh --bases    only make the cached base roots (tests/warm.sh)
#
# - one version: debian/changelog carries the one in VERSION, dkms.conf
#   none of its own (make dkms-src and the package fill it in), the man
#   pages make install puts carry it;
# - make install / make uninstall with DESTDIR, for each kernel of the
#   test matrix: the files, depmod and modprobe's view of the module, and
#   nothing left after uninstall;
# - DKMS, in throwaway trees (--sourcetree, --dkmstree, --installtree):
#   dkms add, and dkms build / dkms install for each kernel, with the
#   unpacked headers as --kernelsourcedir; then dkms remove;
# - make sign with a key made for the test: modinfo's signature fields,
#   and the signature checked with openssl against the certificate;
# - the DKMS-built modules, the signed ones and those each release's DKMS
#   built after the upgrade (below), as rows of the VM harness
#   (tests/vm/run.sh check K@DIR,
#   CYCLES=20): the guest tests, modprobe/modprobe -r of the installed
#   module among them;
# - make deb, in a root of the oldest release (so that the packages install
#   on every newer one): the two packages, lintian without error or warning;
# - on each Debian release (bookworm, trixie, sid), in a throwaway root of
#   it (mmdebstrap from the archive, the base tarball cached): apt-get
#   install of both packages with the headers of that release's kernel of
#   the test matrix, where that release's DKMS builds and signs the module,
#   the reader runs; the DKMS-built module then passes the guest tests in
#   that kernel, in the VM; the headers of kernels it cannot be built for
#   (fake-headers.sh) install cleanly beside it (unsupported, below);
# - then, in the same root, the years that follow (lifecycle, below): a
#   second kernel, whose hooks build the module; an upgrade to the packages
#   of the tree one version later (VERSION+rwtest1, make deb of a copy),
#   built for both kernels, the old version gone; the second kernel's
#   headers removed (rustwhere-dkms names them), then the kernel; a purge
#   that leaves nothing; an install with no headers at all (it says which
#   to install), then the headers, whose hook builds it; a purge again.
#   The module DKMS built after the upgrade boots in the VM, as a row of
#   the upgraded tree's own driver.
#
# Environment: KVERS (kernels, as tests/vm/kernels.sh), RUSTWHERE_CACHE,
# PKG_O (outputs and logs, default build/pkg), CYCLES (default 20),
# PKG_RELEASES (the releases of the roots, default "bookworm trixie sid").
# Nothing is installed on the host but the Debian packages of
# "tests/deps.sh build vm pkg"; /usr/src, /var/lib/dkms and /lib/modules
# of the host are not touched.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# The cache, and apt_suite for the packages of other suites.
. "$top/tests/vm/apt.sh"
PKG_O=${PKG_O:-$top/build/pkg}
cycles=${CYCLES:-20}
logs=$PKG_O/logs

TAP_LOG_DIR=$logs TAP_TAIL=25
. "$here/../tap.sh"
finish() {
	tap_end
	exit
}
bail() {
	echo "Bail out! $*"
	not_ok "$*"
	finish
}

[ "$(id -u)" -eq 0 ] || bail "tests/pkg/run.sh needs root (dkms, chroot, mounts)"
rm -rf "$logs"
mkdir -p "$logs" "$cache/pkg" || bail "cannot create $logs"
"$top/tests/deps.sh" build vm pkg > "$logs/deps.log" 2>&1 ||
	bail "missing Debian packages: $(tail -n 1 "$logs/deps.log")"

work=$(mktemp -d /tmp/rustwhere-pkg.XXXXXX) || bail "mktemp failed"
base_pid=
# kill_tree PID: PID and all its descendants (the bases' job runs one
# subshell per release, each with its mmdebstrap).
kill_tree() {
	for _kt_c in $(pgrep -P "$1"); do
		kill_tree "$_kt_c"
	done
	kill "$1" 2> /dev/null
}
cleanup() {
	[ -z "$base_pid" ] || kill_tree "$base_pid"
	# The chroot's mounts live in their own namespaces and end with
	# them; never remove a tree that still has something mounted.
	if grep -q " $work/" /proc/self/mounts; then
		echo "# $work still has mounts; left in place" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

version=$(cat "$top/VERSION")
# The matrix as the archive serves it today.
list=$("$top/tests/vm/kernels.sh" list) || bail "tests/vm/kernels.sh list failed"
hdr() {
	sed -n 's/^kdir=//p' "$("$top/tests/vm/kernels.sh" fetch "$1")/row"
}

# The Debian releases the packages are installed on, each with its amd64
# kernel of the matrix (its own suite's, or its security suite's): "bookworm
# bookworm 6.1.0-50-amd64" (release, kernel's suite, kernel).
releases=${PKG_RELEASES:-bookworm trixie sid}
deb_suite=bookworm
rel_rows=
for r in $releases; do
	row=$(echo "$list" | awk -v r="$r" '($1 == r || $1 == r "-security") && $2 == "amd64" &&
		$3 == "generic" && $4 != "-" { print r, $1, $4; exit }')
	if [ -n "$row" ]; then
		rel_rows="$rel_rows$row
"
	else
		echo "# $r: no amd64 kernel of it in the matrix; not available"
	fi
done

# --- the throwaway Debian roots, built in the background --------------------

# second KERNEL: the second kernel of the lifecycle, KERNEL's cloud flavour
# of the same ABI (every release has one).
second() {
	echo "${1%-amd64}-cloud-amd64"
}
# base_tar RELEASE KERNEL: the cached tarball of a root of RELEASE with DKMS,
# openssl (DKMS signs with it) and the headers of KERNEL, and the packages
# of the lifecycle's steps in its apt cache (base-hook.sh, whose contents
# are part of the key).
base_tar() {
	printf '%s/pkg/base-%s-%s.tar.zst' "$cache" "$1" \
		"$({ printf '%s %s\n' "$1" "$2"; cat "$here/base-hook.sh"; } | md5sum | cut -c 1-8)"
}
make_base() { # RELEASE KERNEL_SUITE KERNEL
	t=$(base_tar "$1" "$3")
	# One at a time per release (tests/warm.sh makes them ahead).
	exec 8> "$cache/pkg/base-$1.lock"
	flock 8
	[ -s "$t" ] && [ -z "$(find "$t" -mtime +6)" ] && return 0
	rm -f "$cache/pkg/base-$1-"*.tar.zst
	src="deb $(apt_mirror "$1") $1 main"
	[ "$2" = "$1" ] || src="$src
deb $(apt_mirror "$2") $2 main"
	# A mirror that is mid-sync fails one try, not three.  Recommends
	# stay off in the root, as for mmdebstrap's own apt, so that the
	# steps install what the hook downloaded.
	for try in 1 2 3; do
		echo "# mmdebstrap $1, try $try"
		mmdebstrap --variant=apt --include="dkms,openssl,linux-headers-$3" \
			--aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Languages "none"' \
			--aptopt='APT::Install-Recommends "false"' \
			--customize-hook="sh $here/base-hook.sh \"\$1\" $3 $(second "$3")" \
			--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
			"$1" "$t.tmp.tar.zst" "$src" && mv "$t.tmp.tar.zst" "$t" && return 0
		rm -f "$t.tmp.tar.zst"
	done > "$logs/mmdebstrap-$1.log" 2>&1
	return 1
}
# each_release FUNC: FUNC RELEASE KERNEL_SUITE KERNEL for each row of
# $rel_rows, all side by side (each mostly waits on the archive, dpkg or
# one make), with /dev/null as standard input (apt-get and dkms read
# theirs); false when one of them was.
each_release() {
	_er_pids=
	while read -r _er_r _er_ks _er_k <&3; do
		[ -n "$_er_r" ] || continue
		"$1" "$_er_r" "$_er_ks" "$_er_k" < /dev/null &
		_er_pids="$_er_pids $!"
	done 3<< EOF
$rel_rows
EOF
	_er_rc=0
	for _er_p in $_er_pids; do
		wait "$_er_p" || _er_rc=1
	done
	return "$_er_rc"
}
# make_bases: the base of every release; false when one could not be made.
make_bases() {
	each_release make_base
}
if [ "${1:-}" = --bases ]; then
	make_bases
	exit
fi
make_bases &
base_pid=$!

# The amd64 kernels whose compiler this host has (gcc-12 on Debian 12,
# gcc-14 on Debian 13), which make install and the host's DKMS build for.
kvers=
for k in $(echo "$list" | awk '$2 == "amd64" && $3 == "generic" && $4 != "-" { print $1 "/" $4 }'); do
	kd=$("$top/tests/vm/kernels.sh" fetch "$k" 2> "$logs/fetch-${k#*/}.log") ||
		bail "cannot fetch kernel $k: $(tail -n 1 "$logs/fetch-${k#*/}.log")"
	command -v "gcc-$(sed -n 's/^gcc=//p' "$kd/row")" > /dev/null && kvers="$kvers ${k#*/}"
done
kvers=$(echo "$kvers" | tr ' ' '\n' | sed '/^$/d')
[ -n "$kvers" ] || bail "no amd64 kernel of the matrix is built by this host's compilers"
k1=$(echo "$kvers" | head -n 1)

# --- one version ------------------------------------------------------------

check_dkms_version() {
	v=$(sed -n 's/^PACKAGE_VERSION="\?\([^"]*\)"\?$/\1/p' "$top/dkms.conf")
	echo "dkms.conf: $v"
	[ "$v" = "#MODULE_VERSION#" ]
}
check "dkms.conf carries no version of its own (PACKAGE_VERSION=\"#MODULE_VERSION#\", filled in where installed)" \
	check_dkms_version

check_changelog_version() {
	v=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version) || return 1
	echo "debian/changelog: $v, VERSION: $version"
	# A native package: the version, or the version with a Debian revision.
	[ "$v" = "$version" ] || [ "${v%-*}" = "$version" ]
}
check "debian/changelog's top version is VERSION" check_changelog_version

# --- a copy of the tree ------------------------------------------------------

make -s -C "$top" export-tree EXPORT_DIR="$work/src" > "$logs/export.log" 2>&1 ||
	bail "cannot copy the tree: $(tail -n 1 "$logs/export.log")"

# --- make install / make uninstall -------------------------------------------

for k in $kvers; do
	src=$work/src-$k
	dest=$work/dest-$k
	cp -a "$work/src" "$src"
	check "[$k] make install KDIR=... DESTDIR=... PREFIX=/usr" \
		make -C "$src" install KDIR="$(hdr "$k")" DESTDIR="$dest" PREFIX=/usr

	check_install_files() {
		got=$(cd "$dest" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
		want=$(printf '%s\n' "lib/modules/$k/updates/module/rustwhere.ko" \
			"usr/lib/depmod.d/rustwhere-$k.conf" \
			usr/bin/rustwhere usr/share/bash-completion/completions/rustwhere \
			usr/share/zsh/vendor-completions/_rustwhere \
			usr/share/fish/vendor_completions.d/rustwhere.fish \
			usr/share/man/man1/rustwhere.1 usr/share/man/man5/proc_rustwhere.5 | LC_ALL=C sort)
		echo "installed:"
		echo "$got"
		# The kernel may compress modules (6.12: .ko.xz).
		[ "$(echo "$got" | sed 's/\.ko\.[a-z]*$/.ko/')" = "$want" ]
	}
	check "[$k] make install puts the module under updates/, the reader, both man pages and the completions" \
		check_install_files

	check_install_modprobe() {
		ko=$(find "$dest/lib/modules/$k" -name 'rustwhere.ko*') || return 1
		modinfo "$ko" | grep -E '^(version|vermagic):'
		modinfo -F version "$ko" | grep -qx "$version" || return 1
		modinfo -F vermagic "$ko" | grep -q "^$k " || return 1
		depmod -b "$dest" "$k" || return 1
		out=$(modprobe -d "$dest" -S "$k" --show-depends rustwhere) || return 1
		echo "$out"
		echo "$out" | grep -q "^insmod $dest/lib/modules/$k/updates/module/rustwhere.ko"
	}
	check "[$k] the installed module is version $version for $k, and modprobe finds it after depmod" \
		check_install_modprobe

	# DKMS's copy beside it (the same module, in updates/dkms), then make
	# install again: it says that DKMS has one, and depmod with make
	# install's depmod.d picks make install's, as modinfo -n shows, even
	# where a configuration searches updates/dkms first (without make
	# install's file, DKMS's copy wins there).
	check_two_copies() {
		ko=$(find "$dest/lib/modules/$k/updates/module" -name 'rustwhere.ko*') &&
			mkdir -p "$dest/lib/modules/$k/updates/dkms" &&
			cp "$ko" "$dest/lib/modules/$k/updates/dkms/" || return 1
		out=$(make -C "$src" install KDIR="$(hdr "$k")" DESTDIR="$dest" PREFIX=/usr 2>&1) ||
			{ echo "$out"; return 1; }
		echo "$out" | grep "^rustwhere: DKMS has its own copy for $k" || return 1
		echo "search updates/dkms updates built-in" > "$work/dkms-first.conf"
		depmod -b "$dest" -C "$work/dkms-first.conf" -C "$dest/usr/lib/depmod.d" "$k" || return 1
		picked=$(modinfo -b "$dest" -k "$k" -n rustwhere) || return 1
		echo "modinfo -n rustwhere: $picked"
		case $picked in "$dest/lib/modules/$k/updates/module/rustwhere.ko"*) ;; *) return 1 ;; esac
	}
	check "[$k] with DKMS's copy in updates/dkms, make install says so, and its copy is the one modprobe loads (modinfo -n)" \
		check_two_copies

	check_install_version() {
		out=$("$dest/usr/bin/rustwhere" --version) || return 1
		echo "$out"
		# A second line, "module X", where a rustwhere module is loaded.
		[ "$(echo "$out" | head -n 1)" = "rustwhere $version" ]
	}
	check "[$k] the installed rustwhere --version prints \"rustwhere $version\"" check_install_version

	check_install_man() {
		for m in man1/rustwhere.1 man5/proc_rustwhere.5; do
			grep '^\.TH' "$dest/usr/share/man/$m" || return 1
			grep -q "^\.TH .*\"rustwhere $version\"" "$dest/usr/share/man/$m" || return 1
		done
	}
	check "[$k] the installed rustwhere(1) and proc_rustwhere(5) name rustwhere $version in .TH" check_install_man

	check_uninstall() {
		make -C "$src" uninstall KDIR="$(hdr "$k")" DESTDIR="$dest" PREFIX=/usr || return 1
		rm -f "$dest/lib/modules/$k"/modules.* # depmod's, from the checks above
		left=$(cd "$dest" && find . -type f | sed 's|^\./||')
		echo "left: $left"
		[ "$(echo "$left" | sed 's/\.ko\.[a-z]*$/.ko/')" = "lib/modules/$k/updates/dkms/rustwhere.ko" ]
	}
	check "[$k] make uninstall removes every file make install put, and not DKMS's copy" check_uninstall
done

# --- DKMS ------------------------------------------------------------------

# dkms with its three trees in $work: the host's stay as they are.  dkms
# install runs no depmod (it would be the host's, for these kernels); the
# check runs depmod -b on the throwaway tree instead.
droot=$work/dkms
mkdir -p "$droot/var/lib/dkms" "$droot/lib/modules"
# dkms takes the action first.
dkms_t() {
	action=$1
	shift
	dkms "$action" --sourcetree "$droot/usr/src" --dkmstree "$droot/var/lib/dkms" \
		--installtree "$droot/lib/modules" "$@"
}

check_dkms_src() {
	make -C "$work/src" dkms-src DESTDIR="$droot" || return 1
	d=$droot/usr/src/rustwhere-$version
	(cd "$d" && find . -type f | LC_ALL=C sort)
	for f in dkms.conf dkms-post-install.sh kbuild-tools.sh Kbuild VERSION module/Kbuild module/main.c \
		module/content.c module/content/index; do
		[ -f "$d/$f" ] || { echo "missing: $f"; return 1; }
	done
	grep -x "PACKAGE_VERSION=\"$version\"" "$d/dkms.conf" || { echo "dkms.conf: not version $version"; return 1; }
	for f in $(sed -n 's/^\([^:]*\): .*/\1/p' "$top/module/content/index") about; do
		cmp "$d/module/content/$f" "$top/module/content/$f" || return 1
	done
	built=$(find "$d" -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*')
	[ -z "$built" ] || { echo "built files in the source tree: $built"; return 1; }
}
check "make dkms-src lays out the DKMS source tree (dkms.conf of version $version, Kbuild, VERSION, module/ with content/)" \
	check_dkms_src

check_dkms_add() {
	dkms_t add "rustwhere/$version" || return 1
	dkms_t status rustwhere | grep "^rustwhere/$version: added"
}
check "dkms add rustwhere/$version" check_dkms_add

mkdir -p "$work/ko/dkms" "$work/ko/signed"
for k in $kvers; do
	check "[$k] dkms build -k $k --kernelsourcedir <unpacked headers>" \
		dkms_t build "rustwhere/$version" -k "$k" --kernelsourcedir "$(hdr "$k")"

	check_dkms_install() {
		mkdir -p "$droot/lib/modules/$k"
		dkms_t install --no-depmod "rustwhere/$version" -k "$k" \
			--kernelsourcedir "$(hdr "$k")" || return 1
		ko=$droot/lib/modules/$k/updates/dkms/rustwhere.ko
		[ -f "$ko" ] || { echo "no $ko"; return 1; }
		modinfo -F version "$ko" | grep -qx "$version" || return 1
		modinfo -F vermagic "$ko" | grep -q "^$k " || return 1
		depmod -b "$droot" "$k" || return 1
		out=$(modprobe -d "$droot" -S "$k" --show-depends rustwhere) || return 1
		echo "$out"
		echo "$out" | grep -q "^insmod $ko" || return 1
		mkdir -p "$work/ko/dkms/$k" && cp "$ko" "$work/ko/dkms/$k/rustwhere.ko"
	}
	check "[$k] dkms install: updates/dkms/rustwhere.ko, version $version, vermagic $k, found by modprobe" \
		check_dkms_install
done

check_dkms_status() {
	st=$(dkms_t status rustwhere) || return 1
	echo "$st"
	for k in $kvers; do
		echo "$st" | grep -qx "rustwhere/$version, $k, x86_64: installed" || return 1
	done
}
check "dkms status: rustwhere/$version installed for $(echo "$kvers" | paste -sd " " -)" check_dkms_status

# A copy of make install's (updates/module) in the install tree, then dkms
# install again: dkms.conf's POST_INSTALL says that copy is the one
# modprobe loads.  (DKMS 3.0 then keeps that copy of the same version and
# installs none of its own: dkms install --force puts DKMS's back.)
check_dkms_two_copies() {
	t=$droot/lib/modules/$k1
	mkdir -p "$t/updates/module" && cp "$t/updates/dkms/rustwhere.ko" "$t/updates/module/" || return 1
	dkms_t uninstall --no-depmod "rustwhere/$version" -k "$k1" || return 1
	out=$(dkms_t install --no-depmod "rustwhere/$version" -k "$k1" --kernelsourcedir "$(hdr "$k1")" 2>&1)
	rc=$?
	rm -r "$t/updates/module"
	echo "$out"
	[ "$rc" -eq 0 ] &&
		echo "$out" | grep -q "^rustwhere: make install's copy, $t/updates/module/rustwhere.ko, is there too" &&
		dkms_t install --force --no-depmod "rustwhere/$version" -k "$k1" \
			--kernelsourcedir "$(hdr "$k1")" > /dev/null &&
		[ -f "$t/updates/dkms/rustwhere.ko" ]
}
check "[$k1] dkms install, with make install's copy there too, says that copy is the one modprobe loads" \
	check_dkms_two_copies

# The Makefile's own way, for the kernel whose headers are furthest from
# /usr/src: make dkms-install (dkms-src, dkms add, dkms install), then
# make dkms-remove, in a second throwaway tree.
kl=$(echo "$kvers" | tail -n 1)
d2=$work/dkms2
d2flags="--sourcetree $d2/usr/src --dkmstree $d2/var/lib/dkms --installtree $d2/lib/modules --no-depmod"
mkdir -p "$d2/var/lib/dkms" "$d2/lib/modules/$kl"
check_make_dkms() {
	make -C "$work/src" dkms-install KDIR="$(hdr "$kl")" DESTDIR="$d2" DKMS_FLAGS="$d2flags" || return 1
	# shellcheck disable=SC2086 # the DKMS options, as words
	dkms status $d2flags rustwhere | grep -x "rustwhere/$version, $kl, x86_64: installed" || return 1
	[ -f "$d2/lib/modules/$kl/updates/dkms/rustwhere.ko" ] || return 1
	make -C "$work/src" dkms-remove DESTDIR="$d2" DKMS_FLAGS="$d2flags" || return 1
	left=$(find "$d2" -name 'rustwhere*')
	echo "left: $left"
	[ -z "$left" ]
}
check "[$kl] make dkms-install KDIR=... installs the module through DKMS; make dkms-remove takes it all away" \
	check_make_dkms

# --- make sign ---------------------------------------------------------------

keydir=$work/key
mkdir -p "$keydir"
signer="rustwhere test key $$"
if ! openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$signer/" \
	-addext extendedKeyUsage=codeSigning -keyout "$keydir/key.pem" \
	-outform DER -out "$keydir/cert.der" > "$logs/openssl.log" 2>&1 ||
	! openssl x509 -inform DER -in "$keydir/cert.der" -out "$keydir/cert.pem"; then
	bail "openssl could not make a test key"
fi
serial=$(openssl x509 -in "$keydir/cert.pem" -noout -serial | sed 's/^serial=//')

# verify_sig KO CERT: the signature appended to KO is valid for KO's
# contents and CERT's key.  The tail is the PKCS#7 signature, struct
# module_signature (12 bytes, sig_len big-endian at its end) and the
# 28-byte magic string.
verify_sig() {
	size=$(stat -c %s "$1")
	tail -c 28 "$1" | grep -q '~Module signature appended~' || { echo "$1: no signature"; return 1; }
	# shellcheck disable=SC2046 # od prints the four bytes as four words
	set -- "$1" "$2" $(od -An -tu1 -j $((size - 32)) -N 4 "$1")
	siglen=$(($3 * 16777216 + $4 * 65536 + $5 * 256 + $6))
	head -c $((size - 40 - siglen)) "$1" > "$work/payload"
	tail -c $((siglen + 40)) "$1" | head -c "$siglen" > "$work/sig.p7"
	openssl cms -verify -binary -inform DER -in "$work/sig.p7" -content "$work/payload" \
		-certfile "$2" -noverify -out /dev/null
}

# shellcheck disable=SC2016 # the inner shell's arguments
check "make sign without SIGN_KEY and SIGN_CERT fails and says how" \
	sh -c '! make -C "$1" sign 2> "$2/err" && grep "usage: make sign SIGN_KEY=" "$2/err"' sh "$work/src" "$work"

for k in $kvers; do
	ko=$work/ko/signed/$k/rustwhere.ko
	mkdir -p "$(dirname "$ko")"
	cp "$work/ko/dkms/$k/rustwhere.ko" "$ko" 2> /dev/null
	check "[$k] make sign SIGN_KEY=key.pem SIGN_CERT=cert.der SIGN_KO=<the DKMS-built module>" \
		make -C "$work/src" sign KDIR="$(hdr "$k")" SIGN_KEY="$keydir/key.pem" \
		SIGN_CERT="$keydir/cert.der" SIGN_KO="$ko"

	check_modinfo_sig() {
		modinfo "$ko" | grep -E '^(sig_id|signer|sig_key|sig_hashalgo|signature):'
		[ "$(modinfo -F signer "$ko")" = "$signer" ] &&
			[ "$(modinfo -F sig_hashalgo "$ko")" = sha256 ] &&
			[ "$(modinfo -F sig_key "$ko" | tr -d ':')" = "$serial" ] &&
			[ -n "$(modinfo -F signature "$ko")" ] &&
			[ -z "$(modinfo -F signer "$work/ko/dkms/$k/rustwhere.ko")" ]
	}
	check "[$k] modinfo: signer \"$signer\", sig_key the certificate's serial, sig_hashalgo sha256, a signature" \
		check_modinfo_sig

	check_sig_valid() {
		verify_sig "$ko" "$keydir/cert.pem" || return 1
		# ... and a module changed after signing does not verify.
		cp "$ko" "$work/tampered.ko"
		printf 'X' | dd of="$work/tampered.ko" bs=1 seek=100 conv=notrunc 2> /dev/null
		! verify_sig "$work/tampered.ko" "$keydir/cert.pem"
	}
	check "[$k] openssl verifies the signature against the certificate (and rejects a changed module)" \
		check_sig_valid

	# shellcheck disable=SC2016 # the inner shell's arguments
	check "[$k] make sign refuses a module that is signed already" \
		sh -c '! make -C "$1" sign KDIR="$2" SIGN_KEY="$3/key.pem" SIGN_CERT="$3/cert.der" SIGN_KO="$4"' \
		sh "$work/src" "$(hdr "$k")" "$keydir" "$ko"
done

# A signed module installed with make install keeps its signature.
check_sign_install() {
	src=$work/src-$k1
	make -C "$src" sign KDIR="$(hdr "$k1")" SIGN_KEY="$keydir/key.pem" \
		SIGN_CERT="$keydir/cert.der" || return 1
	make -C "$src" install KDIR="$(hdr "$k1")" DESTDIR="$work/dest-signed" PREFIX=/usr || return 1
	ko=$work/dest-signed/lib/modules/$k1/updates/module/rustwhere.ko
	[ "$(modinfo -F signer "$ko")" = "$signer" ] && verify_sig "$ko" "$keydir/cert.pem"
}
[ -z "$k1" ] || check "[$k1] make && make sign && make install: the installed module keeps the signature" \
	check_sign_install

# --- the DKMS trees are left empty ------------------------------------------

check_dkms_remove() {
	dkms_t remove --no-depmod "rustwhere/$version" --all || return 1
	left=$(find "$droot/var/lib/dkms" "$droot/lib/modules" -name 'rustwhere*')
	echo "left: $left"
	[ -z "$left" ] && [ -z "$(dkms_t status rustwhere)" ]
}
check "dkms remove --all: no module and no rustwhere in the DKMS tree" check_dkms_remove

# --- the Debian packages -----------------------------------------------------

# Built in a root of the oldest release, whatever the host runs: the reader
# links against that release's libraries, so the package installs on it
# and on every newer one.
deb_o=$PKG_O/deb
deb_dkms=$deb_o/rustwhere-dkms_${version}_all.deb
deb_bin=$deb_o/rustwhere_${version}_amd64.deb
changes=$deb_o/rustwhere_${version}_amd64.changes
rm -rf "$deb_o"
mkdir -p "$deb_o" || bail "cannot create $deb_o"
cp -a "$work/src" "$deb_o/src" || bail "cannot copy the tree to $deb_o"
in_deb_root() {
	O=$PKG_O "$top/tests/vm/roots.sh" run "$deb_suite" "$@"
}
check "a $deb_suite build root with debhelper, dh-dkms, lintian and libsmartcols-dev" \
	env O="$PKG_O" "$top/tests/vm/roots.sh" ensure "$deb_suite" build-essential debhelper dh-dkms lintian \
	libsmartcols-dev pkg-config gcc
check "make deb builds the packages (in the $deb_suite root)" \
	in_deb_root make -C "$deb_o/src" deb PKG_O="$deb_o"

check_deb_files() {
	ls "$deb_o"/*.deb
	[ -f "$deb_dkms" ] && [ -f "$deb_bin" ] &&
		[ "$(find "$deb_o" -maxdepth 1 -name "*_${version}_*.deb" | wc -l)" -eq 2 ]
}
check "make deb gives rustwhere-dkms (all) and rustwhere, and no other package" check_deb_files

# Standards-Version is trixie's current one (4.7.2); bookworm's lintian
# knows policy up to 4.6.2 only, and calls a newer one a warning.
check_lintian() {
	in_deb_root lintian --allow-root --fail-on error,warning --show-overrides \
		--suppress-tags newer-standards-version "$changes"
}
check "lintian ($deb_suite): no error, no warning (source and both packages)" check_lintian

check_deb_contents() {
	dc=$(dpkg-deb -c "$deb_dkms" | awk '{print $6}') || return 1
	bc=$(dpkg-deb -c "$deb_bin" | awk '{print $6}') || return 1
	echo "$dc"
	echo "$bc"
	for f in dkms.conf Kbuild VERSION module/Kbuild module/main.c module/content/index; do
		echo "$dc" | grep -qx "./usr/src/rustwhere-$version/$f" || { echo "missing $f"; return 1; }
	done
	for f in usr/bin/rustwhere usr/share/man/man1/rustwhere.1.gz \
		usr/share/man/man5/proc_rustwhere.5.gz usr/share/bash-completion/completions/rustwhere \
		usr/share/zsh/vendor-completions/_rustwhere \
		usr/share/fish/vendor_completions.d/rustwhere.fish; do
		echo "$bc" | grep -qx "./$f" || { echo "missing $f"; return 1; }
	done
	dpkg-deb -f "$deb_dkms" Depends | grep -q 'dkms' || return 1
	dpkg-deb --fsys-tarfile "$deb_dkms" | tar -xO "./usr/src/rustwhere-$version/dkms.conf" |
		grep -x "PACKAGE_VERSION=\"$version\""
}
check "the packages hold the DKMS source tree (dkms.conf of version $version), and the reader, its man pages and completions" \
	check_deb_contents

# The same tree, one version later, for the upgrade (lifecycle, below): its
# packages, made the same way, and its reader and guest programs, for the
# VM run of the module DKMS builds from it.
next=$version+rwtest1
next_o=$PKG_O/deb-next
deb_dkms_next=$next_o/rustwhere-dkms_${next}_all.deb
deb_bin_next=$next_o/rustwhere_${next}_amd64.deb
check_deb_next() {
	rm -rf "$next_o" && mkdir -p "$next_o" && cp -a "$work/src" "$next_o/src" || return 1
	echo "$next" > "$next_o/src/VERSION"
	{
		printf 'rustwhere (%s) unstable; urgency=medium\n\n' "$next"
		printf '  * A later version, for the upgrade test of tests/pkg/run.sh.\n\n'
		printf ' -- The rustwhere project <maintainers@rustwhere.example.org>  %s\n\n' "$(date -R)"
		cat "$work/src/debian/changelog"
	} > "$next_o/src/debian/changelog"
	in_deb_root make -C "$next_o/src" deb PKG_O="$next_o" > "$logs/deb-next.log" 2>&1 ||
		{ tail -n 20 "$logs/deb-next.log"; return 1; }
	make -s -C "$next_o/src" userspace probe > "$logs/next-build.log" 2>&1 ||
		{ tail -n 20 "$logs/next-build.log"; return 1; }
	ls "$deb_dkms_next" "$deb_bin_next"
}
check "make deb of the tree with VERSION $next: the packages of the upgrade" check_deb_next

# --- ... installed the way a user does, on each release ----------------------

wait "$base_pid"
base_pid=
root=
# inroot COMMAND...: COMMAND in $root, with /proc and /dev mounted in a
# mount namespace of its own (gone, mounts and all, when it ends).
inroot() {
	"$top/tests/vm/roots.sh" chroot "$root" "$@"
}
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp \) -prune -o -print) |
		LC_ALL=C sort > "$1"
}
# apt_ok ARG...: apt-get -y ARG... in the root succeeds and leaves dpkg
# with nothing half-done (dpkg --audit); its output is in $out.
apt_ok() {
	out=$(inroot apt-get -y "$@" 2>&1)
	rc=$?
	# (dpkg's output through apt ends its lines with CR LF)
	out=$(printf '%s\n' "$out" | tr -d '\r')
	echo "$out" | grep -E -i "rustwhere|dkms|exclusive|error|^E: " | head -n 30
	echo "apt-get $*: exit $rc"
	[ "$rc" -eq 0 ] || return 1
	audit=$(inroot dpkg --audit)
	[ -z "$audit" ] || { echo "dpkg --audit: $audit"; return 1; }
}
# dkms_is VERSION KERNEL installed|none: dkms status says rustwhere/VERSION
# is installed for KERNEL, and its module is there, of that version; or
# it names no rustwhere of KERNEL, and KERNEL has no rustwhere.ko.  The
# whole status is in $st.
dkms_is() {
	st=$(inroot dkms status rustwhere) || return 1
	echo "dkms status: $st"
	ko=$(cd "$root" && find "lib/modules/$2/" -name 'rustwhere.ko*' 2> /dev/null)
	echo "$2: ${ko:-no rustwhere.ko}"
	case $3 in
	installed)
		echo "$st" | grep -qx "rustwhere/$1, $2, x86_64: installed" &&
			[ "$(echo "$ko" | wc -w)" -eq 1 ] &&
			[ "$(inroot modinfo -F version "/$ko")" = "$1" ]
		;;
	none)
		! echo "$st" | grep -F ", $2, " && [ -z "$ko" ]
		;;
	esac
}
# save_ko KERNEL NAME: the module DKMS installed for KERNEL, uncompressed,
# as $work/ko/NAME/KERNEL/rustwhere.ko, a row of the VM.
save_ko() {
	ko=$(cd "$root" && ls "lib/modules/$1/updates/dkms/"rustwhere.ko*) || return 1
	mkdir -p "$work/ko/$2/$1"
	case $ko in
	*.xz) xz -dc "$root/$ko" ;;
	*.zst) zstd -dc "$root/$ko" ;;
	*.gz) gzip -dc "$root/$ko" ;;
	*) cat "$root/$ko" ;;
	esac > "$work/ko/$2/$1/rustwhere.ko"
}

# unsupported RELEASE KERNEL: beside KERNEL, the headers of kernels
# rustwhere cannot be built for (tests/pkg/fake-headers.sh), installed
# with apt-get as a user's would be.  DKMS skips each one and says why;
# apt-get and dpkg end with everything configured; KERNEL keeps its
# module, also when rustwhere-dkms is installed again.  Then the headers
# are purged.
unsupported() {
	kern=$2
	cp "$here/fake-headers.sh" "$root/tmp/" || return 1
	fakes="5.4.0-rwtest-old:old 6.99.0-rwtest-noops:noops 6.99.1-rwtest-nocc:nocc"
	for f in $fakes; do
		check "[$1] linux-headers-${f%:*} ($2's, lacking what rustwhere needs: ${f#*:})" \
			inroot sh /tmp/fake-headers.sh "$2" "${f%:*}" "${f#*:}" "/tmp/debs/linux-headers-${f%:*}.deb"
	done
	# install_ok WHY APT-GET-ARGS...: apt-get succeeds, dpkg has nothing
	# half-done, DKMS built nothing for the fakes, KERNEL keeps its module.
	install_ok() {
		why=$1
		shift
		apt_ok install "$@" || return 1
		for f in $fakes; do
			case $why in
			*"${f#*:}"*)
				echo "$out" | grep -q "rustwhere: not built for ${f%:*}: " ||
					{ echo "no reason said for ${f%:*}"; return 1; }
				;;
			esac
			# "added" is all that dkms status may say for it, and the
			# kernel has no rustwhere.ko.
			! inroot dkms status rustwhere -k "${f%:*}" | grep -F -e "${f%:*}" || return 1
			! find "$root/lib/modules/${f%:*}" -name 'rustwhere.ko*' 2> /dev/null | grep . || return 1
		done
		inroot dkms status rustwhere | grep -x "rustwhere/$version, $kern, x86_64: installed"
	}
	for f in $fakes; do
		check "[$1] apt-get install linux-headers-${f%:*}: DKMS skips it (${f#*:}), dpkg is left with nothing half-configured" \
			install_ok "${f#*:}" "/tmp/debs/linux-headers-${f%:*}.deb"
	done
	check "[$1] with those kernels present, apt-get install --reinstall rustwhere-dkms succeeds and $2 keeps its module" \
		install_ok none --reinstall "/tmp/debs/${deb_dkms##*/}"

	# make_stops KERNEL ERE: make against KERNEL's headers stops before it
	# compiles anything, with a message that matches ERE.
	make_stops() {
		inroot sh -c "rm -rf /tmp/rw && cp -r /usr/src/rustwhere-$version /tmp/rw" || return 1
		out=$(inroot make -C "/lib/modules/$1/build" M=/tmp/rw modules 2>&1)
		rc=$?
		echo "$out" | grep -F '***'
		echo "make: exit $rc"
		[ "$rc" -ne 0 ] && [ -z "$(find "$root/tmp/rw" -name '*.o')" ] && echo "$out" | grep -qE "$2"
	}
	check_old_make() {
		make_stops 5.4.0-rwtest-old "rustwhere needs Linux 5\.6 or newer \(struct proc_ops\); these headers are 5\.4\.0-rwtest-old" &&
			inroot make -C /lib/modules/5.4.0-rwtest-old/build M=/tmp/rw clean
	}
	check "[$1] make against headers older than 5.6 stops at once: \"rustwhere needs Linux 5.6 or newer\"; make clean works" \
		check_old_make
	check "[$1] make against headers whose compiler is not installed stops at once and names its package" \
		make_stops 6.99.1-rwtest-nocc "rustwhere: these headers build with commands that are not installed: (x86_64-linux-gnu-)?gcc-rustwhere-test-missing \(apt-get install gcc-rustwhere-test-missing\)"
	# The make above, run in the 5.4 headers' tree as a user's would be,
	# leaves kbuild's own files there (Linux 7: .gitignore, source),
	# which dpkg does not own: they go with the tree.
	purge_fakes() {
		# shellcheck disable=SC2046 # the packages, as words
		inroot apt-get purge -y $(for f in $fakes; do echo "linux-headers-${f%:*}"; done) &&
			rm -rf "$root"/usr/src/linux-headers-*-rwtest-*
	}
	check "[$1] apt-get purge of those headers" purge_fakes
}

# on_release RELEASE KERNEL_SUITE KERNEL: the packages installed, used and
# purged in a root of RELEASE; the module DKMS built there is kept in
# $work/ko/deb-RELEASE/KERNEL for the VM.
on_release() {
	rel=$1 k=$3
	root=$work/root-$rel
	base=$(base_tar "$rel" "$k")
	check_root() {
		[ -s "$base" ] || { tail -n 20 "$logs/mmdebstrap-$rel.log"; return 1; }
		mkdir -p "$root" && tar --zstd -C "$root" -xpf "$base" || return 1
		mkdir -p "$root/tmp/debs/next" && cp "$deb_dkms" "$deb_bin" "$root/tmp/debs/" &&
			cp "$deb_dkms_next" "$deb_bin_next" "$root/tmp/debs/next/" || return 1
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null
		snapshot "$work/before-$rel.txt"
		inroot dpkg-query -W dkms "linux-headers-$k"
	}
	# What follows proves nothing without the root and the packages in it.
	f0=$failed
	check "[$rel] a throwaway $rel root with dkms and linux-headers-$k (mmdebstrap, cached in $cache/pkg)" \
		check_root
	[ "$failed" -eq "$f0" ] &&
		check "[$rel] apt-get install ./rustwhere-dkms_${version}_all.deb ./rustwhere_${version}_amd64.deb" \
			inroot apt-get install -y "/tmp/debs/${deb_dkms##*/}" "/tmp/debs/${deb_bin##*/}"
	if [ "$failed" -ne "$f0" ]; then
		rm -rf "$root"
		return
	fi

	check_root_dkms() {
		st=$(inroot dkms status) || return 1
		echo "$st"
		echo "$st" | grep -qx "rustwhere/$version, $k, x86_64: installed" || return 1
		# DKMS compresses the module where the kernel does (6.12: .ko.xz).
		ko=$(cd "$root" && ls "lib/modules/$k/updates/dkms/"rustwhere.ko*) || return 1
		inroot modinfo "/$ko" | grep -E '^(version|vermagic|signer):'
		[ "$(inroot modinfo -F version "/$ko")" = "$version" ] || return 1
		# The root has the headers, not the kernel image: DKMS 3.2 (sid)
		# leaves depmod to the image then ("Skipping depmod because
		# .../modules.dep is missing"); run it as the image's would.
		if [ ! -f "$root/lib/modules/$k/modules.dep" ]; then
			echo "no modules.dep for $k (no kernel image in the root): depmod -a $k"
			inroot depmod -a "$k" || return 1
		fi
		out=$(inroot modprobe -S "$k" --show-depends rustwhere) || return 1
		echo "$out"
		echo "$out" | grep -q "^insmod /$ko" || return 1
		save_ko "$k" "deb-$rel"
	}
	check "[$rel] DKMS built and installed rustwhere/$version for $k, and modprobe finds it" \
		check_root_dkms

	check_root_dkms_key() {
		ko=$work/ko/deb-$rel/$k/rustwhere.ko
		modinfo -F signer "$ko"
		[ "$(modinfo -F signer "$ko")" = "DKMS module signing key" ] || return 1
		openssl x509 -inform DER -in "$root/var/lib/dkms/mok.pub" -out "$work/mok-$rel.pem" || return 1
		verify_sig "$ko" "$work/mok-$rel.pem"
	}
	check "[$rel] DKMS signed it with its own key, /var/lib/dkms/mok.key (certificate mok.pub)" \
		check_root_dkms_key

	check_root_reader() {
		out=$(inroot rustwhere --version) || return 1
		echo "$out"
		[ "$(echo "$out" | head -n 1)" = "rustwhere $version" ] || return 1
		# The reader on the module's own content, as the package installs
		# it: every domain of index, in its order.
		c=/usr/src/rustwhere-$version/module/content
		got=$(inroot rustwhere --root "$c" -rn -o NAME) || return 1
		want=$(sed -n 's/^\([^:]*\): .*/\1/p' "$root$c/index")
		# shellcheck disable=SC2086 # the names, on one line
		echo "listed:" $got
		[ -n "$got" ] && [ "$got" = "$want" ]
	}
	check "[$rel] rustwhere --version prints \"rustwhere $version\"; it lists every domain of the packaged content" \
		check_root_reader

	unsupported "$rel" "$k"

	lifecycle
	rm -rf "$root"
}

# purge_clean WHEN: apt-get purge of both packages, and nothing of them is
# left in the root (against the snapshot of the root as it came).
purge_clean() {
	check "[$rel] apt-get purge rustwhere rustwhere-dkms ($1)" apt_ok purge rustwhere rustwhere-dkms

	check_root_clean() {
		snapshot "$work/after-$rel.txt"
		# New and not the packages': apt's and dpkg's logs and caches,
		# depmod's index files, the key DKMS made for itself, and the
		# backups and run files of the users and groups that the
		# kernels' packages add.
		left=$(comm -13 "$work/before-$rel.txt" "$work/after-$rel.txt" | grep -Ev \
			-e '^\./var/(log|cache)/' -e '^\./var/lib/(apt|dpkg)/' \
			-e '^\./(usr/)?lib/modules/[^/]+/modules\.[a-z.]+$' \
			-e '^\./var/lib/dkms/mok\.(key|pub)$' \
			-e '^\./etc/(passwd|group|shadow|gshadow)-$' -e '^\./run/')
		echo "left: $left"
		[ -z "$left" ] || return 1
		# shellcheck disable=SC2016 # dpkg-query's field, not the shell's
		[ ! -e "$root/var/lib/dkms/rustwhere" ] && [ -z "$(ls -d "$root"/usr/src/rustwhere* 2> /dev/null)" ] &&
			[ -z "$(find "$root/lib/modules/" "$root/usr/lib/modules/" -name 'rustwhere.ko*' 2> /dev/null)" ] &&
			! inroot dpkg-query -W -f '${db:Status-Status}\n' rustwhere rustwhere-dkms 2> /dev/null |
			grep -vx not-installed
	}
	check "[$rel] after the purge ($1) nothing is left: no package file, no /var/lib/dkms/rustwhere, no module" \
		check_root_clean
}

# lifecycle: in on_release's root ($rel, $k), after the first install, the
# years that follow, each step a test, with Debian's packages and hooks
# and no command of ours: a second kernel; an upgrade of the packages; the
# second kernel's headers, then the kernel, removed; a purge; an install
# with no headers at all, then the headers afterwards; a purge.  The
# kernels' packages come from the base root's apt cache (--no-download).
lifecycle() {
	k2=$(second "$k")
	nd=/tmp/debs/next
	check_second() {
		apt_ok install --no-download "linux-image-$k2" "linux-headers-$k2" || return 1
		dkms_is "$version" "$k2" installed && dkms_is "$version" "$k" installed
	}
	check "[$rel] apt-get install linux-image-$k2 linux-headers-$k2: its hooks build rustwhere/$version for it" \
		check_second

	check_upgrade() {
		apt_ok install "$nd/${deb_dkms_next##*/}" "$nd/${deb_bin_next##*/}" || return 1
		dkms_is "$next" "$k" installed && dkms_is "$next" "$k2" installed || return 1
		! echo "$st" | grep -F "rustwhere/$version, " || return 1
		for d in "/var/lib/dkms/rustwhere/$version" "/usr/src/rustwhere-$version"; do
			[ ! -e "$root$d" ] || { echo "still there: $d"; return 1; }
		done
		v=$(inroot rustwhere --version | head -n 1)
		echo "$v"
		[ "$v" = "rustwhere $next" ] && save_ko "$k" "upgraded-$rel"
	}
	check "[$rel] apt-get install of the packages of $next: DKMS builds it for both kernels, and $version is gone" \
		check_upgrade

	check_headers_gone() {
		apt_ok purge "linux-headers-$k2" || return 1
		apt_ok install --reinstall "$nd/${deb_dkms_next##*/}" || return 1
		echo "$out" | grep -qxF "rustwhere-dkms: no headers for kernel $k2, so no module for it: apt-get install linux-headers-$k2" ||
			{ echo "rustwhere-dkms did not name linux-headers-$k2"; return 1; }
		dkms_is "$next" "$k2" none && dkms_is "$next" "$k" installed
	}
	check "[$rel] with linux-headers-$k2 purged, rustwhere-dkms (reinstalled) names them, and builds for $k alone" \
		check_headers_gone

	check_second_gone() {
		# shellcheck disable=SC2046 # the packages, as words
		apt_ok purge $("$here/base-hook.sh" --own "$root" "$k2") || return 1
		dkms_is "$next" "$k2" none && dkms_is "$next" "$k" installed || return 1
		left=$(cd "$root" && find "var/lib/dkms/rustwhere/$next/$k2" "lib/modules/$k2" 2> /dev/null)
		echo "left of $k2: ${left:-nothing}"
		[ -z "$left" ]
	}
	check "[$rel] apt-get purge linux-image-$k2 (and sid's -modules, -binary, -base of it): nothing of it is left, $k keeps its module" \
		check_second_gone

	purge_clean "after the upgrade"

	check_no_headers() {
		apt_ok purge "linux-headers-$k" || return 1
		apt_ok install "$nd/${deb_dkms_next##*/}" "$nd/${deb_bin_next##*/}" || return 1
		echo "$out" | grep -qF "rustwhere-dkms: no kernel headers are installed, so DKMS built rustwhere for no kernel." ||
			{ echo "rustwhere-dkms said nothing of the headers"; return 1; }
		# $k itself is named where its image is installed (trixie's
		# headers depend on it), and not where only depmod's files
		# are left of it (bookworm's and sid's headers do not).
		if [ -d "$root/lib/modules/$k/kernel" ]; then
			echo "$out" | grep -qF "rustwhere-dkms: no headers for kernel $k, so no module for it: apt-get install linux-headers-$k" ||
				{ echo "rustwhere-dkms did not name linux-headers-$k"; return 1; }
		else
			! echo "$out" | grep -F "no headers for kernel $k," || return 1
		fi
		st=$(inroot dkms status rustwhere) || return 1
		echo "dkms status: $st"
		[ "$st" = "rustwhere/$next: added" ]
	}
	check "[$rel] with no kernel headers at all, apt-get install succeeds, and rustwhere-dkms says which to install" \
		check_no_headers

	check_late_headers() {
		apt_ok install --no-download "linux-headers-$k" || return 1
		dkms_is "$next" "$k" installed
	}
	check "[$rel] apt-get install linux-headers-$k afterwards: its hook builds rustwhere/$next for it" \
		check_late_headers

	purge_clean "after the late headers"
}

# release_tap RELEASE KERNEL_SUITE KERNEL: on_release, as each_release runs
# it (in a subshell), with a TAP and a log directory of its own.
release_tap() {
	mkdir -p "$logs/$1"
	n=0 failed=0 skipped=0 TAP_LOG_DIR=$logs/$1
	on_release "$@" > "$logs/$1.tap" 2>&1
}
# The releases side by side, in roots of their own; their TAP replayed
# here in order when all are done.  (fd 3: apt-get and dkms read their
# standard input.)
each_release release_tap
while read -r r _ <&3; do
	[ -n "$r" ] && tap_replay "$logs/$r.tap"
done 3<< EOF
$rel_rows
EOF

# --- the VM: each module built here, in its kernel ---------------------------

# The DKMS-built and the signed module of each kernel; and each release's
# DKMS, with the module it built after the upgrade (its first build is
# checked above, in the root), in that release's kernel.  Those rows are
# booted by the upgraded tree's own driver, whose guest expects its
# version.
vm_rows=
for k in $kvers; do
	vm_rows="$vm_rows $k@$work/ko/dkms $k@$work/ko/signed"
done
next_rows=
while read -r r _ k <&3; do
	[ -n "$r" ] || continue
	if [ -f "$work/ko/upgraded-$r/$k/rustwhere.ko" ]; then
		next_rows="$next_rows $k@$work/ko/upgraded-$r"
	else
		not_ok "[$k] VM: no module from $r's DKMS after the upgrade to boot (see the failures above)"
	fi
done 3<< EOF
$rel_rows
EOF

# vm_run TREE NAME ROW...: the rows, booted by TREE's driver (tests/vm/run.sh),
# whose TAP is replayed here; and each row's guest loaded the installed
# module with modprobe and unloaded it with modprobe -r.
vm_run() {
	vt=$1 vn=$2
	shift 2
	[ $# -gt 0 ] || return 0
	O=$PKG_O/$vn CYCLES=$cycles "$vt/tests/vm/run.sh" check "$@" > "$logs/$vn.log" 2>&1
	grep -q '^1\.\.[0-9]' "$logs/$vn.log" ||
		bail "VM: $vt/tests/vm/run.sh gave no TAP plan: $(tail -n 1 "$logs/$vn.log")"
	tap_replay "$logs/$vn.log" "VM: "
	for row in "$@"; do
		id=${row%@*}@${row##*/}
		sed -n 's/^ok [0-9]* - //p' "$logs/$vn.log" |
			grep -qxF "[$id] modprobe loads the installed module and modprobe -r unloads it"
		verdict $? "VM: [$id] the guest's modprobe loaded the installed module and modprobe -r unloaded it"
		case $id in
		*@signed)
			# The guest's modinfo is busybox's, which does not read
			# signatures: the module the guest tested is the signed file.
			check "VM: [$id] the module the guest tested is the signed one, byte for byte" \
				cmp "$PKG_O/$vn/check/$id/initramfs/rustwhere/module/rustwhere.ko" \
				"$work/ko/signed/${id%@*}/rustwhere.ko"
			;;
		esac
	done
}
# shellcheck disable=SC2086 # the rows, as words
vm_run "$top" vm $vm_rows
# shellcheck disable=SC2086 # the rows, as words
vm_run "$next_o/src" vm-next $next_rows

finish
