# SPDX-License-Identifier: GPL-2.0
#
# A private apt configuration per Debian suite, under the cache, for the
# kernels, headers and guest programs of suites and architectures the
# host does not have.  Sourced by the harness's scripts, with $top the
# top of the project.
#
#   apt_suite SUITE CMD ARGS...   run apt-get or apt-cache (CMD) with SUITE's
#                                 own sources, lists and cache, for this
#                                 machine's architecture and those of
#                                 SUITE's rows in tests/vm/matrix
#   apt_mirror SUITE              the archive URI serving SUITE
#
# The archive is the one the host's apt already uses: its URIs are read
# from "apt-get indextargets", never written here.  RUSTWHERE_MIRROR and
# RUSTWHERE_SECURITY_MIRROR override them.  The host's sources, lists and
# status are not touched.  Lists are refreshed once a day (sid and
# experimental are served frozen, with a Valid-Until long past: that date
# is not checked).
# shellcheck shell=sh

: "${top:?apt.sh: no \$top, the top of the project}"
cache=${RUSTWHERE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rustwhere}

# _apt_uris: "URI RELEASE" of every index the host's apt knows.

_apt_uris() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) placeholders, not the shell's
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2> /dev/null | sort -u
}

apt_mirror() {
	case $1 in
	*-security)
		if [ -n "${RUSTWHERE_SECURITY_MIRROR:-}" ]; then
			echo "$RUSTWHERE_SECURITY_MIRROR"
			return
		fi
		_apt_uri=$(_apt_uris | awk '$2 ~ /-security$/ { print $1; exit }')
		# A host without the security suite: the usual layout beside
		# the main archive.
		[ -n "$_apt_uri" ] || _apt_uri=$(apt_mirror "${1%-security}" | sed 's|/debian/*$|/debian-security/|')
		;;
	*)
		if [ -n "${RUSTWHERE_MIRROR:-}" ]; then
			echo "$RUSTWHERE_MIRROR"
			return
		fi
		_apt_uri=$(_apt_uris |
			awk '$2 ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|unstable|stable|testing)(-updates)?$/ { print $1; exit }')
		;;
	esac
	[ -n "$_apt_uri" ] || {
		echo "apt.sh: no Debian archive in the host's apt sources (run apt-get update), nor RUSTWHERE_MIRROR" >&2
		return 1
	}
	echo "${_apt_uri%/}"
}

# The suite the guest programs of every architecture (busybox-static, cat,
# the cross-built reader) come from (tests/vm/guest.sh).
guest_suite=bookworm

# _apt_archs SUITE: this machine's architecture and those of the rows of
# SUITE's Debian release in tests/vm/matrix (an archive need not serve
# every architecture of every suite); every row's for the guest suite.
_apt_archs() {
	_apt_rel=${1%-security}
	_apt_rel=${_apt_rel%-updates}
	[ "$1" = "$guest_suite" ] && _apt_rel=
	{
		dpkg --print-architecture
		sed 's/#.*//' "$top/tests/vm/matrix" | awk -v s="$_apt_rel" 'NF && (s == "" || $1 == s) { print $3 }'
	} | awk '!seen[$0]++' | paste -sd, -
}

