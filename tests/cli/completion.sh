#!/bin/sh
# completion.sh - the conveniences of the command line: `precedent help
# [COMMAND]` and `precedent version` as --help and --version do, and the
# bash and zsh completions (completion/, installed by `make install`),
# which know every command `precedent --help` lists and every option each
# command's --help shows.
. "$top_srcdir/tests/setup.sh"

run 0 "precedent version" -- $PC version
cp "$TMP/out" version.out
run 0 "precedent --version" -- $PC --version
cmp -s version.out "$TMP/out" && r=0 || r=1
ok $r "'version' prints what --version does"
expect_grep '^precedent [0-9]' "$TMP/out" "the version line"
run 0 "precedent help" -- $PC help
cp "$TMP/out" help.out
run 0 "precedent --help" -- $PC --help
cmp -s help.out "$TMP/out" && r=0 || r=1
ok $r "'help' prints what --help does"
for cmd in import history fitdist; do
	run 0 "precedent help $cmd" -- $PC help $cmd
	cp "$TMP/out" help.out
	$PC $cmd --help >cmd.out
	cmp -s help.out cmd.out && r=0 || r=1
	ok $r "'help $cmd' prints what '$cmd --help' does"
done
run 2 "precedent help nosuch" -- $PC help nosuch
expect_file "$TMP/err" "precedent: help: 'nosuch' is not a command
Try 'precedent help'." "help for no command"
run 2 "precedent version extra" -- $PC version extra
expect_grep "^precedent: version: unexpected argument 'extra'" "$TMP/err" "version takes no argument"

BASH_C=$top_srcdir/completion/precedent.bash
ZSH_C=$top_srcdir/completion/_precedent

run 0 "precedent --help" -- $PC --help
commands=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$TMP/out")
[ -n "$commands" ] && r=0 || r=1
ok $r "--help lists commands"
globals=$(sed -n '/^Options:/,$p' "$TMP/out" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)

# The branch of the bash completion for CMD: from "	CMD)" to ";;".
bash_branch() {
	awk -v cmd="$1" '
		$0 ~ "^\t" cmd "\\)" { on = 1 }
		on { print }
		on && /;;/ { exit }' "$BASH_C"
}

for cmd in $commands; do
	grep -q "^	$cmd)" "$BASH_C" && r=0 || r=1
	ok $r "bash completion has a branch for $cmd"
	grep -q "'$cmd:" "$ZSH_C" && grep -q "^	$cmd)" "$ZSH_C" && r=0 || r=1
	ok $r "zsh completion describes and completes $cmd"
	$PC "$cmd" --help >"$TMP/help"
	bash_branch "$cmd" >"$TMP/branch"
	missing= zmissing=
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
		grep -qE -- "(^|[ '])$opt([ '=]|\$)" "$TMP/branch" || missing="$missing $opt"
		grep -qE -- "$opt(=|\\[|'|\\}|\$)" "$ZSH_C" || zmissing="$zmissing $opt"
	done
	[ -z "$missing" ] && r=0 || r=1
	ok $r "bash completion offers every option of '$cmd --help'${missing:+ (missing:$missing)}"
	[ -z "$zmissing" ] && r=0 || r=1
	ok $r "zsh completion offers every option of '$cmd --help'${zmissing:+ (missing:$zmissing)}"
done
missing=
for opt in $globals; do
	grep -q -- "$opt" "$BASH_C" && grep -q -- "$opt" "$ZSH_C" || missing="$missing $opt"
done
[ -z "$missing" ] && r=0 || r=1
ok $r "both completions offer the global options${missing:+ (missing:$missing)}"

# The bash completion at work, if bash is here (it is wherever the
# completion would be used).
if command -v bash >/dev/null 2>&1; then
	complete_words() {
		bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
			_precedent; printf "%s\n" "${COMPREPLY[@]}"' sh "$BASH_C" "$@" | sort
	}
	run 0 "complete 'precedent im'" -- complete_words precedent im
	expect_file "$TMP/out" "import" "the command"
	complete_words precedent --db s.db import --enc >"$TMP/out"
	expect_file "$TMP/out" "--encoding" "an option of the command, after a global option"
	complete_words precedent import --delimiter '' >"$TMP/out"
	expect_file "$TMP/out" ",
\\;
auto
tab" "the values of --delimiter (';' quoted for the shell)"
	complete_words precedent history --att >"$TMP/out"
	expect_file "$TMP/out" "--attributes" "history --attributes"
	complete_words precedent help fi >"$TMP/out"
	expect_file "$TMP/out" "fit
fitdist" "help COMMAND"
fi

done_testing
