#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ways users install rustwhere, proven end to end, as TAP:
#
#   tests/pkg/run.sh            (as root; ends with "N passed, N failed")
#
# - one version: dkms.conf, debian/changelog and proc_rustwhere(5) carry
#   the one in VERSION;
# - make install / make uninstall with DESTDIR, for each kernel of the
#   test matrix: the files, depmod and modprobe's view of the module, and
#   nothing left after uninstall;
# - DKMS, in throwaway trees (--sourcetree, --dkmstree, --installtree):
#   dkms add, and dkms build / dkms install for each kernel, with the
#   unpacked headers as --kernelsourcedir; then dkms remove;
# - make sign with a key made for the test: modinfo's signature fields,
#   and the signature checked with openssl against the certificate;
# - the DKMS-built modules, then the signed ones, in the VM harness
#   (tests/vm/run.sh, PREBUILT_KO_DIR, CYCLES=20): the guest tests,
#   modprobe/modprobe -r of the installed module among them;
# - make deb: the two packages, lintian without error or warning, and
#   apt-get install of them in a throwaway Debian root (mmdebstrap, from
#   this host's apt sources; the base tarball is cached), where DKMS
#   builds the module for the 6.1 headers; then apt-get purge, and
#   nothing of the packages left.
#
# Environment: KVERS (kernels, as tests/vm/kernels.sh), RUSTWHERE_CACHE,
# PKG_O (outputs and logs, default build/pkg), CYCLES (default 20).
# Nothing is installed on the host but the Debian packages of
# "tests/deps.sh build vm pkg"; /usr/src, /var/lib/dkms and /lib/modules
# of the host are not touched.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${RUSTWHERE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rustwhere}
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
cleanup() {
	if [ -n "$base_pid" ]; then
		pkill -P "$base_pid" 2> /dev/null
		kill "$base_pid" 2> /dev/null
	fi
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
# The amd64 kernels of Debian 12, which this machine's compiler builds
# for: the rows of tests/vm/matrix that are this host's own.
kvers=$("$top/tests/vm/kernels.sh" list |
	awk '$1 ~ /^bookworm/ && $2 == "amd64" && $3 == "generic" && $4 != "-" { print $4 }') ||
	bail "no kernels to test"
[ -n "$kvers" ] || bail "no Debian 12 amd64 kernel in the matrix"
k61=$(echo "$kvers" | grep '^6\.1\.' | tail -n 1)
for k in $kvers; do
	"$top/tests/vm/kernels.sh" fetch "$k" > "$logs/fetch-$k.log" 2>&1 ||
		bail "cannot fetch kernel $k"
done
hdr() {
	sed -n 's/^kdir=//p' "$("$top/tests/vm/kernels.sh" fetch "$1")/row"
}

# --- the throwaway Debian root, built in the background ---------------------

# bookworm (this host's release) from this host's apt sources, with DKMS,
# openssl (DKMS signs with it) and the 6.1 headers of the test matrix.
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
base_pkgs="dkms,openssl${k61:+,linux-headers-$k61}"
base_key=$(printf '%s %s' "$codename" "$base_pkgs" | md5sum | cut -c 1-8)
base=$cache/pkg/base-$codename-$base_key.tar.zst
if [ -n "$k61" ] && [ ! -s "$base" ]; then
	(
		rm -f "$cache"/pkg/base-*.tar.zst
		mmdebstrap --variant=apt --include="$base_pkgs" "$codename" \
			"$base.tmp.tar.zst" "$sources" > "$logs/mmdebstrap.log" 2>&1 &&
			mv "$base.tmp.tar.zst" "$base"
	) &
	base_pid=$!
fi

# --- one version ------------------------------------------------------------

check_dkms_version() {
	v=$(sed -n 's/^PACKAGE_VERSION="\?\([^"]*\)"\?$/\1/p' "$top/dkms.conf")
	echo "dkms.conf: $v, VERSION: $version"
	[ "$v" = "$version" ]
}
check "dkms.conf's PACKAGE_VERSION is VERSION ($version)" check_dkms_version

check_changelog_version() {
	v=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version) || return 1
	echo "debian/changelog: $v, VERSION: $version"
	# A native package: the version, or the version with a Debian revision.
	[ "$v" = "$version" ] || [ "${v%-*}" = "$version" ]
}
check "debian/changelog's top version is VERSION" check_changelog_version

