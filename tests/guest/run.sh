#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest tests: load rustwhere.ko into the running kernel and prove the
# behaviour /proc/rustwhere promises.  Prints TAP (version 13, the plan at
# the end) and exits 0 only when every test passed.
#
#   sudo tests/guest/run.sh [-f FAULT_KO] [-c CYCLES] MODULE_KO
#
# -f FAULT_KO  a test build of the module (RUSTWHERE_FAULT_INJECT=y) to
#              prove that init unwinds after a failure at every step
# -c CYCLES    insmod/rmmod cycles raced by readers (default 300)
#
# It needs root, a kernel that can load the module, busybox or coreutils,
# and tests/guest/rwprobe (built by "make").  It runs the same on any
# machine or VM as in the initramfs the harness (tests/vm/run.sh) boots;
# the module must not be loaded when it starts, and it leaves it unloaded.
# Where userspace/rustwhere exists, the reader is tested against the
# module's files too.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
probe=${RWPROBE:-$here/rwprobe}
ref=${RUSTWHERE_REF:-$top/module/content}
reader=${RUSTWHERE_READER:-$top/userspace/rustwhere}
proc=/proc/rustwhere
fault_ko=
cycles=300

usage() {
	echo "usage: $0 [-f FAULT_KO] [-c CYCLES] MODULE_KO" >&2
	exit 2
}
while getopts f:c: opt; do
	case $opt in
	f) fault_ko=$OPTARG ;;
	c) cycles=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
ko=$1

tmp=$(mktemp -d /tmp/rustwhere-test.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The guest's checks show what they saw even when they pass, and how long
# each took (under TCG, where the time of a boot goes).
TAP_SHOW_PASS=1
TAP_TIMES=1
. "$here/../tap.sh"
echo "TAP version 13"

[ "$(id -u)" -eq 0 ] || bail "the guest tests need root"
[ -r "$ko" ] || bail "no module at $ko"
[ -x "$probe" ] || bail "no rwprobe at $probe (run make)"
[ -r "$ref/index" ] || bail "no reference content at $ref"
[ -e $proc ] && bail "$proc exists already: rmmod rustwhere first"

# The rule for a domain's name, from its one place: one character of
# RUSTWHERE_NAME_FIRST, then any of RUSTWHERE_NAME_CHARS.
name_set() {
	sed -n "s/^#define RUSTWHERE_NAME_$1 \"\\([^\"]*\\)\"\$/\\1/p" "$top/module/rustwhere_name.h" 2> /dev/null
}
name_re="[$(name_set FIRST)][$(name_set CHARS)]*"
[ "$name_re" != "[][]*" ] || bail "no rule for a domain name in $top/module/rustwhere_name.h"

# The domains are the ones index lists, in its order: none is named here,
# so a domain added to the module is tested with no change to this file.
domains=$(sed -n "s/^\($name_re\): .*/\1/p" "$ref/index")
files="index about $domains"
ndomains=$(echo "$domains" | grep -c .)
[ "$ndomains" -gt 0 ] || bail "$ref/index lists no domain"
nfiles=$((ndomains + 2))
# domain N: the Nth domain of index (counting round), for the tests that
# need one file.
domain() {
	echo "$domains" | sed -n "$((($1 - 1) % ndomains + 1))p"
}

# entries DIR: the names in DIR, one a line, sorted.
entries() {
	for _e in "$1"/*; do
		[ -e "$_e" ] && echo "${_e##*/}"
	done | sort
}

# Kernel messages from here on are the tests' to judge.
echo "rustwhere-test: start" > /dev/kmsg
klog() {
	dmesg | sed -n '/rustwhere-test: start/,$p'
}
taint_before=$(cat /proc/sys/kernel/tainted)

# --- loading ---------------------------------------------------------------

if out=$(insmod "$ko" 2>&1); then
	ok "insmod $ko"
else
	not_ok "insmod $ko" "$out"
	bail "the module does not load"
fi

check_modinfo() {
	version=$(cat "$top/VERSION")
	info=$(modinfo "$ko") || return 1
	echo "$info"
	echo "$info" | grep -q '^license: *GPL$' &&
		echo "$info" | grep -q '^description: *..*' &&
		echo "$info" | grep -q '^author: *The rustwhere project$' &&
		echo "$info" | grep -q "^version: *$version\$" &&
		[ "$(cat /sys/module/rustwhere/version)" = "$version" ]
}
check "modinfo: license GPL, description, author, version" check_modinfo

