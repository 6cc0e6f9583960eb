# SPDX-License-Identifier: GPL-2.0
#
# Why the module is not there (rwdiag.c): fake systems under
# RUSTWHERE_SYSROOT, one per case, and the exact stderr and exit status
# of each; the version warning and --version's second line.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh); memcheck may be "".
: "${trees:?}" "${wd:?}" "${expected:?}" "${top:?}" "${update:?}" "${memcheck?}"

release=$(uname -r)
version=$(cat "$top/VERSION")
sb_var=SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c

# fake_sys NAME: an empty fake system $wd/sys/NAME, with the running
# release's module directory, holding modules that are not rustwhere's and
# a build/ link to a tree with a rustwhere.ko that must not be followed.
fake_sys() {
	local s=$wd/sys/$1
	rm -rf "$s"
	mkdir -p "$s/lib/modules/$release/kernel/fs" "$s/headers" "$s/sys/module"
	: > "$s/lib/modules/$release/kernel/fs/ext4.ko.xz"
	: > "$s/lib/modules/$release/kernel/fs/rustwhere.kofoo"
	: > "$s/headers/rustwhere.ko"
	ln -s "$s/headers" "$s/lib/modules/$release/build"
	echo "$s"
}

# installed SYS: a DKMS-built module there.
installed() {
	mkdir -p "$1/lib/modules/$release/updates/dkms"
	: > "$1/lib/modules/$release/updates/dkms/rustwhere.ko.xz"
}

# secure_boot SYS BYTE: the SecureBoot efivar, attributes then BYTE.
secure_boot() {
	mkdir -p "$1/sys/firmware/efi/efivars"
	{ printf '\007\000\000\000'; printf '%b' "\\0$2"; } > "$1/sys/firmware/efi/efivars/$sb_var"
}

# loaded SYS VERSION: /sys/module/rustwhere, with its version file.
loaded() {
	mkdir -p "$1/sys/module/rustwhere"
	echo "$2" > "$1/sys/module/rustwhere/version"
}

# [rw_root=DIR] sys_rw SYS ARGS...: the reader on fake system SYS, with
# RUSTWHERE_ROOT=DIR when rw_root is set; output in $wd/out and $wd/err,
# its exit status in $status.
rw_root=
sys_rw() {
	local s=$1
	shift
	(cd "$trees" && env -u RUSTWHERE_ROOT ${rw_root:+"RUSTWHERE_ROOT=$rw_root"} \
		RUSTWHERE_SYSROOT="$s" "${RUN[@]}" "$BIN" "$@") > "$wd/out" 2> "$wd/err"
	status=$?
}

# expect STATUS: the last sys_rw exited STATUS, with nothing on stdout and
# exactly the lines of stdin on stderr.
expect() {
	local problems=''
	[ "$status" -eq "$1" ] || problems="exit status $status, want $1;"
	[ ! -s "$wd/out" ] || problems="$problems stdout not empty;"
	diff -u - "$wd/err" > "$wd/diff-err" || problems="$problems stderr differs:"
	[ -z "$problems" ] && return 0
	echo "$problems"
	cat "$wd/diff-err"
	return 1
}

check_no_ko() {
	local s
	s=$(fake_sys no-ko)
	sys_rw "$s" cli
	expect 3 <<-EOT || return 1
	rustwhere: /proc/rustwhere does not exist: the rustwhere module is not installed for this kernel, $release (no rustwhere.ko* under $s/lib/modules/$release)
	rustwhere: install it with 'sudo apt-get install linux-headers-$release' then 'sudo dkms autoinstall', or with 'make && sudo make install' from its source tree
	EOT
	# No /lib/modules/RELEASE at all: the same.
	rm -rf "${s:?}/lib"
	sys_rw "$s"
	expect 3 <<-EOT
	rustwhere: /proc/rustwhere does not exist: the rustwhere module is not installed for this kernel, $release (no rustwhere.ko* under $s/lib/modules/$release)
	rustwhere: install it with 'sudo apt-get install linux-headers-$release' then 'sudo dkms autoinstall', or with 'make && sudo make install' from its source tree
	EOT
}

check_not_loaded_ko() {
	local s
	s=$(fake_sys ko-xz)
	installed "$s"
	secure_boot "$s" 0		# off: no word of keys
	sys_rw "$s" -J
	expect 3 <<-EOT
	rustwhere: /proc/rustwhere does not exist: the rustwhere module is installed ($s/lib/modules/$release/updates/dkms/rustwhere.ko.xz) but not loaded
	rustwhere: load it with 'sudo modprobe rustwhere'
	EOT
}

