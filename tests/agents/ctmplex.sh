#!/usr/bin/env bash
# ctmplex, black-box: the real promotable agent against the Control-M CTMPLEX emulator
# (tests/emulators/ctmemu, README.ctm). Three installations on one Coupling Facility
# (node1 M1 priority 99, node2 M2 98, node3 M3 97), each with its own CTM_HOME and
# resource state, and a fourth installation of the same member name on another CF that
# no action may touch. Control-M's own takeover is off (CTMEMU_TAKEOVER=0): the cluster
# promotes. Node attributes go to the fake attrd (tests/agents/fakes:
# $LH_FAKE_ATTRD/NODE/NAME). Expected codes and attributes come from the agent's man
# page (P-plex, P-plex-attempts, the promotion score), issue 16, PRODUCTS.md section 3
# and the OCF 1.1 spec.
. "$(dirname "$0")/lib.sh"

CTMEMU="$top_builddir/tests/emulators/ctmemu"
[ -x "$CTMEMU" ] || skip_all "no ctmemu in $top_builddir/tests/emulators"
world=$(mktemp -d /tmp/lhost-test.XXXXXX)
bg_pids=()
ctm_teardown() {
    local p
    for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    for p in "$world"/*/ctm_server/exe/ctmemu; do
        [ -x "$p" ] && "$p" reset >/dev/null 2>&1
    done
    rm -rf "$world"
}
trap ctm_teardown EXIT

export CTMEMU_TIME_SCALE=0.1 CTMEMU_TAKEOVER=0
export LH_FAKE_ATTRD="$world/attrd" HA_LOGFACILITY=none HA_LOGFILE="$world/agent.log"
export LHOST_JOURNAL_DIR="$world/journal" PATH="$top_srcdir/tests/agents/fakes:$PATH"
unset CTMEMU_HOME CTMEMU_CF CTMEMU_ROOT CTMEMU_START_MS CTMEMU_STOP_MS CTMEMU_CONNECT_MS \
    CTMEMU_STALE_MS
marker="ctm-$$-$RANDOM" # in every agent's environment, so in what it starts
mkdir -p "$world/cf" "$world/cf2" "$LH_FAKE_ATTRD" "$world/rsc1" "$world/rsc2" "$world/rsc3"
for n in 1 2 3; do
    "$CTMEMU" setup "$world/n$n" "M$n" "$world/cf" --priority $((100 - n)) >/dev/null
done
"$CTMEMU" setup "$world/o1" M1 "$world/cf2" --priority 99 >/dev/null # the other installation
: >"$HA_LOGFILE"
agent_env=(LHOST_CTM="$marker" OCF_RESKEY_CRM_meta_timeout=20000 OCF_RESKEY_recovert=1
    OCF_RESKEY_recoverm=3)
MON=OCF_RESKEY_CRM_meta_interval=10000
PROBE=OCF_RESKEY_CRM_meta_interval=0
PROMOTED=OCF_RESKEY_CRM_meta_role=Promoted

on() { # on N: this node's OCF environment (resource ctm:N, node nodeN, its CTM_HOME)
    echo "OCF_RESOURCE_INSTANCE=ctm:$1 HA_RSCTMP=$world/rsc$1 OCF_RESKEY_CRM_meta_on_node=node$1 OCF_RESKEY_ctm_home=$world/n$1 OCF_RESKEY_priority=$((100 - $1))"
}
ctm() { # ctm N ACTION [VAR=value...]
    local n=$1 action=$2
    shift 2
    # shellcheck disable=SC2046
    agent ctmplex "$action" $(on "$n") "$@"
}
mon() { ctm "$1" monitor "$MON" "${@:2}"; }            # a Local's recurring monitor
gmon() { ctm "$1" monitor "$MON" "$PROMOTED" "${@:2}"; } # the Global's
ctm_bg() { # ctm_bg N ACTION [VAR=value...]: in the background, its pid in $bg
    local n=$1 action=$2
    shift 2
    # shellcheck disable=SC2046
    env OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "${agent_env[@]}" \
        $(on "$n") "$@" "$AGENTS/ctmplex" "$action" >/dev/null 2>&1 &
    bg=$!
    bg_pids+=("$bg")
}
exe() { echo "$world/n$1/ctm_server/exe"; }
status_rc() { "$(exe "$1")/status_ctm" >/dev/null 2>&1; echo $?; }
role() { "$(exe "$1")/status_ctm" 2>/dev/null | awk '$1 == "ROLE" { print $2 }'; }
pid_of() { "$1/ctm_server/exe/ctmemu" ps | awk '{ print $1 }'; } # pid_of HOME
running() { [ -n "$(pid_of "$world/n$1")" ]; }
emulog() { cat "$world/n$1/emu/log" 2>/dev/null; }
emu_count() { emulog "$1" | grep -c -- "$2"; } # emu_count N REGEX: lines of node N's log
connects() { emu_count "$1" ' ctmcf connect -> rc'; }
cf_attempts() { # what the CF itself counted: "N" while failed, "up" when available
    "$(exe 1)/ctmcf" check | sed -n 's/.*CONNECTION ATTEMPTS \([0-9]*\).*/\1/p;s/^CTMEMU120I.*/up/p'
}
cf() { "$(exe 1)/ctmemu" cf "$@" >/dev/null; }
attr() { # attr N NAME: a node attribute in the fake attrd; "none" when absent or empty
    local f="$LH_FAKE_ATTRD/node$1/$2"
    if [ -s "$f" ]; then cat "$f"; else echo none; fi
}
score() { attr "$1" master-ctm; }
order() { attr "$1" ctm-plex | cut -d' ' -f1; }       # the Global's order on node N
attempts_attr() { attr "$1" ctm-plex-attempts; }
statefile() { echo "$world/rsc$1/lhost-ctmplex-ctm.state"; } # lhost-AGENT-PRIMITIVE.state
state() { sed -n "s/^$2=//p" "$(statefile "$1")" 2>/dev/null; } # state N KEY
inject() { # inject N COMMAND TOKEN...: emulator injection for node N's member
    mkdir -p "$world/n$1/emu/inject/M$1"
    echo "${@:3}" >"$world/n$1/emu/inject/M$1/$2.codes"
}
clear_injections() { rm -rf "$world/n$1/emu/inject"; }
until_true() { # until_true SECONDS COMMAND...: polls every 50 ms
    local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
    shift
    until "$@"; do
        [ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
        sleep 0.05
    done
}
logged() { grep -cE -- "$1" "$HA_LOGFILE"; } # how many lines of the agent's log
snapshot() { find "$LH_FAKE_ATTRD" "$world/rsc$1" -type f -printf '%p %T@ %s\n' | sort; }
kill_monitor() { # kill_monitor N: SIGKILL node N's p_ctmsu, returning once it is gone
    local p
    p=$(pid_of "$world/n$1")
    [ -n "$p" ] && kill -9 "$p"
    until_true 3 eval '! running '"$1"
}
# Every agent ends what it started (its commands) itself: nothing of ours is left but
# the monitors (p_ctmsu).
strays() {
    local p
    for p in $(marked_processes "LHOST_CTM=$marker"); do
        case $p in *"(p_ctmsu)") ;; *) echo "$p" ;; esac
    done
}
# The watcher's record of node N (lhost/watchrec.h, in N's own HA_RSCTMP): it names
# node N's p_ctmsu, with the pid the emulator gives (ctmemu ps) and its start time.
rec_is() { # rec_is N DESCRIPTION
    HA_RSCTMP="$world/rsc$1" watchrec_is ctmplex "ctm:$1" "node$1" \
        "$(watchrec_line "$(pid_of "$world/n$1")" p_ctmsu)" "$2"
}
rec_none() { HA_RSCTMP="$world/rsc$1" watchrec_none ctmplex "ctm:$1" "$2"; } # rec_none N DESCRIPTION
all_healthy() { # the plex back together: 8 on node1, 0 on node2 and node3
    gmon 1
    local r1=$rc
    mon 2
    local r2=$rc
    mon 3
    echo "$r1 $r2 $rc"
}

