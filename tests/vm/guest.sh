# SPDX-License-Identifier: GPL-2.0
#
# The programs a guest runs, for each architecture of the matrix, and the
# initramfs that holds them.  Sourced by tests/vm/run.sh, with $top and
# $O set.
#
#   guest_programs ARCH     busybox-static of ARCH (from the archive), the
#                           static guest helper rwprobe and benchmark
#                           rwbench, the reader with its shared libraries
#                           and coreutils' cat (the benchmark's anchor), in
#                           $O/guest/ARCH; the foreign ones cross-built in
#                           the bookworm root, their cat from its archive
#   initramfs_base ROOT ARCH KO FAULT_KO [CONTENT]
#                           a tree at ROOT: busybox, /init, the modules
#                           (KO also where modprobe finds it), the guest
#                           suite, the content the modules were built with
#                           (CONTENT, default module/content), the rule for
#                           a domain's name, the reader and the benchmark
#   initramfs_pack ROOT OUT pack ROOT as a gzip'ed newc cpio at OUT
#   copy_with_libs PROG DESTROOT DEST [LIBROOT]
#                           PROG at DESTROOT/DEST and the shared libraries
#                           it needs (found under LIBROOT, default /) at the
#                           same paths under DESTROOT
# shellcheck shell=sh

: "${top:?guest.sh: no \$top, the top of the project}"
: "${O:?guest.sh: no \$O, the build directory}"
: "${guest_suite:?guest.sh: no \$guest_suite: source tests/vm/apt.sh first}"

# The GNU triplet, the cross compiler prefix and the libc6-dev-*-cross
# package of each architecture.
triplet_of() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	i386) echo i686-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	s390x) echo s390x-linux-gnu ;;
	*) return 1 ;;
	esac
}

# elf_triplet FILE: the multiarch directory name of an ELF file's machine.
elf_triplet() {
	case $(readelf -h "$1" | sed -n 's/^ *Machine: *//p') in
	*X86-64*) echo x86_64-linux-gnu ;;
	*80386*) echo i386-linux-gnu ;;
	AArch64) echo aarch64-linux-gnu ;;
	ARM) echo arm-linux-gnueabihf ;;
	"IBM S/390") echo s390x-linux-gnu ;;
	*) return 1 ;;
	esac
}

copy_with_libs() {
	_cwl_dest=$2
	_cwl_root=${4:-}
	install -D -m 0755 "$1" "$_cwl_dest/$3" || return 1
	_cwl_tri=$(elf_triplet "$1") || { echo "guest.sh: $1: not an ELF file of the matrix" >&2; return 1; }
	# The interpreter and the libraries each file names, through the
	# search path of its architecture, until none is new (readelf reads
	# any architecture; ldd runs only this machine's).
	_cwl_queue=$1
	_cwl_seen=
	while [ -n "$_cwl_queue" ]; do
		set -f
		# shellcheck disable=SC2086 # split the queue into its paths
		set -- $_cwl_queue
		set +f
		_cwl_f=$1
		shift
		_cwl_queue=$*
		for _cwl_lib in $(readelf -l "$_cwl_f" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p') \
			$(readelf -d "$_cwl_f" | sed -n 's/.*Shared library: \[\(.*\)\]$/\1/p'); do
			case " $_cwl_seen " in *" ${_cwl_lib##*/} "*) continue ;; esac
			_cwl_seen="$_cwl_seen ${_cwl_lib##*/}"
			_cwl_path=
			case $_cwl_lib in
			/*) [ -e "$_cwl_root$_cwl_lib" ] && _cwl_path=$_cwl_lib ;;
			*)
				for _cwl_d in /lib/$_cwl_tri /usr/lib/$_cwl_tri /lib /usr/lib; do
					if [ -e "$_cwl_root$_cwl_d/$_cwl_lib" ]; then
						_cwl_path=$_cwl_d/$_cwl_lib
						break
					fi
				done
				;;
			esac
			[ -n "$_cwl_path" ] ||
				{ echo "guest.sh: no $_cwl_lib for ${_cwl_f##*/} under ${_cwl_root:-/}" >&2; return 1; }
			install -D -m 0755 "$(readlink -f "$_cwl_root$_cwl_path")" "$_cwl_dest$_cwl_path" || return 1
			_cwl_queue="$_cwl_queue $_cwl_root$_cwl_path"
		done
	done
}