check_secure_boot() {
	local s
	s=$(fake_sys secure-boot)
	installed "$s"
	secure_boot "$s" 1
	sys_rw "$s"
	expect 3 <<-EOT
	rustwhere: /proc/rustwhere does not exist: the rustwhere module is installed ($s/lib/modules/$release/updates/dkms/rustwhere.ko.xz) but not loaded
	rustwhere: load it with 'sudo modprobe rustwhere'
	rustwhere: Secure Boot is on: the load may be refused ("Key was rejected by service") unless the module's signing key is enrolled as a MOK
	rustwhere: enrol DKMS's key (Debian's DKMS signs with /var/lib/dkms/mok.key) with 'sudo mokutil --import /var/lib/dkms/mok.pub', or the certificate given to 'make sign SIGN_CERT=...', then reboot and enrol it
	EOT
}

# Loaded, yet no /proc/rustwhere: the open's own error, as before.
check_loaded_no_proc() {
	local s
	s=$(fake_sys loaded)
	installed "$s"
	loaded "$s" "$version"
	sys_rw "$s"
	expect 3 <<< "rustwhere: cannot open /proc/rustwhere: No such file or directory"
}

# Another root than the default: its plain error, whatever the system.
check_other_root() {
	local s
	s=$(fake_sys other-root)
	sys_rw "$s" --root "$trees/nowhere"
	expect 3 <<< "rustwhere: cannot open $trees/nowhere: No such file or directory" || return 1
	rw_root=$trees/nowhere sys_rw "$s"
	expect 3 <<< "rustwhere: cannot open $trees/nowhere: No such file or directory"
}

# A loaded module of another version: one warning line, the output and
# status unchanged; --version's second line; none of it when they agree.
check_version() {
	local s table
	table=$(expected_of table-default)
	s=$(fake_sys version)
	loaded "$s" 9.9.9
	rw_root=$trees/good sys_rw "$s"
	[ "$status" -eq 0 ] || { echo "exit $status, want 0"; cat "$wd/err"; return 1; }
	cmp "$table" "$wd/out" || return 1
	cmp - "$wd/err" <<< "rustwhere: the loaded module is version 9.9.9, this reader is $version" ||
		{ cat "$wd/err"; return 1; }
	sys_rw "$s" --version
	{ [ "$status" -eq 0 ] && [ ! -s "$wd/err" ] &&
		printf 'rustwhere %s\nmodule 9.9.9\n' "$version" | cmp - "$wd/out"; } ||
		{ echo "--version: exit $status"; cat "$wd/out" "$wd/err"; return 1; }
	loaded "$s" "$version"
	rw_root=$trees/good sys_rw "$s"
	{ [ "$status" -eq 0 ] && [ ! -s "$wd/err" ] && cmp "$table" "$wd/out"; } ||
		{ echo "same version: warned or failed"; cat "$wd/err"; return 1; }
	# Not loaded: --version is the one line.
	rm -r "${s:?}/sys/module/rustwhere"
	sys_rw "$s" --version
	[ "$status" -eq 0 ] && cmp - "$wd/out" <<< "rustwhere $version"
}

[ "$update" -eq 1 ] && return 0
if [ -e /proc/rustwhere ]; then
	for t in "no rustwhere.ko*" "a .ko.xz, not loaded" "Secure Boot on" "loaded, no /proc/rustwhere"; do
		t_skip "diagnosis: $t" "/proc/rustwhere exists here"
	done
else
	t_check "diagnosis: no rustwhere.ko* for the running kernel: install it, exit 3" check_no_ko
	t_check "diagnosis: a .ko.xz, not loaded, Secure Boot off: its path and modprobe, exit 3" \
		check_not_loaded_ko
	t_check "diagnosis: the same with Secure Boot on: and the MOK to enrol, exit 3" check_secure_boot
	t_check "diagnosis: loaded, no /proc/rustwhere: the error of the open, exit 3" check_loaded_no_proc
fi
t_check "diagnosis: --root and RUSTWHERE_ROOT elsewhere keep the plain error, exit 3" check_other_root
t_check "a loaded module of version 9.9.9: one warning, the output and exit 0; --version's module line" \
	check_version