# ---- meta-data and validate-all ---------------------------------------------------------
"$AGENTS/ctmplex" meta-data >"$world/ctmplex.xml"
is "$?" 0 "meta-data: 0"
if [ -f "${OCF_SCHEMA:-}" ] && command -v "${XMLLINT:-xmllint}" >/dev/null; then
    "${XMLLINT:-xmllint}" --noout --relaxng "$OCF_SCHEMA" "$world/ctmplex.xml" 2>"$world/rng.err"
    ok $? "meta-data validates against the OCF 1.1 schema"
else
    skip "meta-data against the OCF schema: no schema or xmllint (configure --with-ocf-schema)"
fi
for a in start stop promote demote notify startplex validate-all meta-data; do
    grep -q "<action name=\"$a\"" "$world/ctmplex.xml"
    ok $? "meta-data lists the action $a"
done
like "$(grep '<action name="monitor"' "$world/ctmplex.xml" | tr '\n' '|')" \
    'role="Promoted".*\|.*role="Unpromoted"' "meta-data: a monitor for each role"
for p in priority recovert recoverm cf_check_cmd cf_connect_cmd status_codes; do
    grep -q "<parameter name=\"$p\"" "$world/ctmplex.xml"
    ok $? "meta-data lists the parameter $p"
done
ctm 1 validate-all
is "$rc" 0 "validate-all of an installed node: 0"
ctm 1 validate-all OCF_RESKEY_status_codes="global=0 local=11"
is "$rc" 6 "validate-all, status_codes without every role: OCF_ERR_CONFIGURED"
like "$(reason)" "status_codes" "... the reason names status_codes"
ctm 1 validate-all OCF_RESKEY_status_codes="global=0 local=0 standalone=12 paused=13 down=14 shut=15"
is "$rc" 6 "validate-all, status_codes giving two roles one code: OCF_ERR_CONFIGURED"
ctm 1 validate-all OCF_RESKEY_status_codes="global=0 local=11 standalone=12 paused=13 down=14 shut=999"
is "$rc" 6 "validate-all, a status code over 255: OCF_ERR_CONFIGURED"
ctm 1 validate-all OCF_RESKEY_cf_check_cmd="bin/ctmcf check"
is "$rc" 6 "validate-all, a relative cf_check_cmd: OCF_ERR_CONFIGURED"
like "$(reason)" "cf_check_cmd" "... the reason names cf_check_cmd"
ctm 1 validate-all OCF_RESKEY_cf_connect_cmd="'$world/unclosed"
is "$rc" 6 "validate-all, a cf_connect_cmd with an unclosed quote: OCF_ERR_CONFIGURED"
ctm 1 validate-all OCF_RESKEY_start_cmd="$world/nowhere/start_ctm"
is "$rc" 5 "validate-all, a missing start command: OCF_ERR_INSTALLED"
like "$(reason)" "start_cmd" "... the reason names start_cmd"
ctm 1 validate-all OCF_RESKEY_ctm_home="$world/nowhere"
is "$rc" 5 "validate-all, a ctm_home where nothing is installed: OCF_ERR_INSTALLED"
like "$(reason)" "ctm_home" "... the reason names ctm_home (the parameter the admin set)"
ctm 1 validate-all OCF_RESKEY_ctm_home=relative/ctm
is "$rc" 6 "validate-all, a relative ctm_home: OCF_ERR_CONFIGURED"
ctm 1 validate-all OCF_RESKEY_recovert=-1
is "$rc" 6 "validate-all, recovert -1: OCF_ERR_CONFIGURED"
ctm 1 validate-all OCF_RESKEY_recoverm=0
is "$rc" 6 "validate-all, recoverm 0: OCF_ERR_CONFIGURED"

