#!/usr/bin/env bash
# lhost journal merge and lhost journal show, black-box: exit codes, messages and
# output on journal files written here (one rule broken at a time), then on the
# journals the real jp1base agent writes on two "nodes" (a LHOST_JOURNAL_DIR and an
# OCF_RESKEY_CRM_meta_on_node each) against the JP1/Base emulator. No root needed.
. "$(dirname "$0")/lib.sh"

emu_world lhJ
J="$world/j"
mkdir -p "$J"

# Runs lhost journal ARGS. Sets rc, out (stdout), err (stderr).
journal() {
    "$LHOST" journal "$@" >"$world/out" 2>"$world/err"
    rc=$?
    out=$(cat "$world/out")
    err=$(cat "$world/err")
}

# ---- journal files, written by hand --------------------------------------------------
# CRC-32 (IEEE 802.3, as zlib's) of $1: gzip's trailer holds it, little-endian.
crc32() {
    printf '%s' "$1" | gzip -c | tail -c 8 | od -An -tu1 -N4 \
        | awk '{ printf "%08x", $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'
}
rec() { # rec SEQ SECOND NODE KIND [KEY=VALUE...]: one record at 07:00:SECOND
    local line
    line="LHJ1 $1 $(printf '2026-12-03T07:00:%02d.000000Z' "$2") $3 $4"
    shift 4
    [ $# -gt 0 ] && line="$line $*"
    printf '%s crc=%s\n' "$line" "$(crc32 "$line")"
}
series() { # series NODE FIRST LAST: decision records, SEQ n at second n
    local s
    for s in $(seq "$2" "$3"); do
        rec "$s" "$s" "$1" decision check=jbs_spmd_status context=monitor run=1 decision=running
    done
}
name_of() { printf 'journal-%020d.lhj' "$1"; }
jfile() { # jfile NODE FIRST LAST [closed]: writes $J/NODE/journal-FIRST.lhj, prints its path
    local f="$J/$1/$(name_of "$2")"
    mkdir -p "$J/$1"
    if [ "${4:-}" = closed ]; then
        { series "$1" "$2" $(($3 - 1)) && rec "$3" "$3" "$1" rotate "next=$(name_of $(($3 + 1)))"; } >"$f"
    else
        series "$1" "$2" "$3" >"$f"
    fi
    echo "$f"
}

a1=$(jfile n1 1 5 closed)
a2=$(jfile n1 6 9)
b1=$(jfile n2 1 7)

# ---- usage ----------------------------------------------------------------------------------
journal
is "$rc" 2 "journal without a command: 2"
journal frobnicate
is "$rc" 2 "journal frobnicate: 2"
journal merge
is "$rc" 2 "merge without a FILE: 2"
like "$err" "no FILE to merge" "... saying so"
journal merge --no-such-option "$a1"
is "$rc" 2 "merge with an unknown option: 2"
journal show --since yesterday "$a1"
is "$rc" 2 "show --since with a time that does not parse: 2"
like "$err" "--since yesterday: not a time" "... naming it"

# ---- a COMPLETE merge -------------------------------------------------------------------------
journal merge "$a1" "$a2" "$b1"
is "$rc" 0 "merge: every node's series reaches its open file: 0"
cp "$world/out" "$world/merged-stdout"
is "$(tail -1 "$world/merged-stdout" | cut -d' ' -f3-6)" "2026-12-03T07:00:09.000000Z - merge status=COMPLETE" \
    "... the last record is the merge's, of no node, at the newest record's time"
is "$(grep -c ' n[12] decision ' "$world/merged-stdout")" 15 "... with every record of both nodes"
journal merge "$b1" "$a2" "$a1"
cmp -s "$world/out" "$world/merged-stdout"
ok $? "... the same bytes whatever the order of the files"
journal merge -o "$world/merged.lhj" "$a2" "$b1" "$a1"
is "$rc" 0 "merge -o OUT: 0"
cmp -s "$world/merged.lhj" "$world/merged-stdout"
ok $? "... OUT holds the same bytes as standard output had"
like "$err" "COMPLETE: $world/merged.lhj" "... and says it is COMPLETE"
is "$(stat -c %a "$world/merged.lhj")" 600 "... OUT is the owner's only"
[ ! -e "$world/merged.lhj.tmp" ]
ok $? "... no OUT.tmp is left"
is "$(sed -n 1,4p "$world/merged-stdout" | cut -d' ' -f2,4 | tr '\n' ' ')" "1 n1 1 n2 2 n1 2 n2 " \
    "... in TIME order, ties by node name"

# ---- show -------------------------------------------------------------------------------------
journal show "$world/merged.lhj"
is "$rc" 0 "show of a merge: 0"
is "$(printf '%s\n' "$out" | head -1)" \
    "2026-12-03T07:00:01.000000Z n1 1 decision check=jbs_spmd_status context=monitor run=1 decision=running" \
    "... one line a record: TIME NODE SEQ KIND KEY=VALUE..."
is "$(printf '%s\n' "$out" | wc -l)" "$(wc -l <"$world/merged.lhj")" "... every record"
journal show --json "$a1"
is "$(printf '%s\n' "$out" | tail -1)" \
    '{"seq":5,"time":"2026-12-03T07:00:05.000000Z","node":"n1","kind":"rotate","fields":{"next":"journal-00000000000000000006.lhj"}}' \
    "show --json: one JSON object a line"
journal show --since "2026-12-03 07:00:03" --until 2026-12-03T07:00:04Z "$a1" "$b1"
is "$(printf '%s\n' "$out" | cut -d' ' -f2,3 | tr '\n' ' ')" "n1 3 n1 4 n2 3 n2 4 " \
    "show --since --until: both bounds included, each FILE in turn"
{
    rec 1 1 n3 begin agent=jp1base resource=lhA-base action=monitor pid=10
    rec 2 2 n3 command "argv=/bin/x%20-h%20lhA" end=exited rc=0 ms=3
    rec 3 3 n3 result ocf=OCF_SUCCESS code=0 ms=4
    rec 4 4 n3 begin agent=jp1im resource=lhA-manager action=monitor pid=11
    rec 5 5 n3 result ocf=OCF_NOT_RUNNING code=7 reason=not%20running ms=5
} >"$world/actions.lhj"
journal show --resource lhA-base "$world/actions.lhj"
is "$(printf '%s\n' "$out" | cut -d' ' -f3 | tr '\n' ' ')" "1 2 3 " \
    "show --resource: the records of that resource's actions, begin to result"
like "$out" 'argv="/bin/x -h lhA"' "... values unescaped, quoted when they hold a space"
journal show --resource lhA-manager "$world/actions.lhj"
like "$out" 'reason="not running"' "... another resource's actions"

mkdir -p "$world/own"
cp "$a2" "$a1" "$world/own/"
LHOST_JOURNAL_DIR="$world/own" journal show
is "$(printf '%s\n' "$out" | cut -d' ' -f3 | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 " \
    "show without FILE: this node's journal (LHOST_JOURNAL_DIR), every file, oldest first"
LHOST_JOURNAL_DIR=off journal show
is "$rc" 4 "show with the journal off: 4"
LHOST_JOURNAL_DIR="$world/nowhere" journal show
is "$rc" 4 "show of a journal directory that is not there: 4"

# ---- INCOMPLETE -------------------------------------------------------------------------------
journal merge "$a1" "$b1"
is "$rc" 1 "merge whose last file of a node is closed: 1 (INCOMPLETE)"
like "$err" "node n1: INCOMPLETE \(last-file-closed\)" "... naming the node and why"
like "$(tail -1 "$world/out")" " merge status=INCOMPLETE " "... and the merge record says so"

# A damaged line: SEQ 3 of n4 with a byte changed after its crc was taken.
mkdir -p "$J/n4"
{ series n4 1 2 && series n4 3 3 | sed 's/run=1/run=2/' && series n4 4 5; } >"$J/n4/$(name_of 1)"
d1="$J/n4/$(name_of 1)"
offset=$(series n4 1 2 | wc -c)
journal merge "$d1" "$b1"
is "$rc" 1 "merge with a damaged line: 1 (INCOMPLETE)"
like "$err" "$d1:$offset: damaged line skipped" "... reported with its file and offset"
like "$err" "SEQ 3\.\.3 missing where damaged lines were skipped \($d1:$offset\)" \
    "... the number it held is no gap: it is where the damage is"
like "$out" " - damaged node=n4 file=$(name_of 1) offset=$offset why=" "... listed in the output"
is "$(printf '%s\n' "$out" | grep -c ' n4 decision ')" 4 "... and the other records of the file merged"
journal show "$d1"
is "$rc" 1 "show of a file with a damaged line: 1"
like "$err" "$d1:$offset: damaged line skipped" "... reported with its file and offset"

# ---- rules broken: 3, nothing written ---------------------------------------------------------
gap=$(jfile n1 8 9)
echo "what was there" >"$world/kept.lhj"
journal merge -o "$world/kept.lhj" "$a1" "$gap"
is "$rc" 3 "merge with a gap between a node's files: 3"
like "$err" "node n1: SEQ 6\.\.7 missing between $a1 \(last 5\) and $gap \(first 8\)" \
    "... naming the node, both files and the numbers"
is "$(cat "$world/kept.lhj")" "what was there" "... OUT is left as it was"
[ ! -e "$world/kept.lhj.tmp" ]
ok $? "... and no OUT.tmp is left"
journal merge "$a1" "$gap"
is "$out" "" "... nor anything on standard output"
rm "$gap"

journal merge "$a1" "$a1"
is "$rc" 3 "merge of a file given twice: 3"
like "$err" "node n1: SEQ 1\.\.5 repeated" "... a repeat, with its numbers"
{ series n5 1 3 && series n5 2 2; } >"$world/inverted.lhj"
journal merge "$world/inverted.lhj"
is "$rc" 3 "merge of a file whose SEQ goes back: 3"
like "$err" "node n5: $world/inverted.lhj:[0-9]+: SEQ 2 after 3 \(an inversion\)" \
    "... an inversion, with its file, offset and numbers"

# ---- a prior merge continued ------------------------------------------------------------------
journal merge -o "$world/m1.lhj" "$a1" "$a2" "$b1"
jfile n2 1 12 >/dev/null # n2's open file has grown
a3=$(jfile n1 10 11)     # n1 has a new file
journal merge --prior "$world/m1.lhj" "$a1" "$a2" "$a3" "$b1"
is "$rc" 0 "merge --prior: 0"
is "$(printf '%s\n' "$out" | grep ' decision ' | cut -d' ' -f2,4 | tr '\n' ' ')" "8 n2 9 n2 10 n1 10 n2 11 n1 11 n2 12 n2 " \
    "... only what the prior does not hold: nothing repeated"
like "$out" " merge status=COMPLETE .* prior=m1.lhj " "... naming the prior"
journal merge --prior "$world/m1.lhj" --prior "$world/m1.lhj" "$a3" "$b1"
is "$rc" 3 "two --prior: 3"
like "$err" "at most one" "... saying so"
journal merge --prior "$a1" "$b1"
is "$rc" 3 "--prior that is no merged file: 3"
like "$err" "$a1: not a merged file" "... saying so"
journal merge "$world/m1.lhj" "$b1"
is "$rc" 3 "a merged file as an input: 3"
like "$err" "give it with --prior" "... saying how to give it"
journal merge --prior "$world/m1.lhj" "$(jfile n1 12 13)" "$b1"
is "$rc" 3 "merge --prior with a gap after what the prior holds: 3"
like "$err" "SEQ 10\.\.11 missing after the prior's last \(9, m1.lhj\)" "... naming the numbers"

# ---- I/O --------------------------------------------------------------------------------------
journal merge "$a1" "$world/no-such-file.lhj"
is "$rc" 4 "merge of a file that cannot be read: 4"
like "$err" "$world/no-such-file.lhj: cannot read it" "... naming it"
journal merge -o "$world/no/such/dir/out.lhj" "$a1" "$a2" "$b1"
is "$rc" 4 "merge -o into a directory that is not there: 4"

# ---- journals the real agent writes -----------------------------------------------------------
shd="$world/shdsk/lhJ"
agent_env=(
    OCF_RESKEY_logical_host=lhJ OCF_RESKEY_shared_dir="$shd"
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=20000
)
on() { # on NODE ACTION: the agent's action on NODE, journaled in $world/real/NODE
    agent jp1base "$2" LHOST_JOURNAL_DIR="$world/real/$1" OCF_RESKEY_CRM_meta_on_node="$1" \
        OCF_RESKEY_CRM_meta_interval=0
}
on node2 monitor
on node1 monitor
on node1 start
on node1 monitor
on node2 monitor
on node1 stop
is "$rc" 0 "the agent's probe, start, monitor and stop on two nodes"
journal merge -o "$world/real.lhj" "$world"/real/node*/journal-*.lhj
is "$rc" 0 "merge of the journals the agent wrote on two nodes: 0 (COMPLETE)"
is "$(grep -c ' node[12] begin ' "$world/real.lhj")" 6 "... every action's begin"
is "$(grep -c ' node[12] result ' "$world/real.lhj")" 6 "... and result"
journal show --resource rsc_jp1base "$world/real.lhj"
is "$(printf '%s\n' "$out" | grep -c ' begin ')" 6 "show --resource: every action of the resource"
is "$(printf '%s\n' "$out" | awk '{print $1}' | sort -c 2>&1)" "" "... in TIME order"
journal show --json "$world/real.lhj"
is "$(printf '%s\n' "$out" | grep -vc '^{"seq":[0-9]*,"time":"[^"]*","node":"[^"]*","kind":"[a-z-]*","fields":{.*}}$')" 0 \
    "show --json of a real journal: one object a line"

# ---- the lhost command's own operations --------------------------------------------------------
# A logical host of a Dummy member (resource-agents': it keeps no journal) and the
# real jp1base and jp1im on the emulator; lhost's journal in $world/lh, where the
# members it runs journal too (they inherit LHOST_JOURNAL_DIR).
lhost_world
{
    printf '[member dummy]\nagent = ocf:heartbeat:Dummy\nstate = %s\n' "$world/dummy.state"
    jp1_members lhJ "$shd"
} >"$world/defs/lhJ.conf"
codes=""
for op in start monitor stop kill; do
    LHOST_JOURNAL_DIR="$world/lh" lhost "$op" lhJ
    codes="$codes$op:$rc "
done
inject lhJ jbs_start.cluster 1
LHOST_JOURNAL_DIR="$world/lh" lhost start lhJ
codes="${codes}start:$rc"
clear_injections lhJ
is "$codes" "start:0 monitor:0 stop:0 kill:0 start:5" \
    "lhost start, monitor, stop, kill, and a start that fails (the base rejects the logical host)"
LHOST_JOURNAL_DIR="$world/lh" journal show
is "$rc" 0 "... this node's journal reads without a problem"
# lhost's own actions, in SEQ order: each one's records are consecutive, begin to result.
is "$(printf '%s\n' "$out" | awk '$4 == "begin" && / agent=lhost / { a = $0; sub(/.* action=/, "", a); sub(/ .*/, "", a); open = 1 }
    open && $4 == "result" { c = $0; sub(/.* code=/, "", c); sub(/ .*/, "", c); printf "%s:%s ", a, c; open = 0 }' | sed 's/ $//')" \
    "$codes" "... lhost's begin (agent=lhost, action=OPERATION) and result (code=its exit code) for each"
like "$out" " begin agent=lhost resource=lhJ action=start pid=[0-9]+" "... the logical host as the resource"
like "$out" " member member=base agent=ocf:lhost:jp1base action=start ocf=OCF_SUCCESS ms=[0-9]+" \
    "... a member record for each member's step (member, agent, action, OCF code)"
like "$out" " member member=dummy agent=ocf:heartbeat:Dummy action=start ocf=OCF_SUCCESS " \
    "... a member that keeps no journal of its own too"
like "$out" " result ocf=OCF_ERR_INSTALLED code=5 reason=\"base \(ocf:lhost:jp1base\) start returned [^\"]*\" ms=" \
    "... the failed start's result with its exit reason, naming the member"
like "$out" " command argv=\"[^\"]*/jp1base start\" end=exited " "... the member commands lhost ran"
is "$(printf '%s\n' "$out" | awk '{print $2}' | sort -u | wc -l)" 1 "... lhost and the members under one node name"
# In TIME order (a merge of this node's journal), the first start: lhost's begin, each
# member's own action within it and lhost's member record after it, lhost's result last.
journal merge -o "$world/lh.lhj" "$world"/lh/journal-*.lhj
is "$rc" 0 "the journal of lhost and its members merges: 0"
journal show "$world/lh.lhj"
is "$(printf '%s\n' "$out" | awk '
        $4 == "begin" { a = $0; sub(/.* agent=/, "", a); sub(/ .*/, "", a) }
        $4 == "begin" && a == "lhost" { n++ }
        n != 1 { next }
        $4 == "begin" { printf "%s ", a }
        $4 == "result" { printf "result " }
        $4 == "member" { m = $0; sub(/.* member=/, "", m); sub(/ .*/, "", m); printf "member:%s ", m }
        $4 == "result" && a == "lhost" { n++ }
        $4 == "result" { a = "lhost" }' | sed 's/ $//')" \
    "lhost member:dummy jp1base result member:base jp1im result member:manager result" \
    "... lhost start: its begin, each member's begin and result, lhost's member record, lhost's result"

# ---- lhost timeline ---------------------------------------------------------------------------
timeline() { # timeline ARGS: lhost timeline. Sets rc, err.
    "$LHOST" timeline "$@" >"$world/out" 2>"$world/err"
    rc=$?
    err=$(cat "$world/err")
}
timeline
is "$rc" 2 "timeline without MERGED: 2"
timeline --no-such-option "$world/real.lhj"
is "$rc" 2 "timeline with an unknown option: 2"
timeline "$world/real.lhj" "$world/lh.lhj"
is "$rc" 2 "timeline of two files: 2"
timeline "$a1"
is "$rc" 3 "timeline of a node's journal, not a merge: 3"
like "$err" "$a1: not a merged journal" "... saying so"
timeline "$world/no-such-file.lhj"
is "$rc" 4 "timeline of a file that cannot be read: 4"
timeline -o "$world/no/such/dir/t.svg" "$world/real.lhj"
is "$rc" 4 "timeline -o into a directory that is not there: 4"
journal merge -o "$world/cluster.lhj" "$world"/real/node*/journal-*.lhj "$world"/lh/journal-*.lhj
is "$rc" 0 "a merge of the two agent nodes' journals and lhost's node's: 0"
timeline "$world/cluster.lhj" -o "$world/cluster.svg"
is "$rc" 0 "timeline MERGED -o FILE.svg: 0"
[ ! -e "$world/cluster.svg.tmp" ]
ok $? "... no FILE.svg.tmp left"
if command -v xmllint >/dev/null; then
    xmllint --noout "$world/cluster.svg" 2>"$world/xmllint"
    ok $? "... well-formed XML (xmllint)$(head -3 "$world/xmllint" | tr '\n' ' ')"
else
    skip "xmllint is not installed"
fi
svg=$(cat "$world/cluster.svg")
is "$(grep -o '<g class="lane" data-node="[^"]*"' "$world/cluster.svg" | wc -l)" 3 "... a lane per node"
is "$(grep -c '<g class="action" data-node="node[12]" data-resource="rsc_jp1base">' "$world/cluster.svg")" 6 \
    "... a bar per action of the agent on the two nodes"
is "$(grep -c '<g class="action" [^>]*data-resource="lhJ">' "$world/cluster.svg")" 5 \
    "... a bar per lhost operation"
# A tooltip's lines: what, on which node; the OCF code and the exit reason; when, how long.
is "$(grep -A1 '<rect class="bar failed"[^>]*><title>start of lhJ on ' "$world/cluster.svg" \
    | sed 's/.*<title>//' | cut -c1-40 | tr '\n' '|')" "start of lhJ on $(uname -n) (lhost)|OCF_ERR_INSTALLED (5): base (ocf:lhost:j|" \
    "... the failed start red, with its OCF code and reason in its tooltip"
like "$(grep -A2 '<rect class="bar failed"[^>]*><title>start of lhJ on ' "$world/cluster.svg" | tail -1)" \
    "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3} to [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3} UTC, [0-9]+ ms</title>" \
    "... and its times and duration"
like "$svg" 'class="mark"[^>]*>✕' "... and marked"
timeline "$world/cluster.lhj"
cmp -s "$world/out" "$world/cluster.svg"
ok $? "timeline without -o: the same SVG on standard output"

# ---- lhost-journal(5) -------------------------------------------------------------------------
page="$top_srcdir/man/lhost-journal.5"
if command -v man >/dev/null; then
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
    is "$warnings" "" "lhost-journal(5) renders without a warning"
fi
for code in 0 1 2 3 4; do
    grep -q "^\.B $code\$" "$page"
    ok $? "lhost-journal(5) documents exit status $code"
done
grep -q '^\.B journal merge' "$top_srcdir/man/lhost.8" && grep -q '^\.B journal show' "$top_srcdir/man/lhost.8" \
    && grep -q '^\.B timeline' "$top_srcdir/man/lhost.8"
ok $? "lhost(8) lists journal merge, journal show and timeline"
finish
