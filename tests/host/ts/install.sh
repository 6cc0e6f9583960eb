# SPDX-License-Identifier: GPL-2.0
#
# The build and the installation: the man page, make install and
# uninstall, the version from VERSION, the build flags.
# Sourced by tests/host/run.sh.

check_man() {
	local sec out
	out=$(groff -man -ww -z "$userspace/rustwhere.1" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
	out=$(MANWIDTH=80 man -l "$userspace/rustwhere.1" 2>&1) || return 1
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "OUTPUT COLUMNS" \
		"EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -q "^$sec\$" <<< "$out" || { echo "no section $sec"; return 1; }
	done
	grep -q 'proc_rustwhere(5)' <<< "$out"
}

check_install() {
	local d=$tmp/destdir f
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" PREFIX=/usr || return 1
	for f in bin/rustwhere share/man/man1/rustwhere.1 share/bash-completion/completions/rustwhere; do
		[ -f "$d/usr/$f" ] || { echo "not installed: $f"; return 1; }
	done
	[ -x "$d/usr/bin/rustwhere" ] || return 1
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" uninstall DESTDIR="$d" PREFIX=/usr || return 1
	[ -z "$(find "$d" -type f)" ] || { find "$d" -type f; return 1; }
	make -s -C "$userspace" OBJDIR="$tmp/build/gcc" install DESTDIR="$d" || return 1
	[ -x "$d/usr/local/bin/rustwhere" ]
}

# The version comes from VERSION only, through a -D define; the man page
# has it in its .TH line, where it must be VERSION's.
check_version_source() {
	make -n -C "$userspace" OBJDIR="$tmp/build/dry" 2>&1 |
		grep -qF -- "-DRUSTWHERE_VERSION='\"$(cat "$top/VERSION")\"'" ||
		{ echo "no -DRUSTWHERE_VERSION from VERSION"; return 1; }
	! grep -rnF -- "$(cat "$top/VERSION")" "$userspace"/*.c "$userspace"/*.h \
		"$userspace"/Makefile "$userspace"/rustwhere.bash-completion
}

check_man_version() {
	local th
	th=$(sed -n 's/^\.TH RUSTWHERE 1 "[^"]*" "rustwhere \([^"]*\)" .*/\1/p' "$userspace/rustwhere.1")
	[ "$th" = "$(cat "$top/VERSION")" ] ||
		{ echo "rustwhere.1 .TH says '$th', VERSION '$(cat "$top/VERSION")'"; return 1; }
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

[ "$update" -eq 1 ] && return 0
t_check "man page: groff -ww without warnings, every section" check_man
t_check "make install and uninstall honour DESTDIR and PREFIX" check_install
t_check "the version comes from VERSION alone, as -DRUSTWHERE_VERSION" check_version_source
t_check "the man page's .TH line carries the version in VERSION" check_man_version
t_check "make honours CPPFLAGS, CFLAGS, EXTRA_CFLAGS and LDFLAGS" check_build_flags