# deb_part PKG:ARCH PATH OUT: PATH (a file or a directory) of the guest
# suite's package PKG for ARCH, copied to OUT, once.
deb_part() {
	[ -e "$3" ] && return 0
	_dp_t=$3.deb.d
	rm -rf "$_dp_t"
	mkdir -p "$_dp_t"
	(cd "$_dp_t" && apt_suite "$guest_suite" apt-get download -q "$1" > download.log 2>&1) ||
		{ echo "guest.sh: cannot download $1" >&2; return 1; }
	dpkg-deb -x "$_dp_t"/*.deb "$_dp_t/x" && cp -r "$_dp_t/x/$2" "$3" || return 1
	rm -rf "$_dp_t"
}

# guest_programs ARCH: sets g_busybox, g_rwprobe, g_rwbench, g_reader
# (empty where there is none), g_cat, g_libroot, the root the libraries
# of the reader and cat come from, and g_locale, the C.UTF-8 locale the
# reader measures text in (libc-bin's: compiled locales are in the byte
# order of their architecture, and s390x is big-endian).
guest_programs() {
	_g_gdir=$O/guest/$1
	mkdir -p "$_g_gdir"
	g_busybox=$_g_gdir/busybox
	deb_part "busybox-static:$1" bin/busybox "$g_busybox" || return 1
	if [ "$1" = "$(dpkg --print-architecture)" ]; then
		# This machine's: the programs "make" built.
		g_rwprobe=$top/tests/guest/rwprobe
		g_rwbench=$top/tests/bench/rwbench
		g_reader=$top/userspace/rustwhere
		[ -x "$g_reader" ] || g_reader=
		g_cat=$(command -v cat)
		g_libroot=
		g_locale=/usr/lib/locale/C.utf8
		return 0
	fi
	_g_tri=$(triplet_of "$1")
	_g_multiarch=$(dpkg-architecture -a "$1" -qDEB_HOST_MULTIARCH 2> /dev/null)
	_g_groot=$("$top/tests/vm/roots.sh" ensure "$guest_suite" "gcc-$_g_tri" "libc6-dev-$1-cross" \
		"libsmartcols-dev:$1" "libc6-dev:$1" pkg-config) || return 1
	g_rwprobe=$_g_gdir/rwprobe
	g_reader=$_g_gdir/rustwhere
	g_libroot=$_g_groot
	g_rwbench=$_g_gdir/rwbench
	for _g_src in tests/guest/rwprobe.c tests/bench/rwbench.c; do
		_g_out=$_g_gdir/$(basename "$_g_src" .c)
		if [ ! -x "$_g_out" ] || [ -n "$(find "$top/$_g_src" -newer "$_g_out")" ]; then
			"$top/tests/vm/roots.sh" run "$guest_suite" "$_g_tri-gcc" -static -std=gnu11 -O2 -Wall -Wextra \
				-Wformat=2 -o "$_g_out" "$top/$_g_src" || return 1
		fi
	done
	# coreutils' cat of ARCH, dynamically linked like the reader; its
	# libraries are the root's (libc6:ARCH).
	g_cat=$_g_gdir/cat
	deb_part "coreutils:$1" bin/cat "$g_cat" || return 1
	g_locale=$_g_gdir/C.utf8
	deb_part "libc-bin:$1" usr/lib/locale/C.utf8 "$g_locale" || return 1
	"$top/tests/vm/roots.sh" run "$guest_suite" env PKG_CONFIG_LIBDIR="/usr/lib/$_g_multiarch/pkgconfig" \
		make -s -C "$top/userspace" OBJDIR="$_g_gdir/reader" CC="$_g_tri-gcc" AR="$_g_tri-ar" > "$_g_gdir/reader.log" 2>&1 ||
		{ cat "$_g_gdir/reader.log" >&2; return 1; }
	# Warning-free, as on this machine.
	if grep -q 'warning:' "$_g_gdir/reader.log"; then
		cat "$_g_gdir/reader.log" >&2
		return 1
	fi
	cp "$_g_gdir/reader/rustwhere" "$g_reader"
}

# initramfs_base ROOT ARCH KO FAULT_KO [CONTENT] (after guest_programs ARCH).
initramfs_base() {
	_g_r=$1
	rm -rf "$_g_r"
	mkdir -p "$_g_r/bin" "$_g_r/etc" "$_g_r/rustwhere/module" "$_g_r/rustwhere/fault" "$_g_r/rustwhere/tests/guest" \
		"$_g_r/rustwhere/tests/vm"
	cp "$g_busybox" "$_g_r/bin/busybox"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$_g_r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$_g_r/etc/group"
	install -m 0755 "$top/tests/vm/init" "$_g_r/init"
	cp "$3" "$_g_r/rustwhere/module/rustwhere.ko"
	# Also where "make install" puts it, for modprobe; /init runs depmod.
	_g_kver=$(modinfo -F vermagic "$3" | cut -d' ' -f1)
	install -D -m 0644 "$3" "$_g_r/lib/modules/$_g_kver/updates/rustwhere.ko"
	cp "$4" "$_g_r/rustwhere/fault/rustwhere.ko"
	cp -r "${5:-$top/module/content}" "$_g_r/rustwhere/module/content"
	cp "$top/module/rustwhere_name.h" "$_g_r/rustwhere/module/"
	cp "$top/VERSION" "$_g_r/rustwhere/VERSION"
	install -m 0755 "$top/tests/guest/run.sh" "$g_rwprobe" "$_g_r/rustwhere/tests/guest/"
	install -m 0644 "$top/tests/tap.sh" "$_g_r/rustwhere/tests/"
	install -m 0755 "$top/tests/vm/demo.sh" "$_g_r/rustwhere/tests/vm/"
	install -D -m 0755 "$g_rwbench" "$_g_r/rustwhere/tests/bench/rwbench"
	copy_with_libs "$g_cat" "$_g_r" /rustwhere/tests/bench/cat "$g_libroot" || return 1
	if [ -n "$g_reader" ]; then
		copy_with_libs "$g_reader" "$_g_r" /rustwhere/userspace/rustwhere "$g_libroot" || return 1
		# The reader measures text in the C.UTF-8 locale (libc-bin's).
		if [ -d "$g_locale" ]; then
			mkdir -p "$_g_r/usr/lib/locale"
			cp -r "$g_locale" "$_g_r/usr/lib/locale/C.utf8"
		fi
	fi
}

initramfs_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$2"
}