# ---- another installation on the node: the same member name, another CF ---------------------
"$world/o1/ctm_server/exe/start_ctm" -global >/dev/null
other=$(pid_of "$world/o1")
ok "$([ -n "$other" ]; echo $?)" "the other installation's M1 runs (pid $other)"

# ---- start, promote, monitor -----------------------------------------------------------------
ctm 1 monitor "$PROBE"
is "$rc" 7 "probe before start, with the other installation's M1 running: not running"
mon 1
is "$rc" 7 "recurring monitor before start: not running"
is "$(score 1)" none "... and no promotion score"
for n in 1 2 3; do
    ctm "$n" start
    is "$rc" 0 "start of node$n (M$n): 0"
    is "$(role "$n")" LOCAL "... M$n runs, a Local (status_ctm)"
    rec_is "$n" "... the watcher's record names its p_ctmsu, with its start time"
done
is "$(score 1) $(score 2) $(score 3)" "99 98 97" "promotion scores: each node's priority"
mon 2
is "$rc" 0 "monitor of a Local: 0"
ctm 2 monitor "$PROBE"
is "$rc" 0 "probe of a Local: 0"
ctm 2 start
is "$rc:$(emu_count 2 'start_ctm -> rc')" 0:1 "start of a running Local: 0, start_ctm not run again"
ctm 1 promote
is "$rc" 0 "promote of node1: 0"
is "$(role 1)" GLOBAL "... M1 is the Global (status_ctm)"
is "$(score 1)" 100099 "... its promotion score: its priority + 100000 (it stays the Global)"
rec_is 1 "... the record names the same p_ctmsu"
gmon 1
is "$rc" 8 "monitor (role Promoted) of the Global: 8"
ctm 1 monitor "$PROBE"
is "$rc" 8 "probe of the Global: 8"
is "$(order 1)" resume "P-plex of node1: resume"
mon 2
is "$rc" 0 "... node2's monitor: a Local, 0"
is "$(pid_of "$world/o1")" "$other" "the other installation was never touched"

