#!/bin/sh
# help-sync.sh - the man page and --help cannot drift apart (curl's
# test1139 does the same): every command listed by `precedent --help` has
# a section in doc/precedent.1, and every long option a command's --help
# shows is documented in that section, and the other way round.
. "$top_srcdir/tests/setup.sh"

man=$top_srcdir/doc/precedent.1

run 0 "precedent --help" -- $PC --help
commands=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$TMP/out")
[ -n "$commands" ] && r=0 || r=1
ok $r "--help lists commands"

# Long options in a piece of --help text, one per line.
opts_of() {
	{ grep -oE -- '--[a-z][a-z0-9-]*' "$1" || true; } | sort -u
}

# The man page section of a command: from `.SS "precedent CMD` (or
# `.SS CMD`) to the next .SS or .SH.
man_section() {
	awk -v cmd="$1" '
		/^\.S[SH]/ { on = 0 }
		$0 ~ "^\\.SS \"?(precedent )?" cmd "( |\"|$)" { on = 1 }
		on { print }' "$man" | sed 's/\\-/-/g'
}

for cmd in $commands; do
	set +e
	$PC "$cmd" --help >"$TMP/help" 2>&1
	rc=$?
	set -e
	ok $rc "precedent $cmd --help exits 0"
	man_section "$cmd" >"$TMP/man"
	[ -s "$TMP/man" ] && r=0 || r=1
	ok $r "precedent.1 has a section for $cmd"
	opts_of "$TMP/help" >"$TMP/h.opts"
	opts_of "$TMP/man" >"$TMP/m.opts"
	missing=$(comm -23 "$TMP/h.opts" "$TMP/m.opts" | { grep -v -- '--help' || true; } | tr '\n' ' ')
	[ -z "$missing" ] && r=0 || r=1
	ok $r "every option of '$cmd --help' is in precedent.1${missing:+ (missing: $missing)}"
	extra=$(comm -13 "$TMP/h.opts" "$TMP/m.opts" | { grep -v -- '--help' || true; } | tr '\n' ' ')
	[ -z "$extra" ] && r=0 || r=1
	ok $r "every option precedent.1 gives '$cmd' is in its --help${extra:+ (not in --help: $extra)}"
done

# Global options: those of --help after "Options:" against the man
# page's OPTIONS section, both ways.
$PC --help | sed -n '/^Options:/,$p' >"$TMP/help"
awk '/^\.SH/ { on = ($2 == "OPTIONS") } on' "$man" | sed 's/\\-/-/g' >"$TMP/man"
opts_of "$TMP/help" >"$TMP/h.opts"
opts_of "$TMP/man" >"$TMP/m.opts"
[ "$(wc -l <"$TMP/h.opts")" -ge 5 ] && r=0 || r=1
ok $r "--help lists the global options ($(tr '\n' ' ' <"$TMP/h.opts"))"
cmp -s "$TMP/h.opts" "$TMP/m.opts" && r=0 || r=1
ok $r "precedent.1's OPTIONS are the global options of --help"
[ $r -eq 0 ] || diff "$TMP/h.opts" "$TMP/m.opts" | sed 's/^/# /'

done_testing
