#!/usr/bin/env bash
# The decision journal, black-box (lhost/journal.h): what the real jp1base writes to
# LHOST_JOURNAL_DIR (emu_world points it into the test's own world) for a start, a
# recurring monitor, a failing monitor, a stop and a probe against the JP1/Base
# emulator. Read with shell tools only, never with our own reader: each line's shape
# by a regular expression, its CRC-32 from gzip's trailer (the same IEEE CRC-32),
# sequence numbers in order, and each action's records (begin, command with argv and
# rc, decision with the OCF code, result) as they should be.
. "$(dirname "$0")/lib.sh"

emu_world lhN
shd="$world/shdsk/lhN"
agent_env=(
    OCF_RESKEY_logical_host=lhN OCF_RESKEY_shared_dir="$shd"
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=20000
    OCF_RESKEY_CRM_meta_on_node=node-j1 HA_LOGFILE="$world/agent.log"
)
MON=OCF_RESKEY_CRM_meta_interval=30000
PROBE=OCF_RESKEY_CRM_meta_interval=0
J=$LHOST_JOURNAL_DIR

# Every record of a journal directory, oldest first (the names sort so).
records() { # records [DIR]
    cat "${1:-$J}"/journal-*.lhj 2>/dev/null
}
# The records of the Nth action (from its begin to its result).
action_records() { # action_records N
    records | awk -v n="$1" '$5 == "begin" { a++ } a == n { print } a == n && $5 == "result" { exit }'
}
# The value of KEY in the first record of KIND on stdin (still escaped).
value() { # value KIND KEY
    awk -v kind="$1" -v key="$2" '$5 == kind {
        for (i = 6; i <= NF; i++) if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit }
        exit }'
}
# CRC-32 of stdin in lower-case hex: gzip's trailer holds it, little-endian.
crc32() {
    gzip -c | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n'
}

is "$(printf 123456789 | crc32)" cbf43926 "gzip's trailer gives the CRC-32 of the journal (check value)"
is "$J" "$world/journal" "emu_world sends the journal into the test's world"

# ---- what runs nothing writes nothing ----------------------------------------------------
agent jp1base meta-data
agent jp1base --help
agent jp1base frobnicate
"$AGENTS/jp1base" >/dev/null 2>&1 # no action at all: usage
[ ! -e "$J" ]
ok $? "meta-data, --help, a usage error and an unknown action write no journal"

# ---- a life: start, monitor, a failure, stop, probe ------------------------------------------
agent jp1base validate-all
is "$rc" 0 "validate-all"
agent jp1base start
is "$rc" 0 "start"
agent jp1base monitor "$MON"
is "$rc" 0 "monitor: running"
emu_kill lhN jbsroute
agent jp1base monitor "$MON" OCF_RESOURCE_INSTANCE='rsc base=1 %'
is "$rc" 1 "monitor with a process killed: failure"
agent jp1base stop
is "$rc" 0 "stop"
agent jp1base monitor "$PROBE"
is "$rc" 7 "probe after stop: not running"

is "$(stat -c %a "$J")" 700 "the journal directory is made owner-only"
is "$(stat -c %a "$J"/journal-00000000000000000001.lhj)" 600 "... and so are its files"
is "$(records | awk '$5 == "begin"' | wc -l | tr -d ' ')" 6 "six actions, six begin records"
is "$(records | awk '$5 == "result"' | wc -l | tr -d ' ')" 6 "... and six results"

# Every line: the documented shape, no byte outside printable ASCII, a valid crc.
bad_shape=$(records | LC_ALL=C grep -cvE '^LHJ1 [1-9][0-9]* [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z node-j1 [a-z-]+( [a-z_]+=[!-~]*)* crc=[0-9a-f]{8}$')
is "$bad_shape" 0 "every line has the record's shape (node name from OCF_RESKEY_CRM_meta_on_node)"
bad_crc=0
while IFS= read -r line; do
    [ "$(printf '%s' "${line% crc=*}" | crc32)" = "${line##* crc=}" ] || bad_crc=$((bad_crc + 1))
