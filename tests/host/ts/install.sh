# SPDX-License-Identifier: GPL-2.0
#
# The build and the installation: the man page, make install and
# uninstall, the version from VERSION, the build flags.
# Sourced by tests/host/run.sh.
# shellcheck shell=bash

# What run.sh and functions.sh set (see functions.sh).
: "${tmp:?}" "${userspace:?}" "${top:?}" "${update:?}"

check_man() {
	local sec out page
	for page in rustwhere.1 proc_rustwhere.5; do
		out=$(groff -man -ww -z "$tmp/build/gcc/$page" 2>&1)
		[ -z "$out" ] || { echo "$page: $out"; return 1; }
	done
	out=$(MANWIDTH=80 man -l "$tmp/build/gcc/rustwhere.1" 2>&1) || return 1
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "OUTPUT COLUMNS" \
		"EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -q "^$sec\$" <<< "$out" || { echo "no section $sec"; return 1; }
	done
	grep -q 'proc_rustwhere(5)' <<< "$out"
}

check_install() {
	local d=$tmp/destdir f
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" PREFIX=/usr || return 1
	for f in bin/rustwhere share/man/man1/rustwhere.1 share/bash-completion/completions/rustwhere \
		share/zsh/vendor-completions/_rustwhere share/fish/vendor_completions.d/rustwhere.fish; do
		[ -f "$d/usr/$f" ] || { echo "not installed: $f"; return 1; }
	done
	cmp "$d/usr/share/man/man1/rustwhere.1" "$tmp/build/gcc/rustwhere.1" ||
		{ echo "the installed page is not the one made from rustwhere.1.in"; return 1; }
	[ -x "$d/usr/bin/rustwhere" ] || return 1
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" uninstall DESTDIR="$d" PREFIX=/usr || return 1
	[ -z "$(find "$d" -type f)" ] || { find "$d" -type f; return 1; }
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" || return 1
	[ -x "$d/usr/local/bin/rustwhere" ]
}

# The version comes from VERSION only, through a -D define and @VERSION@:
# no source file of the reader spells it.
check_version_source() {
	make -n -C "$userspace" OBJDIR="$tmp/build/dry" 2>&1 |
		grep -qF -- "-DRUSTWHERE_VERSION='\"$(cat "$top/VERSION")\"'" ||
		{ echo "no -DRUSTWHERE_VERSION from VERSION"; return 1; }
	! grep -rnF -- "$(cat "$top/VERSION")" "$userspace"/*.c "$userspace"/*.h \
		"$userspace"/*.in "$userspace"/Makefile "$userspace"/rustwhere.*-completion
}

# The man pages are made from their .in, whose .TH lines say @VERSION@;
# the made pages say VERSION, and so do they when VERSION changes.
check_man_version() {
	local page sec th version d=$tmp/version-top
	version=$(cat "$top/VERSION")
	for page in rustwhere.1 proc_rustwhere.5; do
		sec=${page##*.}
		grep -q '^\.TH [A-Z_]* '"$sec"' "[^"]*" "rustwhere @VERSION@" ' "$userspace/$page.in" ||
			{ echo "$page.in: $(sed -n 2p "$userspace/$page.in")"; return 1; }
		th=$(sed -n 's/^\.TH [A-Z_]* '"$sec"' "[^"]*" "rustwhere \([^"]*\)" .*/\1/p' \
			"$tmp/build/gcc/$page")
		[ "$th" = "$version" ] ||
			{ echo "$page .TH says '$th', VERSION '$version'"; return 1; }
	done
	# Another VERSION: a copy of the tree with 9.8.7.
	mkdir -p "$d"
	cp -r "$userspace" "$d/userspace"
	echo 9.8.7 > "$d/VERSION"
	make -s -C "$d/userspace" OBJDIR="$d/o" man || return 1
	{ grep -q '^\.TH RUSTWHERE 1 "[^"]*" "rustwhere 9\.8\.7" ' "$d/o/rustwhere.1" &&
		grep -q '^\.TH PROC_RUSTWHERE 5 "[^"]*" "rustwhere 9\.8\.7" ' "$d/o/proc_rustwhere.5"; } ||
		{ echo "VERSION 9.8.7: $(sed -n 2p "$d/o/rustwhere.1" "$d/o/proc_rustwhere.5")"; return 1; }
}

# CPPFLAGS, CFLAGS and LDFLAGS reach the compiler and the linker, as
# dpkg-buildflags passes them, and EXTRA_CFLAGS adds to CFLAGS.
check_build_flags() {
	local out
	out=$(make -n -C "$userspace" OBJDIR="$tmp/build/flags" CPPFLAGS=-DRW_CPPFLAGS_SEEN \
		CFLAGS="-O2 -DRW_CFLAGS_SEEN" EXTRA_CFLAGS=-DRW_EXTRA_SEEN \
		LDFLAGS=-Wl,-z,relro,-z,now 2>&1) || { echo "$out"; return 1; }
	# Every compile has the three; the link has LDFLAGS.
	grep -- ' -c ' <<< "$out" | grep -v -- '-DRW_CPPFLAGS_SEEN.*-DRW_CFLAGS_SEEN.*-DRW_EXTRA_SEEN' &&
		{ echo "a compile without CPPFLAGS, CFLAGS and EXTRA_CFLAGS"; return 1; }
	grep -q -- ' -c .*/main\.c$' <<< "$out" || { echo "$out"; return 1; }
	grep -- ' -o [^ ]*/rustwhere ' <<< "$out" | grep -q -- '-Wl,-z,relro,-z,now' ||
		{ echo "the link lacks LDFLAGS"; echo "$out"; return 1; }
}

# kbuild-tools.sh (module/Kbuild's and dkms.conf's): silent where every
# command is there; else each missing one with its Debian package, the
# native compiler's, a cross compiler's, clang's and LLVM's.
check_kbuild_tools() {
	local out want native
	if ! out=$("$top/kbuild-tools.sh" sh cat) || [ -n "$out" ]; then
		echo "sh, cat: $out"
		return 1
	fi
	native=$(gcc -dumpmachine) || return 1
	want="$native-gcc-99 (apt-get install gcc-99), aarch64-linux-gnu-gcc-99 (apt-get install gcc-99-aarch64-linux-gnu)"
	want="$want, clang-99 (apt-get install clang-99), ld.lld-99 (apt-get install lld-99)"
	want="$want, llvm-objcopy-99 (apt-get install llvm-99), powerpc64le-linux-gnu-ld (apt-get install binutils-powerpc64le-linux-gnu)"
	out=$("$top/kbuild-tools.sh" sh "$native-gcc-99" aarch64-linux-gnu-gcc-99 clang-99 ld.lld-99 \
		llvm-objcopy-99 powerpc64le-linux-gnu-ld clang-99) && { echo "exit 0: $out"; return 1; }
	[ "$out" = "$want" ] || { printf 'got:  %s\nwant: %s\n' "$out" "$want"; return 1; }
}

[ "$update" -eq 1 ] && return 0
t_check "man pages (made from .in): groff -ww without warnings, every section" check_man
t_check "make install and uninstall honour DESTDIR and PREFIX" check_install
t_check "the version comes from VERSION alone, as -DRUSTWHERE_VERSION" check_version_source
t_check "the man pages' .TH lines carry VERSION, made from @VERSION@" check_man_version
t_check "make honours CPPFLAGS, CFLAGS, EXTRA_CFLAGS and LDFLAGS" check_build_flags
t_check "kbuild-tools.sh names the Debian package of each command the headers build with that is missing" \
	check_kbuild_tools