# ---- a probe only reads --------------------------------------------------------------------------
sleep 0.02
before=$(snapshot 1)
ctm 1 monitor "$PROBE"
is "$rc" 8 "probe of the Global again: 8"
is "$(snapshot 1)" "$before" "... no attribute written, the state file untouched"

# ---- status codes outside the table ---------------------------------------------------------------
for code in 2 42 127; do
    inject 3 status_ctm "$code"
    mon 3
    is "$rc" 1 "status_ctm returning $code (no role): monitor OCF_ERR_GENERIC"
    like "$(reason)" "status_ctm.* $code" "... the reason names status_ctm and $code"
done
inject 3 status_ctm 42
ctm 3 monitor "$PROBE"
is "$rc" 1 "... a probe of status_ctm returning 42: OCF_ERR_GENERIC too"
inject 3 status_ctm hang
mon 3 OCF_RESKEY_CRM_meta_timeout=2000
is "$rc" 1 "a hung status_ctm: monitor OCF_ERR_GENERIC..."
ok "$([ "$elapsed_ms" -lt 2500 ]; echo $?)" "... within its 2 s timeout (${elapsed_ms} ms)"
clear_injections 3
mon 3
is "$rc" 0 "... injections cleared: 0"
mon 3 OCF_RESKEY_status_codes="global=100 local=101 standalone=102 paused=103 down=104 shut=105"
is "$rc" 1 "status_codes that do not match the product (11 is no role): OCF_ERR_GENERIC"
like "$(reason)" "11" "... the reason names the code 11"

# ---- the CF lost, recovert > 0, recovering at the 2nd attempt ------------------------------------
cf fail 2
gmon 1
is "$rc" 191 "CF lost (ctmemu cf fail 2): the Global's monitor 191 (OCF_DEGRADED_PROMOTED)"
like "$(reason)" "CF" "... the reason names the CF"
is "$(role 1)" STANDALONE "... M1 runs standalone (status_ctm)"
is "$(order 1)" pause "... P-plex: the Locals are told to pause"
is "$(connects 1)" 0 "... no attempt at the loss (the first is recovert later)"
is "$(logged 'CF lost \(')" 1 "... the loss logged once"
for n in 2 3; do
    mon "$n"
    is "$rc" 190 "node$n's monitor: the Local paused, 190 (OCF_DEGRADED)"
    like "$(reason)" "paus" "... the reason says it is paused"
    is "$(role "$n")" PAUSED "... M$n is PAUSED (status_ctm)"
done
gmon 1
is "$rc:$(connects 1)" 191:0 "a monitor right after: 191, still no attempt (spaced by recovert)"
sleep 1.05
gmon 1
is "$rc" 191 "recovert later: an attempt fails, 191"
like "$(reason)" "attempt 1 of 3" "... the reason gives the attempt count (1 of 3)"
is "$(connects 1)" 1 "... ctmcf connect ran once"
is "$(cf_attempts)" 1 "... the CF counted 1 connection attempt"
is "$(state 1 cf_made)" 1 "... the state file keeps cf_made=1"
like "$(attempts_attr 1)" "made=1" "... P-plex-attempts: made=1"
gmon 1
is "$rc:$(connects 1)" 191:1 "a monitor right after the attempt: no new attempt"
mon 2
is "$rc" 190 "... node2 still paused: 190"
sleep 1.05
gmon 1
is "$rc" 8 "the 2nd attempt rebuilds the CF: the Global's monitor 8"
is "$(connects 1):$(cf_attempts)" 2:up "... ctmcf connect ran twice; the CF is available"
is "$(role 1)" GLOBAL "... M1 is the Global on the CF again"
is "$(order 1)" resume "... P-plex: the Locals are told to resume"
is "$(state 1 cf_made)" "" "... the count is gone from the state file"
for n in 2 3; do
    mon "$n"
    is "$rc:$(role "$n")" 0:LOCAL "node$n's monitor: resumed, 0, LOCAL"