check_dir() {
	st=$(stat -c '%F %a %u %g' $proc) || return 1
	echo "$proc: $st"
	[ "$st" = "directory 555 0 0" ]
}
check "$proc is a directory, mode 0555, owned by root" check_dir

check_names() {
	got=$(entries "$proc" | tr '\n' ' ')
	want=$(echo "$files" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
	echo "have: $got"
	echo "want: $want"
	[ "$got" = "$want" ]
}
check "the files are index, about and one per domain of index ($ndomains)" check_names

check_file() {
	st=$(stat -c '%F %a %u %g %s' "$proc/$1") || return 1
	size=$(wc -c < "$ref/$1")
	echo "$1: $st (reference: $size bytes)"
	[ "$st" = "regular file 444 0 0 $size" ] || return 1
	cmp "$proc/$1" "$ref/$1"
}
for f in $files; do
	check "$f: mode 0444, root, stat size is the true size, content as built" check_file "$f"
done

# --- the format ------------------------------------------------------------

check_domain_format() {
	f=$proc/$1
	[ -s "$f" ] || { echo "empty"; return 1; }
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || { echo "no final newline"; return 1; }
	keys=$(sed 's/: .*//' "$f" | tr '\n' ' ')
	[ "$keys" = "name title summary projects body " ] || { echo "keys: $keys"; return 1; }
	bad=$(grep -v -E '^[a-z]+: [^ ].*$' "$f") && { echo "not key: value: $bad"; return 1; }
	[ "$(sed -n 's/^name: //p' "$f")" = "$1" ] || { echo "name is not $1"; return 1; }
	title=$(sed -n 's/^title: //p' "$f")
	grep -qxF "$1: $title" $proc/index || { echo "index has no line '$1: $title'"; return 1; }
	"$probe" utf8 "$f"
}
for d in $domains; do
	check "$d: UTF-8 key: value lines name, title, summary, projects, body; index agrees" \
		check_domain_format "$d"
done

check_about() {
	keys=$(sed 's/: .*//' $proc/about | tr '\n' ' ')
	[ "$keys" = "title claim pattern " ] || { echo "keys: $keys"; return 1; }
	bad=$(grep -v -E '^[a-z]+: [^ ].*$' $proc/about) && { echo "bad line: $bad"; return 1; }
	"$probe" utf8 $proc/about
}
check "about: title, claim, pattern" check_about

check_index() {
	bad=$(grep -v -E "^$name_re: [^ ].*\$" $proc/index) && { echo "bad line: $bad"; return 1; }
	[ "$(wc -l < $proc/index)" -eq "$ndomains" ]
}
check "index: one name: title line per domain, each name as module/rustwhere_name.h rules" check_index

# --- reading ---------------------------------------------------------------

for f in $files; do
	check "$f: read(2) with every buffer size gives the same bytes" "$probe" reads "$proc/$f" "$ref/$f"
	check "$f: pread(2) at every offset, 0 bytes past the end" "$probe" preads "$proc/$f" "$ref/$f"
	check "$f: lseek(2) SEEK_SET, SEEK_CUR, SEEK_END" "$probe" seeks "$proc/$f" "$ref/$f"
done

# --- what must fail --------------------------------------------------------

check_write() {
	"$probe" write "$proc/$1" || return 1
	if (echo x > "$proc/$1") 2>/dev/null; then
		echo "shell redirection wrote"
		return 1
	fi
	cmp "$proc/$1" "$ref/$1"
}
check "write as root fails and changes nothing" check_write "$(domain 1)"
check "other users cannot open for writing (EACCES) but can read" "$probe" asuser 65534 "$proc/$(domain 2)"
check "mmap is refused" "$probe" mmap "$proc/$(domain 3)"

check_efault() {
	before=$(klog | wc -l)
	"$probe" efault "$proc/$1" "$ref/$1" || return 1
	after=$(klog | wc -l)
	[ "$before" -eq "$after" ] || { klog | tail -n $((after - before)); return 1; }
}
check "a bad user buffer gets EFAULT, and the kernel logs nothing" check_efault "$(domain 4)"

check_second_insmod() {
	if insmod "$ko" 2>&1; then
		echo "the second insmod succeeded"
		return 1
	fi
	cmp $proc/index "$ref/index" && [ "$(entries "$proc" | wc -l)" -eq "$nfiles" ]
}
check "a second insmod fails cleanly and leaves the first intact" check_second_insmod

# --- concurrency -----------------------------------------------------------

# rwprobe's readers, not cat: 8 readers of 50 rounds of cat took 38 of
# the 45 s of a guest suite under TCG, all of it in fork and exec.
check_concurrent() {
	# shellcheck disable=SC2086 # $files: the names, as words
	"$probe" readers 8 100 "$proc" "$ref" $files
}
check "8 concurrent readers all see identical bytes" check_concurrent

# --- the reader against the real files -------------------------------------

if [ -x "$reader" ]; then
	check_reader() {
		mkdir -p "$tmp/copy"
		for f in $files; do
			cp "$proc/$f" "$tmp/copy/$f" || return 1
		done
		"$reader" --color=never --width 80 --all > "$tmp/r-proc" || return 1
		"$reader" --root "$tmp/copy" --color=never --width 80 --all > "$tmp/r-copy" || return 1
		"$reader" --root "$ref" --color=never --width 80 --all > "$tmp/r-ref" || return 1
		"$reader" -J > "$tmp/r-json" || return 1
		"$reader" > "$tmp/r-table" || return 1
		cmp "$tmp/r-proc" "$tmp/r-copy" && cmp "$tmp/r-proc" "$tmp/r-ref" || return 1
		# Every domain of index, in the JSON and in the table.
		for d in $domains; do
			grep -q "\"$d\"" "$tmp/r-json" || { echo "-J lacks $d"; return 1; }
			grep -q "^$d " "$tmp/r-table" || { echo "the table lacks $d"; return 1; }
		done
	}
	check "the reader formats the module's files as it does the same content elsewhere" check_reader
	# --version names the loaded module's version too; the two agree, so
	# nothing warns.
	check_reader_version() {
		out=$("$reader" --version 2> "$tmp/r-version-err") || return 1
		echo "$out"
		cat "$tmp/r-version-err"
		[ "$(echo "$out" | sed -n 2p)" = "module $(cat /sys/module/rustwhere/version)" ] &&
			[ "$(echo "$out" | sed -n 1p)" = "rustwhere $(cat /sys/module/rustwhere/version)" ] &&
			[ ! -s "$tmp/r-version-err" ]
	}
	check "rustwhere --version names the loaded module's version, the reader's own" check_reader_version
	# The host compares this with its own output for the same content.
	echo "# reader-output-begin"
	"$reader" --color=never --width 80 --all 2>&1 | sed 's/^/# | /'
	echo "# reader-output-end"
else
	echo "# no reader at $reader: its guest tests are left out"
fi

# --- unloading while a file is open ----------------------------------------

check_rmmod_open() {
	mkfifo "$tmp/go" || return 1
	"$probe" hold "$proc/$(domain "$ndomains")" < "$tmp/go" > "$tmp/hold" 2>&1 &
	pid=$!
	exec 4> "$tmp/go"
	i=0
	until grep -q ready "$tmp/hold" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "the holder never got ready"; cat "$tmp/hold"; return 1; }
		sleep 0.1
	done
	rmmod rustwhere || return 1
	[ ! -e $proc ] || { echo "$proc still there"; return 1; }
	echo go >&4
	exec 4>&-
	wait $pid
	rc=$?
	cat "$tmp/hold"
	return $rc
}
check "rmmod while a file is held open: the holder gets EIO or EOF, the directory goes" check_rmmod_open

