# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the harnesses that pack an initramfs (tests/vm/run.sh,
# tests/debug/run.sh).

# copy_with_libs PROG DESTROOT DEST: PROG at DESTROOT/DEST, and the shared
# libraries ldd lists for it at the same paths under DESTROOT.
copy_with_libs() {
	install -D -m 0755 "$1" "$2/$3"
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^\s*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do
		install -D -m 0755 "$lib" "$2$lib"
	done
}
