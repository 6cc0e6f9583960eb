# SPDX-License-Identifier: GPL-2.0
#
# The module built against a row of the kernel matrix, in the build root
# of the kernel's own release, with its own compiler.  Sourced by
# tests/vm/run.sh and tests/lint.sh, with $top and $O set.
#
#   build_module KERNEL_DIR NAME [MAKE ARGS...]
#       reads KERNEL_DIR/row (tests/vm/kernels.sh fetch), copies the
#       sources to $O/RELEASE/NAME and builds them there with "make
#       module KDIR=...", W=1 and MAKE ARGS (C=2 for sparse,
#       RUSTWHERE_FAULT_INJECT=y, ...); prints the
#       .ko path, or on failure what went wrong.  Everything the build
#       prints but kbuild's own progress lines is a finding, and a finding
#       fails it (make exits 0 when W=1 or sparse warn).  With
#       build_content set, the module is built with that directory as its
#       content/ (the eighth-domain test of tests/vm/run.sh; no stamp
#       then).  With C=2,
#       sparse is installed in the root.  The build leaves
#       $O/RELEASE/NAME/stamp (build_stamp of its MAKE ARGS) and, when
#       it passed, $O/RELEASE/NAME/passed, so that tests/lint.sh can read
#       the result of a build tests/vm/run.sh made in place of making it
#       again.
#   row_root KERNEL_DIR [MAKE ARGS...]
#       the build root of the row's release, with what a build with MAKE
#       ARGS needs; sets _bm_in (below)
#   module_tree DIR [PATH...]
#       a copy of what "make module" builds from, and of PATHs, in DIR
#   build_stamp [MAKE ARGS...]
#       what the build of the tree's sources with W=1 and MAKE ARGS is:
#       its arguments and the sha256 of its sources.
#   ko_compiler KO
#       the compiler that built KO, as its .comment section says it
#       ("GCC: (Debian 14.2.0-19) 14.2.0", "Debian clang version 14.0.6").
#   sparse_blocked KERNEL_DIR
#       why the kernel will not run sparse over the module, or nothing.
# shellcheck shell=sh

: "${top:?build.sh: no \$top, the top of the project}"
: "${O:?build.sh: no \$O, the build directory}"

# What kbuild prints of its own: directories, and the quiet "  CC [M]
# path" lines (absolute paths before 6.13, relative after); and the
# command "make module" runs.
kbuild_noise='^make(\[[0-9]+\])?: |^  [A-Z][A-Z0-9_]* +(\[M\] +)?[^ ]+$|^Skipping BTF generation|^make -C [^ ]+ M=[^ ]+( LLVM=[^ ]+)? modules$'

build_stamp() {
	echo "make W=1 $*"
	(cd "$top" && find Makefile Kbuild kbuild-tools.sh VERSION module -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name '*.sh' -o -path 'module/content/*' \) \
		! -name '*.mod.c' | LC_ALL=C sort | xargs sha256sum)
}

ko_compiler() {
	readelf -p .comment "$1" | sed -n 's/^ *\[ *[0-9a-f]*\]  *//p' | grep -v '^Linker:' | head -n 1
}

sparse_blocked() {
	_sb_kdir=$(sed -n 's/^kdir=//p' "$1/row")
	_sb_common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$_sb_kdir/Makefile" | head -n 1)
	# Debian's 7.x headers call scripts/checker-valid.sh to vet sparse,
	# but do not ship it: the kernel turns C=2 off, and says so.
	if grep -qs 'checker-valid.sh' "$_sb_common/Makefile" && [ ! -e "$_sb_common/scripts/checker-valid.sh" ]; then
		echo "the headers lack scripts/checker-valid.sh, so the kernel will not run sparse"
	fi
}

# row_root KERNEL_DIR [MAKE ARGS...]: reads KERNEL_DIR/row and makes sure
# the build root of the kernel's release has what a build with MAKE ARGS
# needs (root_pkgs; sparse for C=2); _bm_in is then the command that runs
# a command in that root (none for the debug kernel: this machine built
# it).  tests/warm.sh makes them ahead with it.
row_root() {
	# What the row file (written by kernels.sh fetch) sets.
	release='' build_suite='' root_pkgs='' kdir='' cross=''
	# shellcheck disable=SC1091 # written by kernels.sh fetch
	. "$1/row"
	if [ -z "$release" ] || [ -z "$kdir" ]; then
		echo "$1/row: not a row of kernels.sh fetch"
		return 1
	fi
	shift
	case " $* " in
	*" C=2 "*) root_pkgs="$root_pkgs sparse" ;;
	esac
	_bm_in=
	[ -n "$build_suite" ] || return 0
	# shellcheck disable=SC2086 # a list of package names
	_rr_err=$("$top/tests/vm/roots.sh" ensure "$build_suite" $root_pkgs 2>&1 > /dev/null) ||
		{ echo "no $build_suite build root: $(echo "$_rr_err" | tail -n 3)"; return 1; }
	_bm_in="$top/tests/vm/roots.sh run $build_suite"
}

# module_tree DIR [MORE...]: a copy of what "make module" builds from (and
# of MORE, paths under the top) in DIR.
module_tree() {
	_mt_dir=$1
	shift
	for _mt_p in Makefile Kbuild kbuild-tools.sh VERSION module "$@"; do
		cp -r "$top/$_mt_p" "$_mt_dir/" || return 1
	done
}

build_module() {
	row_root "$@" || return 1
	_bm_name=$2
	shift 2
	_bm_src=${build_dir:-$O/$release}/$_bm_name
	rm -rf "$_bm_src"
	mkdir -p "$_bm_src"
	module_tree "$_bm_src" || return 1
	if [ -n "${build_content:-}" ] && [ "$build_content" != "$top/module/content" ]; then
		rm -rf "$_bm_src/module/content"
		cp -r "$build_content" "$_bm_src/module/content"
	else
		build_stamp "$@" > "$_bm_src/stamp"
	fi
	# The way README builds it: "make KDIR=...", which adds LLVM=1 for a
	# kernel built with clang (the debug kernel).
	# shellcheck disable=SC2086 # the root's command, as words
	$_bm_in make -C "$_bm_src" module KDIR="$kdir" ${cross:+CROSS_COMPILE=$cross} \
		W=1 "$@" > "$_bm_src/build.log" 2>&1 ||
		{ echo "the build of $_bm_name failed: $(grep -v -E "$kbuild_noise" "$_bm_src/build.log" | tail -n 5)"; return 1; }
	if grep -v -E "$kbuild_noise" "$_bm_src/build.log" > "$_bm_src/findings.log"; then
		echo "the build of $_bm_name warns: $(head -n 20 "$_bm_src/findings.log")"
		return 1
	fi
	: > "$_bm_src/passed"
	echo "$_bm_src/module/rustwhere.ko"
}