check_unloaded() {
	[ ! -e $proc ] && ! grep -q '^rustwhere ' /proc/modules
}
check "after rmmod, no $proc and no module" check_unloaded

if [ -x "$reader" ]; then
	# Why it is not there: a rustwhere.ko* for this kernel that is not
	# loaded (modprobe); then, with that file moved away, none (the
	# headers, DKMS, make install).
	reader_unloaded_says() {
		out=$("$reader" 2>&1)
		rc=$?
		echo "exit $rc: $out"
		[ $rc -eq 3 ] && echo "$out" | grep -q "$1" && echo "$out" | grep -q "$2"
	}
	check_reader_unloaded() {
		ko_here=$(find "/lib/modules/$(uname -r)" -name 'rustwhere.ko*' 2>/dev/null | head -n 1)
		if [ -n "$ko_here" ]; then
			reader_unloaded_says "the rustwhere module is installed ($ko_here) but not loaded" \
				"load it with 'sudo modprobe rustwhere'" || return 1
			mv "$ko_here" "$tmp/ko-aside" || return 1
		fi
		reader_unloaded_says "the rustwhere module is not installed for this kernel, $(uname -r) " \
			"sudo apt-get install linux-headers-$(uname -r)"
		rc=$?
		[ -z "$ko_here" ] || mv "$tmp/ko-aside" "$ko_here" || return 1
		return $rc
	}
	check "the reader says why the module is not there (installed but not loaded; not installed), exit status 3" \
		check_reader_unloaded
fi

