#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host tests of the reader, userspace/rustwhere, as TAP, ending with
# tests/tap.sh's "N passed, N failed"; exits non-zero if any test failed.
#
#   tests/host/run.sh [options] [GROUP...]
#
#   GROUP                 the groups of cases to run, each a file of ts/
#                         over the helpers of functions.sh: golden json
#                         pairs locales terminal cli diag completion
#                         install (default: all)
#   --memcheck-valgrind   run the reader under valgrind (the plain build)
#   --memcheck-asan       run the reader built with ASan and UBSan
#                         (userspace/Makefile's "make asan")
#   --binary PATH         run the reader PATH (an installed one:
#                         debian/tests/reader), built by no one here
#   --update              rewrite the golden files under
#                         tests/fixtures/expected/GROUP/ with what the
#                         reader prints now; review them with git diff
#   -h, --help            this text
#
# With no option and no group it runs everything, in about two minutes
# on 2 cores: the builds (gcc and clang warning-free with -Werror, "make
# asan", "make fuzz"), every group with the plain build, the groups that
# run the reader again under --memcheck-asan and --memcheck-valgrind (the
# valgrind runs in the background, beside the others), and the libFuzzer
# target (tests/host/fuzz-rustwhere.c) for FUZZ_SECONDS (default 25) from
# the seeds in tests/host/fuzz-corpus/.
#
# The builds go to a temporary directory, so the suite neither needs nor
# touches userspace/rustwhere.  The trees the reader reads are made there
# too (see tests/fixtures/README): "good" is a copy of module/content, so
# it cannot drift from the module; the others are "good" with the files of
# a tests/fixtures/ directory laid over it, or with a fault made here.
#
# Needs (Debian): bash coreutils make gcc clang libclang-rt-14-dev
# libsmartcols-dev pkg-config valgrind jq util-linux (setpriv, unshare)
# bsdutils (script) groff-base man-db zsh fish, and the C.UTF-8 locale of
# libc-bin.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-25}
all_groups=(golden json pairs locales terminal cli diag completion install)
# The groups that run the reader, again under each memcheck.
reader_groups=(golden json pairs locales terminal cli diag)

update=0
memchecks=()
groups=()
binary=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--memcheck-valgrind) memchecks+=(valgrind) ;;
	--memcheck-asan) memchecks+=(asan) ;;
	--binary)
		binary=$(readlink -f "${2:-}")
		if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
			echo "$0: --binary: '$binary' is not an executable" >&2
			exit 2
		fi
		shift
		;;
	-h | --help)
		sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	-*)
		echo "$0: unknown option '$1'" >&2
		echo "usage: $0 [--update] [--memcheck-valgrind] [--memcheck-asan] [--binary PATH] [GROUP...]" >&2
		exit 2
		;;
	*)
		[ -f "$here/ts/$1.sh" ] || { echo "$0: no group '$1' (groups: ${all_groups[*]})" >&2; exit 2; }
		groups+=("$1")
		;;
	esac
	shift
done
if [ -n "$binary" ] && [[ " ${memchecks[*]} " == *" asan "* ]]; then
	echo "$0: --binary and --memcheck-asan: the ASan run is of a build of its own" >&2
	exit 2