done
gmon 1
is "$rc:$(connects 1)" 8:2 "the Global's next monitor: 8, no attempt"
is "$(logged 'monitor role: standalone -> global')" 1 "the return to Global logged once"

# ---- a CF that never recovers; an agent SIGKILLed between attempts ----------------------------------
cf fail never
gmon 1 OCF_RESKEY_recoverm=2
is "$rc" 191 "CF lost for good (cf fail never), recoverm 2: 191"
mon 2
mon 3
is "$(role 2) $(role 3)" "PAUSED PAUSED" "... the Locals paused"
sleep 1.05
gmon 1 OCF_RESKEY_recoverm=2
like "$rc $(reason)" "^191 .*attempt 1 of 2" "attempt 1 of 2 fails: 191, the count in the reason"
inject 1 ctmcf hang # the next CF check hangs: the agent is SIGKILLed in the middle
ctm_bg 1 monitor "$MON" "$PROMOTED" OCF_RESKEY_recoverm=2
hung_ctmcf() { marked_processes "LHOST_CTM=$marker" | grep -q '(ctmcf)'; }
until_true 5 hung_ctmcf
ok $? "a monitor in the background hangs in ctmcf check"
kill -9 "$bg"
wait "$bg" 2>/dev/null
for p in $(marked_processes "LHOST_CTM=$marker"); do
    case $p in *"(ctmcf)") kill -9 "${p%%(*}" ;; esac
done
is "$(state 1 cf_made)" 1 "the agent SIGKILLed between attempts: the state file still says 1"
clear_injections 1
sleep 1.05
gmon 1 OCF_RESKEY_recoverm=2
like "$rc $(reason)" "^191 .*attempt 2 of 2" "the next monitor goes on counting: attempt 2 of 2, 191"
is "$(connects 1):$(cf_attempts)" 4:2 "... ctmcf connect ran 4 times in all; the CF counted 2 since its failure"
is "$(order 1)" shutdown "... exhausted: P-plex tells the Locals to shut down"
is "$(logged 'attempts failed')" 1 "... the exhaustion logged once"
rec_is 2 "node2's record names its p_ctmsu before the order is obeyed"
for n in 2 3; do
    mon "$n"
    is "$rc" 190 "node$n's monitor after the order to shut down: 190"
    like "$(reason)" "shut down by order" "... the reason says it is held down by order"
    is "$(role "$n")" SHUT "... M$n is SHUT, its p_ctmsu gone"
    rec_none "$n" "... the monitor removed the record before it shut M$n down: no failure to report"
done
mon 2
is "$rc:$(role 2)" 190:SHUT "node2's next monitor: still 190, nothing restarted"
ctm 2 start
is "$rc:$(role 2)" 0:SHUT "a start while the order stands: 0, nothing started"
rec_none 2 "... nothing recorded"
is "$(emu_count 2 'start_ctm -> rc')" 1 "... start_ctm never ran"
mon 2
is "$rc" 190 "... its monitor: 190"
sleep 1.05
gmon 1 OCF_RESKEY_recoverm=2
is "$rc:$(connects 1)" 191:4 "the Global after exhaustion: 191, no more attempts"
cf restore
gmon 1 OCF_RESKEY_recoverm=2
is "$rc:$(connects 1)" 191:4 "the CF repaired: the Global stays standalone (191) until startplex"
ctm 1 startplex OCF_RESKEY_recoverm=2
is "$rc" 0 "startplex by hand on the Global's node: 0"
is "$(emu_count 1 'CTMEMU123I')" 1 "... STARTPLEX done (CTMEMU123I)"
is "$(role 1):$(order 1)" GLOBAL:resume "... M1 is the Global; the Locals are told to resume"
is "$(state 1 cf_made)" "" "... the count forgotten"
is "$(all_healthy)" "8 0 0" "Global 8, Locals 0 again"
is "$(role 2) $(role 3)" "LOCAL LOCAL" "... the Locals' monitors started and resumed (status_ctm)"
ok "$(running 2 && running 3; echo $?)" "... their p_ctmsu run"