check_man5_version() {
	grep '^\.TH' "$top/userspace/proc_rustwhere.5"
	grep -q "^\.TH .*\"rustwhere $version\"" "$top/userspace/proc_rustwhere.5"
}
check "proc_rustwhere(5)'s .TH names rustwhere $version" check_man5_version

# --- a copy of the tree ------------------------------------------------------

# What git has (committed or not, but not ignored), as "make deb" takes it.
export_tree() {
	mkdir -p "$1" &&
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -xf - -C "$1"
}
export_tree "$work/src" || bail "cannot copy the tree"
reader=

# --- make install / make uninstall -------------------------------------------

for k in $kvers; do
	src=$work/src-$k
	dest=$work/dest-$k
	cp -a "$work/src" "$src"
	check "[$k] make install KDIR=... DESTDIR=... PREFIX=/usr" \
		make -C "$src" install KDIR="$(hdr "$k")" DESTDIR="$dest" PREFIX=/usr
	[ -x "$src/userspace/rustwhere" ] && reader=$src/userspace/rustwhere

	check_install_files() {
		got=$(cd "$dest" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
		want=$(printf '%s\n' "lib/modules/$k/updates/module/rustwhere.ko" \
			usr/bin/rustwhere usr/share/bash-completion/completions/rustwhere \
			usr/share/man/man1/rustwhere.1 usr/share/man/man5/proc_rustwhere.5 | LC_ALL=C sort)
		echo "installed:"
		echo "$got"
		# The kernel may compress modules (6.12: .ko.xz).
		[ "$(echo "$got" | sed 's/\.ko\.[a-z]*$/.ko/')" = "$want" ]
	}
	check "[$k] make install puts the module under updates/, the reader, both man pages and the completion" \
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

	check_install_version() {
		out=$("$dest/usr/bin/rustwhere" --version) || return 1
		echo "$out"
		[ "$out" = "rustwhere $version" ]
	}
	check "[$k] the installed rustwhere --version prints \"rustwhere $version\"" check_install_version

	check_uninstall() {
		make -C "$src" uninstall KDIR="$(hdr "$k")" DESTDIR="$dest" PREFIX=/usr || return 1
		rm -f "$dest/lib/modules/$k"/modules.* # depmod's, from the check above
		left=$(find "$dest" -type f)
		echo "left: $left"
		[ -z "$left" ]
	}
	check "[$k] make uninstall removes every file make install put" check_uninstall
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
	for f in dkms.conf Kbuild VERSION module/Kbuild module/main.c module/content.c \
		module/content/index; do
		[ -f "$d/$f" ] || { echo "missing: $f"; return 1; }
	done
	for f in $(sed -n 's/^\([a-z0-9_]*\): .*/\1/p' "$top/module/content/index") about; do
		cmp "$d/module/content/$f" "$top/module/content/$f" || return 1
	done
	built=$(find "$d" -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*')
	[ -z "$built" ] || { echo "built files in the source tree: $built"; return 1; }
}
check "make dkms-src lays out the DKMS source tree (dkms.conf, Kbuild, VERSION, module/ with content/)" \
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
check "dkms status: rustwhere/$version installed for $(echo $kvers)" check_dkms_status

# The Makefile's own way, for the kernel whose headers are furthest from
# /usr/src: make dkms-install (dkms-src, dkms add, dkms install), then
# make dkms-remove, in a second throwaway tree.
kl=$(echo "$kvers" | tail -n 1)
d2=$work/dkms2
d2flags="--sourcetree $d2/usr/src --dkmstree $d2/var/lib/dkms --installtree $d2/lib/modules --no-depmod"
mkdir -p "$d2/var/lib/dkms" "$d2/lib/modules/$kl"
check_make_dkms() {
	make -C "$work/src" dkms-install KDIR="$(hdr "$kl")" DESTDIR="$d2" DKMS_FLAGS="$d2flags" || return 1
	# shellcheck disable=SC2086
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
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$signer/" \
	-addext extendedKeyUsage=codeSigning -keyout "$keydir/key.pem" \
	-outform DER -out "$keydir/cert.der" > "$logs/openssl.log" 2>&1 &&
	openssl x509 -inform DER -in "$keydir/cert.der" -out "$keydir/cert.pem" ||
	bail "openssl could not make a test key"
serial=$(openssl x509 -in "$keydir/cert.pem" -noout -serial | sed 's/^serial=//')

# verify_sig KO CERT: the signature appended to KO is valid for KO's
# contents and CERT's key.  The tail is the PKCS#7 signature, struct
# module_signature (12 bytes, sig_len big-endian at its end) and the
# 28-byte magic string.
verify_sig() {
	size=$(stat -c %s "$1")
	tail -c 28 "$1" | grep -q '~Module signature appended~' || { echo "$1: no signature"; return 1; }
	set -- "$1" "$2" $(od -An -tu1 -j $((size - 32)) -N 4 "$1")
	siglen=$(($3 * 16777216 + $4 * 65536 + $5 * 256 + $6))
	head -c $((size - 40 - siglen)) "$1" > "$work/payload"
	tail -c $((siglen + 40)) "$1" | head -c "$siglen" > "$work/sig.p7"
	openssl cms -verify -binary -inform DER -in "$work/sig.p7" -content "$work/payload" \
		-certfile "$2" -noverify -out /dev/null
}

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

	check "[$k] make sign refuses a module that is signed already" \
		sh -c '! make -C "$1" sign KDIR="$2" SIGN_KEY="$3/key.pem" SIGN_CERT="$3/cert.der" SIGN_KO="$4"' \
		sh "$work/src" "$(hdr "$k")" "$keydir" "$ko"
done

# A signed module installed with make install keeps its signature.
check_sign_install() {
	src=$work/src-$k61
	make -C "$src" sign KDIR="$(hdr "$k61")" SIGN_KEY="$keydir/key.pem" \
		SIGN_CERT="$keydir/cert.der" || return 1
	make -C "$src" install KDIR="$(hdr "$k61")" DESTDIR="$work/dest-signed" PREFIX=/usr || return 1
	ko=$work/dest-signed/lib/modules/$k61/updates/module/rustwhere.ko
	[ "$(modinfo -F signer "$ko")" = "$signer" ] && verify_sig "$ko" "$keydir/cert.pem"
}
[ -z "$k61" ] || check "[$k61] make && make sign && make install: the installed module keeps the signature" \
	check_sign_install

# --- the VM: DKMS-built, then signed -----------------------------------------

# The guest's rwprobe and the reader, built here rather than taken from
# the work tree, which others may be rebuilding.
cc -static -std=gnu11 -O2 -o "$work/rwprobe" "$top/tests/guest/rwprobe.c" > "$logs/rwprobe.log" 2>&1 ||
	bail "cannot build tests/guest/rwprobe"

# vm_run NAME KO_DIR KVER: the harness on one kernel, its output in
# $logs/vm-NAME-KVER.log (a boot that died before its first test is
# booted once more by the harness itself, and said so there).
vm_run() {
	vlog=$logs/vm-$1-$3.log
	O=$PKG_O/vm-$1 CYCLES=$cycles PREBUILT_KO_DIR=$2 RWPROBE=$work/rwprobe \
		READER=${reader:-/nonexistent} "$top/tests/vm/run.sh" check "$3" > "$vlog" 2>&1
}
vm_check() { # NAME KVER DESCRIPTION [GREP...]
	vlog=$logs/vm-$1-$2.log
	k=$2 desc=$3
	shift 3
	line=$(grep -F "[$k] " "$vlog" | grep -E '^\[[^]]*\] [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	good=
	case $line in
	*" 0 failed") [ "${line#*] }" != "0 passed, 0 failed" ] && good=y ;;
	esac
	for pat in "$@"; do
		grep -F "[$k] " "$vlog" | grep -qE "$pat" || good=
	done
	if [ -n "$good" ]; then
		ok "[$k] $desc (${line#*] })"
	else
		grep -F "$k" "$vlog" | grep -E 'not ok|passed|Bail|vm:' > "$vlog.$k" 2>/dev/null
		tail -n 5 "$vlog" >> "$vlog.$k"
		not_ok "[$k] $desc" "$(cat "$vlog.$k")"
	fi
}
modprobe_ok='^\[[^]]*\] ok [0-9]+ - modprobe loads the installed module and modprobe -r unloads it$'

for k in $kvers; do
	vm_run dkms "$work/ko/dkms" "$k"
	vm_check dkms "$k" "VM: the DKMS-built module passes the guest tests, modprobe and modprobe -r included" \
		"$modprobe_ok"
done
for k in $kvers; do
	vm_run signed "$work/ko/signed" "$k"
	vm_check signed "$k" "VM: the signed module loads and passes the guest tests, modprobe and modprobe -r included" \
		"$modprobe_ok"
	# The guest's modinfo is busybox's, which does not read signatures:
	# show that the module the guest tested is the signed file itself.
	check "[$k] VM: the module the guest tested is the signed one, byte for byte" \
		cmp "$PKG_O/vm-signed/$k/initramfs/rustwhere/module/rustwhere.ko" "$work/ko/signed/$k/rustwhere.ko"
done

# --- the DKMS trees are left empty ------------------------------------------

check_dkms_remove() {
	dkms_t remove --no-depmod "rustwhere/$version" --all || return 1
	left=$(find "$droot/var/lib/dkms" "$droot/lib/modules" -name 'rustwhere*')
	echo "left: $left"
	[ -z "$left" ] && [ -z "$(dkms_t status rustwhere)" ]
}
check "dkms remove --all: no module and no rustwhere in the DKMS tree" check_dkms_remove

# --- the Debian packages -----------------------------------------------------

deb_dkms=$PKG_O/rustwhere-dkms_${version}_all.deb
deb_bin=$PKG_O/rustwhere_${version}_$(dpkg --print-architecture).deb
changes=$PKG_O/rustwhere_${version}_$(dpkg --print-architecture).changes
rm -f "$PKG_O"/rustwhere*_"$version"*
check "make deb builds the packages into $PKG_O" \
	make -C "$top" deb PKG_O="$PKG_O"

check_deb_files() {
	ls "$PKG_O"/*.deb
	[ -f "$deb_dkms" ] && [ -f "$deb_bin" ] &&
		[ "$(ls "$PKG_O"/*_"$version"_*.deb | wc -l)" -eq 2 ]
}
check "make deb gives rustwhere-dkms (all) and rustwhere, and no other package" check_deb_files

check_lintian() {
	lintian --allow-root --fail-on error,warning --show-overrides "$changes"
}
check "lintian: no error, no warning (source and both packages)" check_lintian

check_deb_contents() {
	dc=$(dpkg-deb -c "$deb_dkms" | awk '{print $6}') || return 1
	bc=$(dpkg-deb -c "$deb_bin" | awk '{print $6}') || return 1
	echo "$dc"
	echo "$bc"
	for f in dkms.conf Kbuild VERSION module/Kbuild module/main.c module/content/index; do
		echo "$dc" | grep -qx "./usr/src/rustwhere-$version/$f" || { echo "missing $f"; return 1; }
	done
	for f in usr/bin/rustwhere usr/share/man/man1/rustwhere.1.gz \
		usr/share/man/man5/proc_rustwhere.5.gz usr/share/bash-completion/completions/rustwhere; do
		echo "$bc" | grep -qx "./$f" || { echo "missing $f"; return 1; }
	done
	dpkg-deb -f "$deb_dkms" Depends | grep -q 'dkms'
}
check "the packages hold the DKMS source tree, and the reader, its man pages and completion" \
	check_deb_contents

# --- ... installed the way a user does, in a throwaway root ------------------

if [ -n "$base_pid" ]; then
	wait "$base_pid"
	base_pid=
fi
root=$work/root
# inroot COMMAND...: COMMAND in the root, with /proc and /dev mounted in
# a mount namespace of its own (gone, mounts and all, when it ends).
inroot() {
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' \
		"$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp \) -prune -o -print) |
		LC_ALL=C sort > "$1"
}

check_root() {
	[ -n "$k61" ] || { echo "no 6.1 kernel in the matrix"; return 1; }
	[ -s "$base" ] || { tail -n 20 "$logs/mmdebstrap.log"; return 1; }
	mkdir -p "$root" && tar --zstd -C "$root" -xpf "$base" || return 1
	mkdir -p "$root/tmp/debs" && cp "$deb_dkms" "$deb_bin" "$root/tmp/debs/" || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null
	snapshot "$work/before.txt"
	inroot dpkg-query -W dkms "linux-headers-$k61"
}
check "a throwaway $codename root with dkms and linux-headers-$k61 (mmdebstrap, cached in $cache/pkg)" check_root

check "apt-get install ./rustwhere-dkms_${version}_all.deb ./rustwhere_${version}_*.deb in it" \
	inroot apt-get install -y "/tmp/debs/${deb_dkms##*/}" "/tmp/debs/${deb_bin##*/}"

check_root_dkms() {
	st=$(inroot dkms status) || return 1
	echo "$st"
	echo "$st" | grep -qx "rustwhere/$version, $k61, x86_64: installed" || return 1
	ko=/lib/modules/$k61/updates/dkms/rustwhere.ko
	inroot modinfo "$ko" | grep -E '^(version|vermagic|signer):'
	[ "$(inroot modinfo -F version "$ko")" = "$version" ] || return 1
	out=$(inroot modprobe -S "$k61" --show-depends rustwhere) || return 1
	echo "$out"
	echo "$out" | grep -q "^insmod $ko"
}
check "[$k61] in the root: DKMS built and installed rustwhere/$version, and modprobe finds it" \
	check_root_dkms

check_root_dkms_key() {
	ko=$root/lib/modules/$k61/updates/dkms/rustwhere.ko
	[ "$(modinfo -F signer "$ko")" = "DKMS module signing key" ] || return 1
	openssl x509 -inform DER -in "$root/var/lib/dkms/mok.pub" -out "$work/mok.pem" || return 1
	verify_sig "$ko" "$work/mok.pem"
}
check "[$k61] in the root: DKMS signed it with its own key, /var/lib/dkms/mok.key (certificate mok.pub)" \
	check_root_dkms_key

check_root_version() {
	out=$(inroot rustwhere --version) || return 1
	echo "$out"
	[ "$out" = "rustwhere $version" ]
}
check "in the root: rustwhere --version prints \"rustwhere $version\"" check_root_version

check "apt-get purge rustwhere rustwhere-dkms" inroot apt-get purge -y rustwhere rustwhere-dkms

check_root_clean() {
	snapshot "$work/after.txt"
	# New and not the packages': apt's and dpkg's logs and caches,
	# depmod's index files, and the key DKMS made for itself.
	left=$(comm -13 "$work/before.txt" "$work/after.txt" | grep -Ev \
		-e '^\./var/(log|cache)/' -e '^\./var/lib/(apt|dpkg)/' \
		-e '^\./(usr/)?lib/modules/[^/]+/modules\.[a-z.]+$' \
		-e '^\./var/lib/dkms/mok\.(key|pub)$')
	echo "left: $left"
	[ -z "$left" ] || return 1
	[ ! -e "$root/var/lib/dkms/rustwhere" ] && [ -z "$(ls -d "$root"/usr/src/rustwhere* 2> /dev/null)" ] &&
		[ -z "$(find "$root/lib/modules/" -name 'rustwhere.ko*')" ] &&
		! inroot dpkg-query -W -f '${db:Status-Status}\n' rustwhere rustwhere-dkms 2> /dev/null | grep -vx not-installed
}
check "after the purge nothing is left: no package file, no /var/lib/dkms/rustwhere, no module under /lib/modules" \
	check_root_clean

finish
