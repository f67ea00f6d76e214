#!/usr/bin/env bash
# The lhost command's interface without root: usage errors, missing definitions,
# exit codes, and a logical host of ocf:heartbeat:Dummy members (resource-agents'
# own trivial agent) run for real, with the order read from the members' state.
. "$(dirname "$0")/lib.sh"

emu_world lhU
lhost_world

"$LHOST" >/dev/null 2>&1
is "$?" 2 "no command: 2 (OCF_ERR_ARGS)"
"$LHOST" frobnicate lhU >/dev/null 2>&1
is "$?" 2 "an unknown command: 2"
"$LHOST" start >/dev/null 2>&1
is "$?" 2 "start without a name: 2"
"$LHOST" --no-such-option status >/dev/null 2>&1
is "$?" 2 "an unknown option: 2"
"$LHOST" --help >"$world/help" 2>&1
is "$?" 0 "--help: 0"
like "$(cat "$world/help")" "monitor NAME +monitor every member: 0 running, 7 stopped" "--help lists the commands and their exit codes"

# ---- lhost(8) -------------------------------------------------------------------------------
page="$top_srcdir/man/lhost.8"
if command -v man >/dev/null; then
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
    is "$warnings" "" "lhost(8) renders without a warning"
fi
commands=$("$LHOST" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | tr '\n' ' ')
missing=""
for c in $commands; do
    grep -q "^\.B[IR]* $c\b" "$page" || missing="$missing $c"
done
is "$missing" "" "lhost(8) documents every command of --help ($commands)"
for code in 0 1 2 5 6 7; do
    grep -q "^\.B $code\$" "$page"
    ok $? "lhost(8) documents exit status $code"
done

lhost start nowhere
is "$rc" 6 "a logical host without a definition: 6 (not configured)"
like "$err" "$world/defs/nowhere.conf: cannot read it" "... saying which file is missing"

# ---- a logical host of Dummy members: the state files show what ran ------------------------
dummy() { # dummy MEMBER: a [member] of ocf:heartbeat:Dummy with its own state file
    printf '[member %s]\nagent = ocf:heartbeat:Dummy\nstate = %s\n\n' "$1" "$world/$1.state"
}
{ dummy first; dummy second; dummy third; } >"$world/defs/lhU.conf"
lhost check lhU
is "$rc" 0 "check: three Dummy members are a valid logical host"
is "$out" "lhU: valid: first -> second -> third" "... in file order"
lhost start lhU
is "$rc" 0 "start: 0"
[ -f "$world/first.state" ] && [ -f "$world/second.state" ] && [ -f "$world/third.state" ]
ok $? "... every member's state file exists"
order=$(for m in first second third; do echo "$(stat -c %.9Y "$world/$m.state") $m"; done \
    | sort -n | awk '{print $2}' | tr '\n' ' ')
is "$order" "first second third " "... created in member order (their modification times)"
lhost monitor lhU
is "$rc" 0 "monitor: 0"
rm "$world/second.state"
lhost monitor lhU
is "$rc" 1 "one member stopped behind lhost's back: monitor gives 1"
like "$err" "2 of 3 members running: second not running" "... naming it"
lhost status
like "$out" "lhU +second +other +ocf:heartbeat:Dummy +stopped" "status (all definitions): the stopped member"
# Definitions written out of order, so that directory order is unlikely to be sorted.
for h in zz Ab mm aa; do dummy solo >"$world/defs/$h.conf"; done
lhost status
# A logical host's closing line is its name and its state alone.
is "$(printf '%s\n' "$out" | awk '$2 ~ /^(running|stopped|PARTLY)$/ { print $1 }' | tr '\n' ' ')" \
    "aa Ab lhU mm zz " "status (all definitions): each logical host once, in name order, case ignored"
rm "$world/defs/"{zz,Ab,mm,aa}.conf
lhost stop lhU
is "$rc" 0 "stop: 0"
[ ! -e "$world/first.state" ] && [ ! -e "$world/third.state" ]
ok $? "... every member stopped"
lhost monitor lhU
is "$rc" 7 "monitor after stop: 7"
finish