done < <(records)
is "$bad_crc" 0 "every line's crc is the CRC-32 of what precedes ' crc='"
is "$(records | awk '$2 != NR { print NR; exit }')" "" "sequence numbers run 1, 2, 3... (one agent at a time)"
is "$(records | awk '{ print substr($3, 1, 19) }' | sort -c 2>&1)" "" "... and times do not go back"

# validate-all
a=$(action_records 1)
is "$(value begin action <<<"$a")" validate-all "validate-all is journaled"
is "$(value result ocf <<<"$a")" OCF_SUCCESS "... with its result"

# start: the start command, then the status command until running
a=$(action_records 2)
is "$(value begin agent <<<"$a") $(value begin resource <<<"$a") $(value begin action <<<"$a")" \
    "jp1base rsc_jp1base start" "start: begin names the agent, the resource and the action"
like "$(value begin pid <<<"$a")" '^[0-9]+$' "... and the agent's pid"
like "$(awk '$5 == "decision"' <<<"$a" | head -1)" ' context=start run=1 rc=8 decision=stopped crc=' \
    "... first a status check: rc 8, stopped, nothing settled (no ocf=)"
cmd=$(grep -F " argv=$EMUBIN/jbs_start.cluster%20lhN " <<<"$a")
is "$(wc -l <<<"$cmd" | tr -d ' ')" 1 "... then the start command, its argv escaped (spaces as %20)"
is "$(value command end <<<"$cmd") $(value command rc <<<"$cmd")" "exited 0" "... how it ended and its rc"
like "$(value command ms <<<"$cmd")" '^[0-9]+$' "... and how long it took"
like "$(awk '$5 == "decision"' <<<"$a" | tail -1)" \
    ' check=jbs_spmd_status context=start run=1 rc=0 decision=running ocf=OCF_SUCCESS crc=' \
    "... the last decision: running, OCF_SUCCESS"
is "$(value result ocf <<<"$a") $(value result code <<<"$a")" "OCF_SUCCESS 0" "... and the result"
is "$(awk '{ print $5 }' <<<"$a" | head -1)$(awk '{ print $5 }' <<<"$a" | tail -1)" beginresult \
    "... begin first, result last"

# monitor: one status command, its decision
a=$(action_records 3)
is "$(awk '{ print $5 }' <<<"$a" | tr '\n' ' ')" "begin command decision result " \
    "monitor: begin, command, decision, result"
like "$(value command argv <<<"$a")" "^$EMUBIN/jbs_spmd_status%20-h%20lhN%20-t%20[0-9]+\$" \
    "... the status command's argv"
like "$(awk '$5 == "decision"' <<<"$a")" \
    ' decision check=jbs_spmd_status context=monitor run=1 rc=0 decision=running ocf=OCF_SUCCESS crc=' \
    "... rc 0 decides running: OCF_SUCCESS"
is "$(value result ocf <<<"$a")" OCF_SUCCESS "... and the result says so"
is "$(($(value command pid <<<"$a") > 0))" 1 "... the command's pid is recorded"

# a failing monitor: the reason, escaped; a resource id with blanks, '=' and '%'
a=$(action_records 4)
is "$(value begin resource <<<"$a")" "rsc%20base%3D1%20%25" "a resource id is escaped (space, =, %)"
is "$(value command rc <<<"$a")" 4 "failing monitor: the status command returned 4"
like "$(awk '$5 == "decision"' <<<"$a")" ' rc=4 decision=partial ocf=OCF_ERR_GENERIC ' \
    "... decided partial: OCF_ERR_GENERIC"
is "$(value result code <<<"$a")" 1 "... the result code is 1"
like "$(value result reason <<<"$a")" 'returned%204%20\(some%20processes%20stopped\)' \
    "... and the exit reason is in the result"