# --- modprobe --------------------------------------------------------------

# Where the module is installed (make install, DKMS, the initramfs) and is
# the one under test, modprobe must load and unload it.
installed=$(modinfo -n rustwhere 2>/dev/null || true)
case $installed in
/*) ;;
*) installed=$(find "/lib/modules/$(uname -r)" -name 'rustwhere.ko*' 2>/dev/null | head -n 1) ;;
esac
if [ -n "$installed" ] && cmp -s "$installed" "$ko"; then
	check_modprobe() {
		echo "installed: $installed"
		modprobe rustwhere || return 1
		cmp $proc/index "$ref/index" || return 1
		modprobe -r rustwhere || return 1
		[ ! -e $proc ]
	}
	check "modprobe loads the installed module and modprobe -r unloads it" check_modprobe
else
	echo "# the module under test is not installed for $(uname -r): modprobe not tested"
fi

# --- init unwinds ----------------------------------------------------------

if [ -n "$fault_ko" ]; then
	# The directory, then each file: that many entries init creates.
	steps=$((nfiles + 1))
	check_fault() {
		modinfo "$fault_ko" | grep -q '^parm: *fail_at:' ||
			{ echo "$fault_ko is not a fault-injection build"; return 1; }
		k=1
		while [ $k -le "$steps" ]; do
			if insmod "$fault_ko" fail_at=$k 2>"$tmp/err"; then
				echo "fail_at=$k: insmod succeeded"
				rmmod rustwhere
				return 1
			fi
			grep -q -i 'memory' "$tmp/err" || { echo "fail_at=$k: $(cat "$tmp/err")"; return 1; }
			if [ -e $proc ] || grep -q '^rustwhere ' /proc/modules; then
				echo "fail_at=$k: left $proc or the module behind"
				return 1
			fi
			k=$((k + 1))
		done
		# One past the last step: init succeeds and everything is there.
		insmod "$fault_ko" fail_at=$k || return 1
		have=$(entries "$proc" | wc -l)
		rmmod rustwhere || return 1
		echo "init failed cleanly at each of $steps steps; fail_at=$k made $have files"
		[ "$have" -eq "$nfiles" ] && [ ! -e $proc ]
	}
	check "init failing at any step unwinds: no $proc, no module" check_fault
else
	echo "# no fault-injection build given (-f): init unwinding not tested"
fi

# --- load/unload cycles raced by readers -----------------------------------

check_cycles() {
	rm -f "$tmp/stop"
	"$probe" race "$proc/$(domain 1)" "$ref/$(domain 1)" "$tmp/stop" > "$tmp/race1" 2>&1 &
	r1=$!
	"$probe" race $proc/index "$ref/index" "$tmp/stop" > "$tmp/race2" 2>&1 &
	r2=$!
	i=0
	rc=0
	while [ $i -lt "$cycles" ]; do
		insmod "$ko" || { rc=1; break; }
		cat $proc/about > /dev/null || { rc=1; break; }
		rmmod rustwhere || { rc=1; break; }
		i=$((i + 1))
	done
	touch "$tmp/stop"
	wait $r1 || rc=1
	wait $r2 || rc=1
	echo "$i cycles; readers: $(cat "$tmp/race1") / $(cat "$tmp/race2")"
	[ ! -e $proc ] || rc=1
	return $rc
}
check "$cycles insmod/rmmod cycles with readers racing them" check_cycles

# --- the kernel's verdict --------------------------------------------------

check_taint() {
	now=$(cat /proc/sys/kernel/tainted)
	new=$((now & ~taint_before))
	echo "tainted before: $taint_before, now: $now (O = 4096, E = 8192)"
	[ $((new & ~(4096 | 8192))) -eq 0 ] && [ $((now & 4096)) -ne 0 ]
}
check "loading taints with nothing but O (out-of-tree) and E (unsigned)" check_taint

check_klog() {
	bad=$(klog | grep -E 'WARNING|BUG|Oops|Call Trace|general protection|KASAN|UBSAN|kmemleak|refcount_t|list_(add|del) corruption')
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	# The module itself says nothing; the loader's taint notes are all.
	said=$(klog | grep -i 'rustwhere' | grep -v -e 'rustwhere-test' \
		-e 'loading out-of-tree module taints kernel' \
		-e 'module verification failed')
	[ -z "$said" ] || { echo "unexpected: $said"; return 1; }
	klog | grep -v 'rustwhere-test' | sed 's/^/kernel: /' | head -n 5
}
check "dmesg shows no WARNING, BUG, Oops or Call Trace, and nothing from the module" check_klog

tap_end
