# zsh's completion system, driven as a user drives it, for ts/completion.sh.
# SPDX-License-Identifier: GPL-2.0
#
#   zsh -f tests/host/zsh-complete.zsh DIR LINE
#
# Starts an interactive "zsh -f -i" on a pty (the zsh/zpty module), with
# DIR first in $fpath and compinit run, types LINE and a Tab, and prints
# what the completion system offered for the end of LINE: one match a
# line, "WORD" or "WORD -- DESCRIPTION" (with the prefix compset moved
# out, as for "-o NAME,SU": "NAME,SUMMARY").  The matches are caught by a
# compadd that wraps the builtin one, as they are added; nothing is run.
# Exits 2 when the completion did not finish within 10 s.  The
# environment and the working directory are the inner shell's.

emulate -R zsh
setopt extendedglob
zmodload zsh/zpty || exit 2

dir=$1 line=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/zsh-complete.XXXXXX") || exit 2
trap 'zpty -d rw 2> /dev/null; rm -rf -- "$out"' EXIT

cat > "$out/setup.zsh" << EOF
PS1='' PS2='' RPS1=''
fpath=(${(q)dir} \$fpath)
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
_rw_out=${(q)out}
EOF
cat >> "$out/setup.zsh" << 'EOF'
# The builtin compadd, which also writes each match it adds to a file.
# The calls that only test words (-O, -A, -D) are the completion
# system's own: passed on as they are.
compadd() {
	local -a _rw_hits _rw_descs _rw_opts
	local _rw_i _rw_d
	_rw_opts=("${(@)argv[1,${argv[(i)(-|--)]}-1]}")
	if [[ " $_rw_opts " == *\ -[OAD]* ]]; then
		builtin compadd "$@"
		return
	fi
	builtin compadd -O _rw_hits "$@"
	if (( ${_rw_opts[(I)-d]} )); then
		_rw_d=${_rw_opts[${_rw_opts[(I)-d]}+1]}
		if [[ $_rw_d == \(* ]]; then
			eval "_rw_descs=$_rw_d"
		else
			_rw_descs=("${(@P)_rw_d}")
		fi
		builtin compadd -D _rw_descs "$@"
	fi
	for ((_rw_i = 1; _rw_i <= $#_rw_hits; _rw_i++)); do
		_rw_d=${${_rw_descs[_rw_i]#$_rw_hits[_rw_i]}##[[:space:]]#--[[:space:]]#}
		[[ $_rw_d == $_rw_hits[_rw_i] ]] && _rw_d=
		print -r -- "$IPREFIX$_rw_hits[_rw_i]${_rw_d:+ -- $_rw_d}" >> $_rw_out/matches
	done
	builtin compadd "$@"
}
_rw_done() { : >> $_rw_out/matches; : > $_rw_out/done; }
comppostfuncs=(_rw_done)
EOF

zpty rw zsh -f -i || exit 2
zpty -w rw "source ${(q)out}/setup.zsh"
zpty -w -n rw "$line"$'\t'
for i in {1..200}; do
	[[ -e $out/done ]] && break
	zpty -r -t rw junk 2> /dev/null && print -rn -- "$junk" >> "$out/pty"
	sleep 0.05
done
if [[ ! -e $out/done ]]; then
	print -r -- "zsh-complete: no completion of '$line' within 10 s; the pty said:" >&2
	cat -v -- "$out/pty" >&2 2> /dev/null
	exit 2
fi
cat -- "$out/matches"