# stop: the stop command, forced termination, verified stopped
a=$(action_records 5)
is "$(awk '$5 == "command"' <<<"$a" | grep -oE 'jbs_[a-z_]+(\.cluster)?' | tr '\n' ' ')" \
    "jbs_spmd_status jbs_stop.cluster jbs_killall.cluster jbs_spmd_status " \
    "stop: status, the stop command, the forced termination, status again"
like "$(awk '$5 == "decision"' <<<"$a" | tail -1)" ' context=stop .*decision=stopped ocf=OCF_SUCCESS ' \
    "... verified stopped"
is "$(value result ocf <<<"$a")" OCF_SUCCESS "... OCF_SUCCESS"

# probe
a=$(action_records 6)
like "$(awk '$5 == "decision"' <<<"$a")" ' context=probe run=1 rc=8 decision=stopped ocf=OCF_NOT_RUNNING ' \
    "probe: rc 8 decides stopped, OCF_NOT_RUNNING"
is "$(value result code <<<"$a")" 7 "... result code 7"
[ "$(value begin pid <<<"$(action_records 5)")" != "$(value begin pid <<<"$a")" ]
ok $? "... its begin names another pid than the stop's"

# ---- settings ------------------------------------------------------------------------
n=$(records | wc -l)
agent jp1base monitor "$PROBE" LHOST_JOURNAL_DIR=off
is "$rc $(records | wc -l)" "7 $n" "LHOST_JOURNAL_DIR=off: the action runs, nothing is written"

small="$world/small"
for _ in $(seq 12); do
    agent jp1base monitor "$PROBE" LHOST_JOURNAL_DIR="$small" LHOST_JOURNAL_FILE_SIZE=4096 \
        LHOST_JOURNAL_FILES=2
done
files=("$small"/journal-*.lhj)
is "${#files[@]}" 2 "LHOST_JOURNAL_FILE_SIZE=4096, LHOST_JOURNAL_FILES=2: two files kept"
like "$(tail -1 "${files[0]}")" " rotate next=$(basename "${files[1]}") crc=" \
    "... the older ends with a rotate record naming the newer"
[ "$(stat -c %s "${files[0]}")" -le 4300 ]
ok $? "... which stayed near its size ($(stat -c %s "${files[0]}") bytes)"
first=$(head -1 "${files[1]}" | awk '{ print $2 }')
is "${files[1]##*/}" "$(printf 'journal-%020d.lhj' "$first")" "... the newer is named after its first record"

# ---- the journal never fails an action -----------------------------------------------------
: >"$world/afile"
: >"$world/agent.log"
agent jp1base monitor "$PROBE" LHOST_JOURNAL_DIR="$world/afile/journal"
is "$rc" 7 "a journal directory that cannot be made: the probe still answers 7"
agent jp1base monitor "$PROBE" LHOST_JOURNAL_DIR="$world/afile/journal"
is "$rc" 7 "... every time"
is "$(grep -c 'WARNING: journal: cannot open' "$world/agent.log")" 2 \
    "... with one warning per agent process (two processes, two warnings)"
is "$(reason)" "" "... and no exit reason about it"

# A torn tail (an agent killed mid-write): ended, and the next records start a line of their own.
last=$(ls "$J"/journal-*.lhj | tail -1)
printf 'LHJ1 99999 2026-12-03T07:1' >>"$last"
agent jp1base monitor "$PROBE"
is "$rc" 7 "after a torn tail: the probe answers"
is "$(grep -c '^LHJ1 99999 2026-12-03T07:1$' "$last")" 1 "... the torn line was ended with a newline"
like "$(tail -4 "$last" | head -1)" '^LHJ1 [0-9]+ .* begin agent=jp1base ' "... and a begin record follows it"
is "$(tail -4 "$last" | awk '{ print $2 }' | head -1)" "$((n + 1))" \
    "... numbered on from the last valid record, not from the torn one"

finish