# apt_suite's helper: (re)write SUITE's configuration and update its
# lists, when they are a day old.  The sources (the mirror, the
# architectures) are looked up only then.
_apt_refresh() {
	_apt_archs=$(_apt_archs "$1")
	_apt_uri=$(apt_mirror "$1") || return 1
	mkdir -p "$_apt_d/lists/partial" "$_apt_d/archives/partial" "$_apt_d/parts" "$_apt_d/prefs"
	echo "deb [arch=$_apt_archs] $_apt_uri $1 main" > "$_apt_d/sources.list"
	: > "$_apt_d/status"
	{
		echo "Dir::Etc::SourceList \"$_apt_d/sources.list\";"
		echo "Dir::Etc::SourceParts \"$_apt_d/parts\";"
		echo "Dir::Etc::Preferences \"$_apt_d/prefs/none\";"
		echo "Dir::Etc::PreferencesParts \"$_apt_d/prefs\";"
		echo "Dir::State::Lists \"$_apt_d/lists\";"
		echo "Dir::State::status \"$_apt_d/status\";"
		echo "Dir::Cache \"$_apt_d\";"
		echo "Dir::Cache::archives \"$_apt_d/archives\";"
		echo "Acquire::Check-Valid-Until \"false\";"
		echo "Acquire::Languages \"none\";"
		echo "APT::Sandbox::User \"root\";"
		printf 'APT::Architectures {'
		echo "$_apt_archs" | tr ',' '\n' | while read -r a; do printf ' "%s";' "$a"; done
		echo ' };'
	} > "$_apt_d/apt.conf"
	# A mirror can serve an index that does not match its Release file
	# ("File has unexpected size ... Mirror sync in progress?"): try three
	# times, then say which suite and architectures it was.  A mirror
	# fault is never a test verdict: the caller fails, naming it.  Where
	# only some architectures' indexes failed, the others are used: those
	# architectures are listed in "unserved" (kernels.sh says so for their
	# rows), and the lists are tried again in an hour, not a day.
	_apt_bad='^(E: |W: Failed to fetch|W: Some index files failed)'
	_apt_try=1
	rm -f "$_apt_d/unserved"
	until APT_CONFIG=$_apt_d/apt.conf apt-get update -q > "$_apt_d/update.log" 2>&1 &&
		! grep -Eq "$_apt_bad" "$_apt_d/update.log"; do
		if [ "$_apt_try" -ge 3 ]; then
			echo "apt.sh: apt-get update of $1 ($_apt_archs) from $_apt_uri failed $_apt_try times (a mirror fault, not a test verdict):" >&2
			grep -E "$_apt_bad" "$_apt_d/update.log" | tail -n 5 >&2
			_apt_failed=$(sed -n 's|^[EW]: Failed to fetch .*/binary-\([a-z0-9]*\)/Packages.*|\1|p' "$_apt_d/update.log" | sort -u)
			_apt_served=$(echo "$_apt_archs" | tr ',' '\n' | while read -r _apt_a; do
				echo "$_apt_failed" | grep -qx "$_apt_a" ||
					! ls "$_apt_d"/lists/*_binary-"${_apt_a}"_Packages* > /dev/null 2>&1 || echo "$_apt_a"
			done)
			if [ -z "$_apt_failed" ] || [ -z "$_apt_served" ] ||
				grep -E "$_apt_bad" "$_apt_d/update.log" | grep -Ev '/binary-[a-z0-9]*/Packages|^W: Some index files failed|^E: Some index files failed' | grep -q .; then
				return 1
			fi
			echo "$_apt_failed" > "$_apt_d/unserved"
			echo "apt.sh: $1: using the lists of $(echo "$_apt_served" | paste -sd, -) alone; $(echo "$_apt_failed" | paste -sd, -) not served" >&2
			touch -d '-23 hours' "$_apt_d/stamp"
			return 0
		fi
		echo "apt.sh: apt-get update of $1 ($_apt_archs) failed, try $_apt_try of 3: $(grep -E "$_apt_bad" "$_apt_d/update.log" | head -n 1)" >&2
		_apt_try=$((_apt_try + 1))
		sleep 10
	done
	touch "$_apt_d/stamp"
}

# _apt_fresh SUITE: SUITE's lists are less than a day old, and of the
# architectures the matrix has for it now.
_apt_fresh() {
	[ -n "$(find "$_apt_d/stamp" -mmin -1440 2> /dev/null)" ] &&
		grep -qF "[arch=$(_apt_archs "$1")]" "$_apt_d/sources.list" 2> /dev/null
}
apt_suite() {
	_apt_d=$cache/apt/$1
	# One update at a time per suite.
	if ! _apt_fresh "$1"; then
		mkdir -p "$_apt_d"
		(
			flock 8
			_apt_fresh "$1" || _apt_refresh "$1"
		) 8> "$_apt_d/lock" || return 1
	fi
	shift
	# The binary caches, which a host's apt.conf.d may turn off (read
	# after APT_CONFIG, so set on the command line): without them each
	# call parses every list anew.
	_apt_cmd=$1
	shift
	APT_CONFIG=$_apt_d/apt.conf "$_apt_cmd" -o Dir::Cache::pkgcache="$_apt_d/pkgcache.bin" \
		-o Dir::Cache::srcpkgcache="$_apt_d/srcpkgcache.bin" "$@"
}