fi
full=0
[ ${#memchecks[@]} -eq 0 ] && [ ${#groups[@]} -eq 0 ] && [ "$update" -eq 0 ] &&
	[ -z "$binary" ] && full=1
if [ ${#groups[@]} -eq 0 ] && [ -n "$binary" ]; then
	groups=("${reader_groups[@]}")
elif [ ${#groups[@]} -eq 0 ]; then
	groups=("${all_groups[@]}")
fi

tmp=$(mktemp -d /tmp/rustwhere-host.XXXXXX) || exit 1
# The reader of the plain and valgrind runs.
plain_bin=${binary:-$tmp/build/gcc/rustwhere}
chmod 755 "$tmp"			# the unprivileged runs must reach the trees
fuzz_pid=
cleanup() {
	[ -n "$fuzz_pid" ] && kill "$fuzz_pid" 2> /dev/null
	chmod -R u+rwX "$tmp" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

. "$top/tests/tap.sh"
. "$here/functions.sh"
mkdir -p "$wd"

# --- builds ------------------------------------------------------------------

# build NAME MAKE-ARGS...: build the reader into $tmp/build/NAME.
build() {
	local name=$1
	shift
	make -s -C "$userspace" OBJDIR="$tmp/build/$name" "$@" > "$tmp/build-$name.log" 2>&1 ||
		{ cat "$tmp/build-$name.log"; return 1; }
}

# build_target TARGET: userspace/Makefile's "make asan" or "make fuzz",
# which build into $tmp/build/TARGET.
build_target() {
	make -s -C "$userspace" OBJDIR="$tmp/build" EXTRA_CFLAGS=-Werror "$1" \
		> "$tmp/build-$1.log" 2>&1 || { cat "$tmp/build-$1.log"; return 1; }
}

start_fuzzer() {
	[ -x "$tmp/build/fuzz/fuzz-rustwhere" ] || return
	mkdir -p "$tmp/fuzz-corpus"
	"$tmp/build/fuzz/fuzz-rustwhere" -max_total_time="$FUZZ_SECONDS" \
		-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$tmp/fuzz-" "$tmp/fuzz-corpus" "$here/fuzz-corpus" \
		> "$tmp/fuzz.log" 2>&1 &
	fuzz_pid=$!
}

finish_fuzzer() {
	local rc desc="libFuzzer: parser and formatters for ${FUZZ_SECONDS}s"
	if [ -z "$fuzz_pid" ]; then
		not_ok "$desc" "the fuzzer was not built"
		return
	fi
	wait "$fuzz_pid"
	rc=$?
	fuzz_pid=
	if [ $rc -eq 0 ] && grep -q '^Done [0-9]* runs' "$tmp/fuzz.log"; then
		ok "$desc, $(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$tmp/fuzz.log") runs, no crash"
	else
		not_ok "$desc (exit $rc)" "$(grep -v '^#\|^INFO\|^ *"' "$tmp/fuzz.log" | tail -n 30)"
	fi
}

# --- the runs ----------------------------------------------------------------

# memcheck_setup KIND: BIN and RUN for the plain run ("") or a memcheck.
memcheck_setup() {
	memcheck=$1
	case $1 in
	'')
		BIN=$plain_bin
		RUN=()
		;;
	valgrind)
		BIN=$plain_bin
		mkdir -p "$tmp/valgrind"
		chmod 1777 "$tmp/valgrind"
		RUN=(valgrind -q --error-exitcode=99 --leak-check=full
			'--errors-for-leak-kinds=definite,indirect'
			'--show-leak-kinds=definite,indirect'
			--log-file="$tmp/valgrind/%p.log")
		;;
	asan)
		BIN=$tmp/build/asan/rustwhere
		RUN=()
		export ASAN_OPTIONS=detect_leaks=1:exitcode=98:abort_on_error=0
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=97
		;;
	esac
}

# run_group NAME: source ts/NAME.sh, with a work directory of its own.
run_group() {
	local start=$SECONDS
	group=$1
	wd=$tmp/work-${memcheck:-plain}-$1
	mkdir -p "$wd"
	# shellcheck source=/dev/null # lint.sh checks each ts/*.sh on its own
	. "$here/ts/$1.sh"
	echo "# ${memcheck:+$memcheck: }$1 took $((SECONDS - start)) s"
}

# run_groups KIND GROUP...: the groups, under memcheck KIND ("": none).
run_groups() {
	local g kind=$1
	shift
	memcheck_setup "$kind"
	if [ ! -x "$BIN" ]; then
		not_ok "${kind:-plain} build missing: ${*} not run"
		return
	fi
	for g in "$@"; do
		run_group "$g"
	done
}

check_valgrind_logs() {
	local f bad=0
	for f in "$tmp"/valgrind/*.log; do
		[ -s "$f" ] && { cat "$f"; bad=1; }
	done
	ls "$tmp"/valgrind/*.log > /dev/null && [ $bad -eq 0 ]
}

# --- main --------------------------------------------------------------------

make_trees

if [ "$update" -eq 1 ]; then
	build gcc || exit 1
	mkdir -p "$expected"
	for g in golden json pairs; do
		rm -f "$expected/$g"/*.out "$expected/$g"/*.err
	done
	run_groups "" golden json pairs
	echo "Golden files rewritten in $expected: review them with git diff."
	exit 0
fi

echo "TAP version 13"
SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
if [ -n "$binary" ]; then
	echo "# the reader under test: $binary ($("$binary" --version | head -n 1))"
else
	check "userspace builds with gcc, warning-free (-Werror)" \
		build gcc CC=gcc EXTRA_CFLAGS=-Werror
fi
if [ "$full" -eq 1 ]; then
	check "userspace builds with clang, warning-free (-Werror)" \
		build clang CC=clang EXTRA_CFLAGS=-Werror
fi
case "$full ${memchecks[*]}" in
1* | *asan*)
	check "make asan: userspace built with $SAN_FLAGS" build_target asan
	;;
esac
if [ "$full" -eq 1 ]; then
	check "make fuzz: the libFuzzer target builds" build_target fuzz
	start_fuzzer
fi

if [ "$full" -eq 1 ]; then
	# The valgrind runs are the slowest: in the background, in two
	# halves, beside the rest; their TAP lines are numbered when done.
	if command -v valgrind > /dev/null; then
		# golden, the first of reader_groups, alone; the rest together.
		(run_groups valgrind "${reader_groups[0]}") > "$tmp/valgrind-1.tap" 2>&1 &
		vg1=$!
		(run_groups valgrind "${reader_groups[@]:1}") > "$tmp/valgrind-2.tap" 2>&1 &
		vg2=$!
	else
		not_ok "valgrind is not installed: its runs were not made"
	fi
	run_groups "" "${groups[@]}"
	run_groups asan "${reader_groups[@]}"
	unset ASAN_OPTIONS UBSAN_OPTIONS
	if [ -n "${vg1:-}" ]; then
		wait "$vg1" "$vg2"
		tap_replay "$tmp/valgrind-1.tap"
		tap_replay "$tmp/valgrind-2.tap"
		check "[valgrind] valgrind reported nothing" check_valgrind_logs
	fi
	finish_fuzzer
else
	[ ${#memchecks[@]} -gt 0 ] || memchecks=(plain)
	for kind in "${memchecks[@]}"; do
		[ "$kind" = plain ] && kind=
		run_groups "$kind" "${groups[@]}"
		[ "$kind" = valgrind ] && check "[valgrind] valgrind reported nothing" check_valgrind_logs
	done
fi
tap_end