# ---- recovert = 0: standalone until startplex (asked through a node attribute) --------------------
before=$(connects 1)
cf fail 1
gmon 1 OCF_RESKEY_recovert=0
is "$rc" 191 "recovert 0, the CF lost: 191"
like "$(reason)" "startplex" "... the reason tells the admin to run startplex"
sleep 1.05
gmon 1 OCF_RESKEY_recovert=0
is "$rc:$(($(connects 1) - before)):$(cf_attempts)" 191:0:0 "1 s later: 191, no attempt ever made (agent and CF)"
mon 2
is "$rc" 190 "... node2 paused: 190"
printf T1 >"$LH_FAKE_ATTRD/node2/ctm-startplex" # attrd_updater -n ctm-startplex -U T1, on node2
gmon 1 OCF_RESKEY_recovert=0
is "$rc" 8 "startplex asked through ctm-startplex (T1, set on node2): 8, the 1st connection attempt rebuilds"
is "$(emu_count 1 'CTMEMU123I')" 2 "... STARTPLEX ran"
mon 2
is "$rc:$(role 2)" 0:LOCAL "... node2 resumed: 0"
gmon 1 OCF_RESKEY_recovert=0
is "$rc:$(emu_count 1 'CTMEMU123I')" 8:2 "the same token again: 8, STARTPLEX not run again"
printf T2 >"$LH_FAKE_ATTRD/node3/ctm-startplex"
mon 3
is "$rc:$(emu_count 3 'CTMEMU123I')" 0:0 "a Local's monitor with a new token: 0, no STARTPLEX there"
gmon 1 OCF_RESKEY_recovert=0
is "$rc:$(emu_count 1 'CTMEMU123I')" 8:2 "a new token (T2) while the Global is healthy: 8, nothing to do"
cf fail 1
gmon 1 OCF_RESKEY_recovert=0
is "$rc:$(emu_count 1 'CTMEMU123I')" 191:2 "... and T2 does not fire at the next loss of the CF: 191"
ctm 1 promote OCF_RESKEY_recovert=0
is "$rc:$(emu_count 1 'CTMEMU123I')" 0:3 "promote of the standalone Global (crm_resource --force-promote): STARTPLEX, 0"
gmon 1 OCF_RESKEY_recovert=0
is "$rc" 8 "... then the Global: 8"
cf fail never
gmon 1 OCF_RESKEY_recovert=0
ctm 1 startplex OCF_RESKEY_recovert=0
is "$rc" 1 "startplex while the CF is still down: OCF_ERR_GENERIC"
like "$(reason)" "CF" "... the reason says the CF is unavailable"
cf restore
ctm 1 startplex
is "$rc" 0 "the CF repaired, startplex: 0"
is "$(all_healthy)" "8 0 0" "... Global 8, Locals 0"

# ---- the Global fails: a Local promoted (CTMX05E) takes up the count ------------------------------
# The agent's own CF check (cf_check_cmd) fails while the product's CF answers: the
# Global is not standalone in the product, so a Local can still be promoted.
cat >"$world/cfcheck" <<EOF
#!/bin/sh
exit \$(cat "$world/cfcheck.rc")
EOF
cat >"$world/cfconnect" <<EOF
#!/bin/sh
echo "\$OCF_RESKEY_CRM_meta_on_node" >>"$world/cfconnect.log"
exit 2
EOF
chmod +x "$world/cfcheck" "$world/cfconnect"
echo 2 >"$world/cfcheck.rc"
: >"$world/cfconnect.log"
CFP=(OCF_RESKEY_cf_check_cmd="$world/cfcheck" OCF_RESKEY_cf_connect_cmd="$world/cfconnect")
gmon 1 "${CFP[@]}"
is "$rc" 191 "cf_check_cmd failing: the Global's monitor 191"
like "$(reason)" "cfcheck returned 2" "... the reason names the check and its code"
sleep 1.05
gmon 1 "${CFP[@]}"
like "$rc $(reason)" "^191 .*attempt 1 of 3" "attempt 1 of 3 (cf_connect_cmd) fails: 191"
is "$(cat "$world/cfconnect.log" | tr '\n' ' ')" "node1 " "... cf_connect_cmd ran once, on node1"
like "$(attempts_attr 1)" "made=1" "... P-plex-attempts of node1: made=1"
kill_monitor 1
until_true 3 eval '[ "$(status_rc 1)" = 14 ]'
gmon 1 "${CFP[@]}"
is "$rc" 7 "the Global's p_ctmsu SIGKILLed: its monitor 7 (not running)"
sleep 0.4 # its heartbeat goes stale (CTMEMU_STALE_MS 300 ms scaled)
ctm 2 promote "${CFP[@]}"
is "$rc" 0 "promote of node2 over the killed Global: 0"
is "$(emu_count 2 CTMX05E)" 1 "... the product logs CTMX05E on node2"
is "$(logged 'CTMX05E')" 1 "... the agent logs CTMX05E once"
is "$(role 2)" GLOBAL "... M2 is the Global"
gmon 2 "${CFP[@]}"
is "$rc" 191 "node2's monitor, its CF check failing: 191"
like "$(reason)" "attempt 1 of 3" "... it took up node1's count from P-plex-attempts (attempt 1 of 3)"
sleep 1.05
gmon 2 "${CFP[@]}"
like "$rc $(reason)" "^191 .*attempt 2 of 3" "recovert later: node2 makes attempt 2 of 3"
is "$(cat "$world/cfconnect.log" | tr '\n' ' ')" "node1 node2 " "... cf_connect_cmd ran once more, on node2"
echo 0 >"$world/cfcheck.rc"
gmon 2 "${CFP[@]}"
is "$rc" 8 "the check passes again: node2's monitor 8"
is "$(order 2)" resume "... P-plex of node2: resume"
mon 3
is "$rc:$(role 3)" 0:LOCAL "... node3 resumed: 0"
ctm 1 stop
is "$rc:$(score 1)" 0:none "node1 stopped after its failure: 0, no promotion score"
ctm 1 start
is "$rc:$(role 1)" 0:LOCAL "node1 started again: 0, a Local (start_ctm cleared its Global name)"
is "$(score 1) $(score 2)" "99 100098" "... its score (99) below the Global's (node2: 98 + 100000): it joins as a Local"
mon 1
is "$rc" 0 "... its monitor: 0"

# ---- demote and promote: a planned switch back to node1 --------------------------------------------
ctm 2 notify OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=demote \
    OCF_RESKEY_CRM_meta_notify_demote_uname=node2 OCF_RESKEY_CRM_meta_notify_stop_uname= \
    OCF_RESKEY_CRM_meta_notify_active_uname="node1 node2 node3"
is "$rc" 0 "pre-demote notification of a move (nothing stops): 0"
ctm 2 demote "$PROMOTED"
is "$rc" 0 "demote of node2: 0"
is "$(role 2)" LOCAL "... M2 gave the role up: LOCAL"
is "$(score 2)" 98 "... its score back to its priority"
mon 2
is "$rc" 0 "... its monitor: 0"
mon 3
is "$rc" 0 "... node3 still a Local: 0"
ctm 1 promote
is "$rc" 0 "promote of node1: 0"
is "$(role 1) $(role 2) $(role 3)" "GLOBAL LOCAL LOCAL" "... M1 Global, M2 and M3 Locals"
is "$(all_healthy)" "8 0 0" "... monitors 8 0 0"
ctm 2 notify OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=demote
is "$rc" 0 "post-demote notification: 0"

# ---- stop ----------------------------------------------------------------------------------------------
p1=$(pid_of "$world/n1")
p2=$(pid_of "$world/n2")
inject 3 shut_ctm hang
ctm 3 stop OCF_RESKEY_CRM_meta_timeout=6000 LHOST_CTM_STOP="$marker-stop"
is "$rc" 0 "stop of node3 with a hung shut_ctm: 0"
ok "$([ "$elapsed_ms" -lt 6000 ]; echo $?)" "... within its 6 s timeout (${elapsed_ms} ms)"
ok "$(! running 3; echo $?)" "... M3's p_ctmsu is gone"
rec_none 3 "... and its record"
is "$(marked_processes "LHOST_CTM_STOP=$marker-stop")" "" "... and the hung shut_ctm with it"
is "$(pid_of "$world/n1") $(pid_of "$world/n2") $(pid_of "$world/o1")" "$p1 $p2 $other" \
    "... M1, M2 and the other installation's M1 still run"
clear_injections 3
ctm 3 stop
is "$rc" 0 "stop when nothing runs: 0"
ok "$([ "$elapsed_ms" -lt 1500 ]; echo $?)" "... at once (${elapsed_ms} ms)"
ctm 3 stop OCF_RESKEY_ctm_home="$world/nowhere"
is "$rc" 0 "stop of a ctm_home where nothing is installed: 0"
ok "$([ "$elapsed_ms" -lt 1500 ]; echo $?)" "... at once (${elapsed_ms} ms)"
mon 3
is "$rc" 7 "monitor after stop: not running"
is "$(score 3)" none "... its promotion score deleted"
ctm 3 start
is "$rc:$(role 3)" 0:LOCAL "node3 started again: 0"
ctm 3 start OCF_RESKEY_start_cmd=/bin/false
is "$rc" 0 "a start of a running Local runs no start command (start_cmd /bin/false): 0"

# ---- attrd down: monitors still tell the truth -----------------------------------------------------------
touch "$LH_FAKE_ATTRD/down"
gmon 1
is "$rc" 8 "attrd down: the Global's monitor 8"
mon 2
is "$rc" 0 "... a Local's monitor 0"
kill_monitor 3
mon 3
is "$rc" 7 "... a Local whose p_ctmsu died: 7"
rm -f "$LH_FAKE_ATTRD/down"
ctm 3 stop
ctm 3 start
is "$rc:$(role 3)" 0:LOCAL "attrd back: node3 started again"
is "$(all_healthy)" "8 0 0" "... monitors 8 0 0"

# ---- the whole clone stops: the Global keeps its role, its stop shuts the Locals (CTMX03I) --------------
for n in 1 2 3; do
    ctm "$n" notify OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=demote \
        OCF_RESKEY_CRM_meta_notify_demote_uname=node1 \
        OCF_RESKEY_CRM_meta_notify_stop_uname="node1 node2 node3" \
        OCF_RESKEY_CRM_meta_notify_active_uname="node1 node2 node3"
    is "$rc" 0 "pre-demote notification on node$n, every node stopping: 0"
    rec_none "$n" "... no record: the Global's stop will shut the Locals down (CTMX03I)"
done
ctm 1 demote "$PROMOTED"
is "$rc" 0 "demote of node1 with the whole clone stopping: 0"
is "$(role 1)" GLOBAL "... M1 stays the Global"
rec_none 1 "... no record after it either"
for n in 1 2 3; do
    ctm "$n" notify OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=demote \
        OCF_RESKEY_CRM_meta_notify_demote_uname=node1 \
        OCF_RESKEY_CRM_meta_notify_stop_uname="node1 node2 node3" \
        OCF_RESKEY_CRM_meta_notify_active_uname="node1 node2 node3"
    rec_none "$n" "post-demote notification on node$n, which stops next: no record"
done
ctm 1 stop
is "$rc" 0 "stop of the Global: 0"
until_true 3 eval '[ "$(role 2)$(role 3)" = SHUTSHUT ]'
is "$(role 2) $(role 3)" "SHUT SHUT" "... the Locals shut down (status_ctm)"
is "$(emu_count 2 CTMX03I):$(emu_count 3 CTMX03I)" 1:1 "... CTMX03I in both Locals' emulator logs"
for n in 2 3; do
    mon "$n"
    is "$rc" 7 "node$n's monitor after its Global stopped: 7"
done
is "$(logged 'ctm:[23]\).*CTMX03I')" 2 "... the Locals' agents log CTMX03I, once each"
for n in 2 3; do
    ctm "$n" stop
    is "$rc" 0 "stop of node$n: 0"
done
for n in 1 2 3; do
    ctm "$n" notify OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=demote
done
is "$(state 1 clone_stopping)" "" "the post notification forgets the whole-clone stop"
is "$(score 1) $(score 2) $(score 3)" "none none none" "no promotion score left"
is "$(pid_of "$world/o1")" "$other" "the other installation's M1 survived everything"
agent ctmplex start OCF_RESOURCE_INSTANCE=ctm:2 HA_RSCTMP="$world/rsc2" \
    OCF_RESKEY_ctm_home="$world/n2" OCF_RESKEY_priority=98
is "$rc:$(role 2)" 0:LOCAL "M2 started by hand (no CRM_meta_on_node): 0"
rec_none 2 "... and nothing recorded: no cluster to tell"
ctm 2 stop
is "$(strays)" "" "no command the agent started is left running"

finish
