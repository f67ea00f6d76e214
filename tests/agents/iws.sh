#!/usr/bin/env bash
# iws, black-box: the real promotable agent against the IBM Workload Scheduler
# emulator (tests/emulators/iwsemu, README.iws). Three installations in one domain
# (node1 MDM, the master; node2 BKM and node3 BK2, backup masters), each with its own
# TWA_home and resource state, and a fourth installation of the same workstation name
# in another domain that no action may touch. Node attributes go to the fake attrd
# (tests/agents/fakes: $LH_FAKE_ATTRD/NODE/NAME). Expected codes and attributes come
# from the agent's contract (promotion scores, P-iws-*, P-quiesce*), PRODUCTS.md
# section 2 and the OCF 1.1 spec.
. "$(dirname "$0")/lib.sh"

IWSEMU="$top_builddir/tests/emulators/iwsemu"
[ -x "$IWSEMU" ] || skip_all "no iwsemu in $top_builddir/tests/emulators"
world=$(mktemp -d /tmp/lhost-test.XXXXXX)
bg_pids=()
iws_teardown() {
    local p
    for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    for p in "$world"/*/TWS/bin/iwsemu; do
        [ -x "$p" ] && "$p" reset >/dev/null 2>&1
    done
    rm -rf "$world"
}
trap iws_teardown EXIT

export IWSEMU_TIME_SCALE=0.1 IWSEMU_JOB_MS=2000 # jobs of 200 ms unless a test wants more
export LH_FAKE_ATTRD="$world/attrd" HA_LOGFACILITY=none HA_LOGFILE="$world/agent.log"
export LHOST_JOURNAL_DIR="$world/journal" PATH="$top_srcdir/tests/agents/fakes:$PATH"
unset IWSEMU_ROOT IWSEMU_DOMAIN IWSEMU_TWA_HOME IWSEMU_SWITCH_SETTLE_MS IWSEMU_START_MS \
    IWSEMU_STOP_MS IWSEMU_JOBS
marker="iws-$$-$RANDOM" # in every agent's environment, so in what it starts
mkdir -p "$world/dom" "$world/dom2" "$LH_FAKE_ATTRD" "$world/rsc1" "$world/rsc2" "$world/rsc3"
"$IWSEMU" setup "$world/n1" MDM "$world/dom" --master >/dev/null
"$IWSEMU" setup "$world/n2" BKM "$world/dom" >/dev/null
"$IWSEMU" setup "$world/n3" BK2 "$world/dom" >/dev/null
"$IWSEMU" setup "$world/o1" MDM "$world/dom2" --master >/dev/null # the other installation
WS=("" MDM BKM BK2)
agent_env=(LHOST_IWS="$marker" OCF_RESKEY_switch_settle=2 OCF_RESKEY_link_wait=3
    OCF_RESKEY_CRM_meta_timeout=30000)
MON=OCF_RESKEY_CRM_meta_interval=10000
PROBE=OCF_RESKEY_CRM_meta_interval=0
PROMOTED=OCF_RESKEY_CRM_meta_role=Promoted
WSMAP="node1:MDM node2:BKM node3:BK2"

on() { # on N: this node's OCF environment (resource iws:N, node nodeN, its TWA_home)
    echo "OCF_RESOURCE_INSTANCE=iws:$1 HA_RSCTMP=$world/rsc$1 OCF_RESKEY_CRM_meta_on_node=node$1 OCF_RESKEY_twa_home=$world/n$1"
}
iws() { # iws N ACTION [VAR=value...]
    local n=$1 action=$2
    shift 2
    # shellcheck disable=SC2046
    agent iws "$action" $(on "$n") "$@"
}
mon() { iws "$1" monitor "$MON" "${@:2}"; }
iws_bg() { # iws_bg N ACTION [VAR=value...]: in the background, its pid in $bg
    local n=$1 action=$2
    shift 2
    # shellcheck disable=SC2046
    env OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "${agent_env[@]}" \
        $(on "$n") "$@" "$AGENTS/iws" "$action" >/dev/null 2>&1 &
    bg=$!
    bg_pids+=("$bg")
}
statefile() { echo "$world/rsc$1/lhost-iws-iws.state"; } # lhost-AGENT-PRIMITIVE.state
bin() { echo "$world/n$1/TWS/bin"; }
cm() { "$(bin "$1")/conman" "${@:2}" 2>&1; } # cm N COMMAND: conman of node N
row() { cm "$1" sc | awk -v w="$2" '$1 == w'; } # row N WS: WS's sc line seen from N
limit_of() { row "$1" "$2" | awk '{ print $5 }'; }
master_seen() { cm "$1" sc | awk '$4 == "MASTER" { print $1 }'; }
names() { "$(bin "$1")/iwsemu" ps | awk '$2 != "jobmon" { print $2 }' | sort -u | tr '\n' ' '; }
daemons() { "$(bin "$1")/iwsemu" ps | awk '$2 != "jobmon"' | wc -l | tr -d ' '; }
pids_of() { "$1/TWS/bin/iwsemu" ps | awk '{ print $1 }' | sort | tr '\n' ' '; }
attr() { # attr N NAME: a node attribute in the fake attrd; "none" when absent or empty
    local f="$LH_FAKE_ATTRD/node$1/$2"
    if [ -s "$f" ]; then cat "$f"; else echo none; fi
}
score() { attr "$1" master-iws; }
sym() { "$(bin "$1")/iwsemu" symphony 2>&1; }
sym_size() { stat -c %s "$world/n$1/TWS/Symphony" 2>/dev/null || echo none; }
plan() { IWSEMU_JOB_MS=${2:-2000} "$(bin "$1")/JnextPlan" >/dev/null 2>&1; } # plan N [JOB_MS]
inject() { # inject N FILE TOKEN...: emulator injection for node N's workstation
    mkdir -p "$world/n$1/emu/inject/${WS[$1]}"
    echo "${@:3}" >"$world/n$1/emu/inject/${WS[$1]}/$2"
}
clear_injections() { rm -rf "$world/n$1/emu/inject"; }
corrupt_file() { printf 'XYZ' | dd of="$world/n$1/TWS/Symphony" bs=1 seek=40 conv=notrunc 2>/dev/null; }
initialised() { row "$1" "${WS[$1]}" | grep -q ' I J'; }
by_hand_start() { # by_hand_start N: StartUp and conman start, no link, until sc shows I J
    "$(bin "$1")/StartUp" >/dev/null && cm "$1" start >/dev/null && until_true 3 initialised "$1"
}
kill_names() { # kill_names N NAME...: SIGKILL, returning once they are dead
    local n=$1 pids _
    shift
    pids=$("$(bin "$n")/iwsemu" ps | awk -v names=" $* " 'index(names, " " $2 " ") { print $1 }')
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    for _ in $(seq 100); do
        pids=$("$(bin "$n")/iwsemu" ps | awk -v names=" $* " 'index(names, " " $2 " ") { print $1 }')
        [ -z "$pids" ] && return 0
        sleep 0.02
    done
}
until_true() { # until_true SECONDS COMMAND...: polls every 50 ms
    local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
    shift
    until "$@"; do
        [ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
        sleep 0.05
    done
}
logged() { grep -qE -- "$1" "$HA_LOGFILE"; }
snapshot() { find "$LH_FAKE_ATTRD" "$world/rsc$1" -type f -printf '%p %T@ %s\n' | sort; }
# Every agent ends what it started (its conman runs) itself: nothing of ours is left
# but the product's daemons and jobs.
strays() {
    local p all=" " n
    for n in 1 2 3; do all+="$(pids_of "$world/n$n") "; done
    for p in $(marked_processes "LHOST_IWS=$marker"); do
        case $all in *" ${p%%(*} "*) ;; *) echo "$p" ;; esac
    done
}
# The watcher's record of node N (lhost/watchrec.h, in N's own HA_RSCTMP): what it
# must name, node N's NAMEs with the pids the emulator lists and their start times.
expected_rec() { # expected_rec N NAME...
    local n=$1 name pid
    shift
    for name in "$@"; do
        for pid in $("$(bin "$n")/iwsemu" ps | awk -v x="$name" '$2 == x { print $1 }'); do
            watchrec_line "$pid" "$name"
        done
    done
}
rec_is() { # rec_is N "NAME..." DESCRIPTION
    # shellcheck disable=SC2086
    HA_RSCTMP="$world/rsc$1" watchrec_is iws "iws:$1" "node$1" "$(expected_rec "$1" $2)" "$3"
}
rec_none() { HA_RSCTMP="$world/rsc$1" watchrec_none iws "iws:$1" "$2"; } # rec_none N DESCRIPTION
DAEMONS="netman mailman batchman jobman"

# ---- meta-data and validate-all ---------------------------------------------------------
"$AGENTS/iws" meta-data >"$world/iws.xml"
is "$?" 0 "meta-data: 0"
if [ -f "${OCF_SCHEMA:-}" ] && command -v "${XMLLINT:-xmllint}" >/dev/null; then
    "${XMLLINT:-xmllint}" --noout --relaxng "$OCF_SCHEMA" "$world/iws.xml" 2>"$world/rng.err"
    ok $? "meta-data validates against the OCF 1.1 schema"
else
    skip "meta-data against the OCF schema: no schema or xmllint (configure --with-ocf-schema)"
fi
for a in start stop promote demote notify quiesce resume validate-all meta-data; do
    grep -q "<action name=\"$a\"" "$world/iws.xml"
    ok $? "meta-data lists the action $a"
done
like "$(grep '<action name="monitor"' "$world/iws.xml" | tr '\n' '|')" \
    'interval="10s".*role="Promoted".*\|.*interval="11s".*role="Unpromoted"' \
    "meta-data: a monitor for each role, Promoted every 10 s and Unpromoted every 11 s"
iws 1 validate-all
is "$rc" 0 "validate-all of an installed node: 0"
iws 1 validate-all OCF_RESKEY_twa_home="$world/nowhere"
is "$rc" 5 "validate-all, a twa_home without IWS: OCF_ERR_INSTALLED"
like "$(reason)" "nowhere" "... the reason names the directory"
iws 1 validate-all OCF_RESKEY_twa_home=relative/TWA
is "$rc" 6 "validate-all, a relative twa_home: OCF_ERR_CONFIGURED"
iws 1 validate-all OCF_RESKEY_workstation="node2:BKM node3:BK2"
is "$rc" 6 "validate-all, a workstation map without this node: OCF_ERR_CONFIGURED"
like "$(reason)" "node1" "... the reason names the node"
iws 1 validate-all OCF_RESKEY_workstation="node1:1MDM node2:BKM"
is "$rc" 6 "validate-all, a map giving a name that is no workstation's: OCF_ERR_CONFIGURED"
iws 1 validate-all OCF_RESKEY_workstation='MDM;rm -rf /'
is "$rc" 6 "validate-all, a workstation with a ';': OCF_ERR_CONFIGURED"
iws 1 validate-all OCF_RESKEY_workstation="$WSMAP"
is "$rc" 0 "validate-all, the full map: 0"
iws 1 validate-all OCF_RESKEY_conman_cmd="$world/nowhere/conman"
is "$rc" 5 "validate-all, a missing conman: OCF_ERR_INSTALLED"
like "$(reason)" "conman" "... the reason names conman"
iws 1 validate-all OCF_RESKEY_startup_cmd="$world/nowhere/StartUp"
is "$rc" 5 "validate-all, a missing StartUp: OCF_ERR_INSTALLED"
iws 1 validate-all OCF_RESKEY_domain='MASTER;DM'
is "$rc" 6 "validate-all, a domain with a ';': OCF_ERR_CONFIGURED"

# ---- another installation on the node: same names, another TWA_home ------------------------
"$world/o1/TWS/bin/StartUp" >/dev/null && "$world/o1/TWS/bin/conman" start >/dev/null
until_true 3 eval '[ "$(pids_of "$world/o1" | wc -w)" = 4 ]'
other=$(pids_of "$world/o1")
is "$(echo "$other" | wc -w)" 4 "the other installation runs netman, mailman, batchman, jobman"
iws 1 monitor "$PROBE"
is "$rc" 7 "probe before start, with the other installation's MDM running: not running"
mon 1
is "$rc" 7 "recurring monitor before start: not running"
is "$(attr 1 master-iws)" none "... and no promotion score"

# ---- start, the first plan, monitor ----------------------------------------------------------
iws 1 start
is "$rc" 0 "start of the master's node: 0"
is "$(names 1)" "batchman jobman mailman netman " "... netman, mailman, batchman, jobman run"
rec_is 1 "$DAEMONS" "... the watcher's record names the four, each with its start time"
plan 1
like "$(sym 1)" "^run 1 jobs " "JnextPlan on the master: Symphony run 1"
iws 1 monitor "$PROBE"
is "$rc" 8 "probe of the master: running promoted"
iws 2 start
is "$rc" 0 "start of node2 (BKM): 0"
iws 3 start
is "$rc" 0 "start of node3 (BK2): 0"
until_true 3 eval 'row 1 BK2 | grep -qE "^BK2 +1 .* LTI JW"'
like "$(row 1 BKM)$(row 1 BK2)" "^BKM +1 UNIX FTA .* LTI JW.*BK2 +1 UNIX FTA .* LTI JW" \
    "... both linked to the master, with its run 1 (sc on the master)"
mon 2
is "$rc" 0 "monitor of a backup: 0"
mon 3
is "$rc" 0 "monitor of the other backup: 0"
iws 1 promote
is "$rc" 0 "promote of the master: 0"
like "$(names 1)" writer "... netman runs a writer for its links"
rec_is 1 "$DAEMONS" "... the record written again: the four daemons, never a writer (one per link)"
mon 1 "$PROMOTED"
is "$rc" 8 "monitor (role Promoted) of the master: 8"
is "$(score 1) $(score 2) $(score 3)" "1000 100 100" \
    "promotion scores: 1000 the master, 100 each linked backup with its run"
is "$(attr 1 iws-iws-ws) $(attr 2 iws-iws-ws) $(attr 3 iws-iws-ws)" "MDM BKM BK2" \
    "P-iws-ws: each node's workstation"
is "$(attr 2 iws-iws-run) $(attr 2 iws-iws-size)" "1 $(sym_size 1)" \
    "P-iws-run and P-iws-size of node2: the master's run and Symphony size"
is "$(pids_of "$world/o1")" "$other" "the other installation was never touched"
none_of() { # none_of "PIDS" "PIDS": no pid of the first list in the second
    local p
    for p in $1; do case " $2 " in *" $p "*) return 1 ;; esac; done
}
none_of "$other" "$(pids_of "$world/n1")"
ok $? "... and none of its processes is counted as node1's"

# ---- a probe only reads ------------------------------------------------------------------------
plan 1 # run 2: a recurring monitor has something to tell
until_true 3 test "$(row 2 BKM | awk '{print $2}')" = 2
before=$(snapshot 1)
iws 1 monitor "$PROBE"
is "$rc" 8 "probe of the healthy master after a new plan: 8"
is "$(snapshot 1)" "$before" "... no attribute written, the state file untouched"
mon 1 "$PROMOTED"
is "$(attr 1 iws-iws-run)" 2 "a recurring monitor then publishes the new run 2"

# ---- monitor: a product process missing --------------------------------------------------------
for p in netman mailman batchman jobman; do
    kill_names 3 "$p"
    mon 3
    is "$rc" 1 "$p of BK2 killed: monitor OCF_ERR_GENERIC"
    like "$(reason)" "$p" "... the reason names $p"
    if [ "$p" = netman ]; then
        iws 3 monitor "$PROBE"
        is "$rc" 1 "... a probe too: it runs here, broken"
    fi
    iws 3 stop
    is "$rc" 0 "... stop after it: 0"
    is "$(daemons 3)" 0 "... nothing of BK2 is left"
    iws 3 start
done
mon 3
is "$rc" 0 "BK2 started again: monitor 0"

# ---- monitor: conman fails, hangs; a corrupt plan on a backup -------------------------------
inject 3 conman.codes 3
mon 3
is "$rc" 1 "conman answering 3: monitor OCF_ERR_GENERIC"
like "$(reason)" "conman.*3" "... the reason says conman returned 3"
inject 3 conman.codes hang
mon 3 OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "a hung conman: monitor OCF_ERR_GENERIC..."
ok "$([ "$elapsed_ms" -lt 3000 ]; echo $?)" "... within its 3 s timeout (${elapsed_ms} ms)"
like "$(reason)" "conman" "... the reason names conman"
clear_injections 3
inject 3 Symphony.corrupt
mon 3
is "$rc" 1 "a corrupt Symphony on a backup: monitor OCF_ERR_GENERIC (never 9)"
like "$(reason)" "AWSBHU001E" "... the reason names AWSBHU001E"
clear_injections 3
mon 3
is "$rc" 0 "... the flag removed: 0"
is "$(strays)" "" "no conman or StartUp the agent started is left running"

# ---- stop ---------------------------------------------------------------------------------------
inject 3 conman.codes hang hang hang hang
iws 3 stop OCF_RESKEY_CRM_meta_timeout=9000 LHOST_IWS_STOP="$marker-stop"
is "$rc" 0 "stop with every conman hung: 0"
ok "$([ "$elapsed_ms" -lt 9000 ]; echo $?)" "... within its 9 s timeout (${elapsed_ms} ms)"
is "$(daemons 3)" 0 "... BK2's processes are gone (SIGTERM, SIGKILL by executable path)"
is "$(marked_processes "LHOST_IWS_STOP=$marker-stop")" "" "... and the hung conmans with them"
rec_none 3 "... and the watcher's record is gone"
is "$(pids_of "$world/o1")" "$other" "... the other installation's MDM still runs, untouched"
is "$(names 1)" "batchman jobman mailman netman writer " "... node1's MDM too"
clear_injections 3
iws 3 stop
is "$rc" 0 "stop when nothing runs: 0"
ok "$([ "$elapsed_ms" -lt 1000 ]; echo $?)" "... at once (${elapsed_ms} ms)"
iws 3 stop OCF_RESKEY_twa_home="$world/nowhere"
is "$rc" 0 "stop of a twa_home where nothing is installed: 0"
mon 3
is "$rc" 7 "monitor after stop: not running"
is "$(score 3)" none "... its promotion score deleted"
iws 3 start OCF_RESKEY_workstation=NOSUCH OCF_RESKEY_CRM_meta_timeout=6000
is "$rc" 6 "start as a workstation the domain does not have: OCF_ERR_CONFIGURED, as its monitor says..."
ok "$([ "$elapsed_ms" -lt 3000 ]; echo $?)" "... at once (${elapsed_ms} ms, timeout 6 s)"
like "$(reason)" "NOSUCH" "... naming it"
iws 3 stop OCF_RESKEY_workstation=NOSUCH
is "$rc:$(daemons 3)" 0:0 "... and stop with it ends what it started (by executable path)"

# ---- promotion scores: an older plan, no plan ---------------------------------------------------
iws 2 stop # it unlinks: BKM misses the next plan
plan 1     # run 3
by_hand_start 2
mon 2
is "$rc" 0 "BKM started by hand without a link, behind (run 2 of 3): monitor 0"
is "$(score 2)" 10 "... promotion score 10 (an older plan)"
is "$(attr 2 iws-iws-run)" 2 "... P-iws-run 2"
iws 3 start
is "$rc" 0 "start of BK2: 0"
until_true 3 eval '[ "$(sym 3 | cut -d" " -f2)" = 3 ]' # the master sends run 3 once linked
mon 3
is "$(score 3) $(attr 3 iws-iws-run)" "100 3" "BK2, started by the agent, linked and current: 100, run 3"

# The master crashes: nobody is linked. The man page: 50 for the newest plan without a
# link, 10 for an older one (the contract says 10 for both: see the report).
kill_names 1 netman mailman batchman jobman writer
until_true 4 eval '! row 3 MDM | grep -q " LT"' # its status goes stale after 2 s
mon 3
is "$rc:$(score 3)" 0:50 "master crashed: BK2, newest plan, no link: monitor 0, score 50 (man page)"
mon 2
is "$rc:$(score 2)" 0:10 "... BKM, behind: still 10, below BK2"
mon 1
is "$rc" 7 "... MDM's monitor: not running"
iws 1 start
is "$rc" 0 "MDM started again: 0"
mon 1 "$PROMOTED"
is "$rc" 8 "... still IWS's master: monitor 8"
until_true 3 eval 'row 1 BK2 | grep -q " LTI JW"'
mon 3
is "$(score 3)" 100 "... BK2 linked again by itself (links survive): score 100"

# ---- demote without a notification: the linked backup with the newest plan --------------------
iws 1 demote "$PROMOTED"
is "$rc" 0 "demote of MDM without a notification: 0"
is "$(master_seen 1)" BK2 "... the master role went to BK2, linked and current (never BKM, unlinked)"
mon 1
is "$rc" 0 "... MDM's monitor: a backup, 0"
is "$(score 1)" 100 "... and its score 100"
iws 3 promote
is "$rc" 0 "promote of BK2, already the master (AWSBHU118W): 0"
mon 3 "$PROMOTED"
is "$rc:$(score 3)" 8:1000 "... monitor 8, score 1000"

# ---- no Symphony, no score ---------------------------------------------------------------------
iws 2 stop
"$(bin 2)/iwsemu" reset >/dev/null
by_hand_start 2
mon 2
is "$rc" 0 "BKM with no Symphony, running: monitor 0"
is "$(score 2)" none "... no promotion score (it cannot be master)"
iws 2 stop
iws 2 start
is "$rc" 0 "BKM started by the agent: 0"
until_true 3 test -f "$world/n2/TWS/Symphony"
mon 2
is "$(score 2) $(attr 2 iws-iws-run)" "100 3" "... it links, receives run 3: score 100"

# ---- promote -------------------------------------------------------------------------------------
cat >"$world/conman-tee" <<EOF
#!/bin/bash
out=\$("$world/n2/TWS/bin/conman" "\$@"); rc=\$?
printf '%s\n' "\$out" >>"$world/conman2.out"; printf '%s\n' "\$out"; exit \$rc
EOF
chmod +x "$world/conman-tee"
iws 2 promote OCF_RESKEY_conman_cmd="$world/conman-tee"
is "$rc" 0 "promote of BKM while BK2 is the master: 0"
like "$(cat "$world/conman2.out")" "AWSBHU120I" "... conman answered AWSBHU120I to switchmgr"
is "$(master_seen 2)" BKM "... sc shows BKM as MASTER"
is "$(master_seen 3)" BKM "... from BK2 too"
mon 2 "$PROMOTED"
is "$rc" 8 "... BKM's monitor: 8"
mon 3
is "$rc" 0 "... BK2's monitor: 0"
: >"$world/conman2.out"
iws 2 promote OCF_RESKEY_conman_cmd="$world/conman-tee"
is "$rc" 0 "promote of the master again: 0"
like "$(cat "$world/conman2.out")" "AWSBHU118W" "... through AWSBHU118W"
is "$(master_seen 2)" BKM "... BKM is still the master"

inject 1 JnextPlan.codes hang:2500
lines=$(wc -l <"$world/n1/emu/log")
"$(bin 1)/JnextPlan" >/dev/null 2>&1 &
jnext=$!
until_true 2 grep -q JnextPlan "/proc/$jnext/comm"
iws 1 promote
is "$rc" 0 "promote of MDM while a JnextPlan of MDM runs: 0"
ok "$([ "$elapsed_ms" -ge 1500 ]; echo $?)" "... it waited for JnextPlan (${elapsed_ms} ms)"
wait "$jnext"
jn_end=$(tail -n +"$((lines + 1))" "$world/n1/emu/log" | awk '$3 == "JnextPlan" { t = $1 } END { print t }')
sw_first=$(tail -n +"$((lines + 1))" "$world/n1/emu/log" | awk '$3 == "conman" && $4 ~ /^switchm/ { print $1; exit }')
ok "$(awk -v a="$jn_end" -v b="$sw_first" 'BEGIN { exit !(a != "" && b != "" && b > a) }'; echo $?)" \
    "... and ran switchmgr only after JnextPlan ended ($jn_end < $sw_first)"
is "$(master_seen 1)" MDM "... MDM is the master"
clear_injections 1

inject 3 conman.codes hang hang hang
iws 3 promote OCF_RESKEY_CRM_meta_timeout=4000
is "$rc" 1 "promote of BK2 with a hung conman: OCF_ERR_GENERIC..."
ok "$([ "$elapsed_ms" -lt 4000 ]; echo $?)" "... within its 4 s timeout (${elapsed_ms} ms)"
is "$(master_seen 1)" MDM "... MDM stays the master"
clear_injections 3
inject 3 Symphony.corrupt
iws 3 promote
is "$rc" 1 "promote of BK2 with a corrupt plan: OCF_ERR_GENERIC"
like "$(reason)" "AWSBHU001E" "... naming AWSBHU001E"
is "$(master_seen 1)" MDM "... MDM stays the master"
clear_injections 3
mon 3
is "$rc" 0 "BK2, flag removed: monitor 0"

# ---- demote to the node being promoted (notify) -----------------------------------------------
NOTIFY_PRE=(OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=promote)
NOTIFY_POST=(OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=promote)
for n in 1 2 3; do
    iws "$n" notify "${NOTIFY_PRE[@]}" OCF_RESKEY_CRM_meta_notify_promote_uname=node3
done
is "$rc" 0 "pre-promote notification naming node3: 0"
iws 1 demote "$PROMOTED"
is "$rc" 0 "demote of MDM after it: 0"
is "$(master_seen 1)" BK2 "... the role went to node3's workstation BK2 (its P-iws-ws)"
iws 3 promote
is "$rc" 0 "promote of BK2: 0"
for n in 1 2 3; do
    iws "$n" notify "${NOTIFY_POST[@]}" OCF_RESKEY_CRM_meta_notify_promote_uname=node3
done
mon 3 "$PROMOTED"
is "$rc" 8 "BK2's monitor: 8"

saved_ws=$(attr 2 iws-iws-ws)
rm -f "$LH_FAKE_ATTRD/node2/iws-iws-ws" # only the map can tell node2's workstation now
for n in 1 2 3; do
    iws "$n" notify "${NOTIFY_PRE[@]}" OCF_RESKEY_CRM_meta_notify_promote_uname=node2 \
        OCF_RESKEY_workstation="$WSMAP"
done
iws 3 demote "$PROMOTED" OCF_RESKEY_workstation="$WSMAP"
is "$rc" 0 "demote of BK2, node2 being promoted, through the workstation map: 0"
is "$(master_seen 3)" BKM "... the role went to BKM (the map's node2)"
iws 2 promote OCF_RESKEY_workstation="$WSMAP"
is "$rc" 0 "promote of BKM: 0"
for n in 1 2 3; do
    iws "$n" notify "${NOTIFY_POST[@]}" OCF_RESKEY_CRM_meta_notify_promote_uname=node2
done
printf '%s' "$saved_ws" >"$LH_FAKE_ATTRD/node2/iws-iws-ws"

# ---- demote with nobody to take the role ------------------------------------------------------
iws 1 stop
iws 3 stop
iws 2 demote "$PROMOTED"
is "$rc" 0 "demote of BKM, no backup running: 0"
is "$(names 2)" "netman " "... mailman, batchman and jobman stopped, netman up"
rec_is 2 netman "... the record names netman alone: the monitor wants no more of a held master"
is "$(master_seen 2)" BKM "... BKM stays IWS's master"
mon 2
is "$rc" 0 "... its monitor: 0"
iws 2 promote
is "$rc" 0 "promote again: 0"
like "$(names 2)" "batchman jobman mailman netman" "... they run again"
rec_is 2 "$DAEMONS" "... and the record names the four again"
mon 2 "$PROMOTED"
is "$rc" 8 "... monitor 8"
iws 1 start
is "$rc" 0 "MDM started again: 0"
iws 3 start
is "$rc" 0 "BK2 started again: 0"
mon 1
mon 3

# ---- quiesce and resume through node attributes -----------------------------------------------
cm 3 "limit cpu=BK2;37;noask" >/dev/null
mon 3
is "$(limit_of 2 BK2)" 37 "BK2's limit set to 37"
plan 2 30000 # jobs of 3 s
until_true 4 eval '[ "$(cm 3 sj | grep -c EXEC)" = 3 ]'
echo "quiesce q1" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
mon 3
is "$rc" 0 "quiesce q1 while BK2's jobs run: monitor 0"
is "$(attr 3 iws-quiesce-state)" "q1 pending JOB1,JOB2,JOB3" "... answer: pending, with the jobs"
is "$(limit_of 2 BK2)" 0 "... limit 0"
until_true 5 eval '[ "$(cm 3 sj | grep -cE "INTRO|EXEC")" = 0 ]'
mon 3
is "$(attr 3 iws-quiesce-state)" "q1 quiesced" "the jobs ended: q1 quiesced"
echo "resume q2" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
mon 3
is "$(attr 3 iws-quiesce-state)" "q2 resumed" "resume q2: resumed"
is "$(limit_of 2 BK2)" 37 "... the limit 37 is back"

# The agent killed after the limit went to 0 (showjobs hangs): the kept 37 survives.
inject 3 conman.codes real real hang
echo "quiesce q3" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
iws_bg 3 monitor "$MON" LHOST_IWS_Q3="$marker-q3"
until_true 5 eval '[ "$(limit_of 2 BK2)" = 0 ]'
sleep 0.3
{ kill -9 "$bg" && wait "$bg"; } 2>/dev/null
for p in $(marked_processes "LHOST_IWS_Q3=$marker-q3"); do kill -9 "${p%%(*}"; done
clear_injections 3
like "$(grep limit_saved "$(statefile 3)")" "=37" "agent SIGKILLed mid-quiesce: the state keeps the limit 37"
mon 3
is "$(attr 3 iws-quiesce-state)" "q3 quiesced" "... the next monitor answers q3 quiesced"
iws 3 stop
iws 3 start
is "$rc" 0 "BK2 stopped and started while quiesced: 0"
is "$(limit_of 2 BK2)" 0 "... the limit still 0"
echo "resume q4" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
mon 3
is "$(attr 3 iws-quiesce-state)" "q4 resumed" "resume q4: resumed"
is "$(limit_of 2 BK2)" 37 "... the limit 37 kept across the kill and the restart is back"
iws 3 quiesce
is "$rc" 0 "quiesce by hand: 0"
is "$(limit_of 2 BK2)" 0 "... limit 0"
iws 3 resume
is "$rc" 0 "resume by hand: 0"
is "$(limit_of 2 BK2)" 37 "... limit 37 again"
iws 3 resume
is "$rc" 0 "resume by hand when not quiesced: 0"
is "$(limit_of 2 BK2)" 37 "... the limit untouched"
echo "quiesce bad;id" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
before=$(attr 3 iws-quiesce-state)
mon 3
is "$(attr 3 iws-quiesce-state)|$(limit_of 2 BK2)" "$before|37" "a request with a bad ID: ignored, no answer"
inject 3 conman.codes real 4 # sc, then limit answers 4
echo "quiesce q5" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
mon 3
is "$rc" 0 "quiesce q5 with conman failing on limit: monitor still 0"
like "$(attr 3 iws-quiesce-state)" "^q5 failed .*conman.*4" "... answer: q5 failed, with conman's 4"
clear_injections 3
echo "resume q6" >"$LH_FAKE_ATTRD/node3/iws-quiesce"
mon 3
is "$(attr 3 iws-quiesce-state)|$(limit_of 2 BK2)" "q6 resumed|37" "resume q6 after it: resumed, limit 37"

# ---- attrd down: the monitor still tells the truth --------------------------------------------
plan 2 # a new run to tell
until_true 3 eval '[ "$(row 3 BK2 | awk "{print \$2}")" = "$(sym 2 | awk "{print \$2}")" ]'
old_run=$(attr 2 iws-iws-run)
touch "$LH_FAKE_ATTRD/down"
: >"$HA_LOGFILE"
mon 2 "$PROMOTED"
is "$rc" 8 "attrd down (102): the master's monitor still 8"
mon 3
is "$rc" 0 "... a backup's monitor still 0"
ok "$(logged 'WARN.*(attrd|cluster)'; echo $?)" "... a warning logged"
is "$(attr 2 iws-iws-run)" "$old_run" "... nothing written meanwhile"
iws 3 stop
is "$rc" 0 "... stop of a backup: 0"
iws 3 start
is "$rc" 0 "... start of it: 0"
mon 3
is "$rc" 0 "... its monitor: 0"
rm -f "$LH_FAKE_ATTRD/down"
mon 2 "$PROMOTED"
is "$(attr 2 iws-iws-run)" "$(sym 2 | awk '{print $2}')" "attrd back: the next monitor publishes the new run"

# ---- the corrupt-Symphony recovery, in Pacemaker's order ---------------------------------------
# Old master BKM (node2), new master MDM (node1, which has a Sinfonia of its own).
cm 2 "limit cpu=BKM;42;noask" >/dev/null
mon 2 "$PROMOTED"
mon 1
ls "$world/n1/TWS/Sinfonia" >/dev/null 2>&1
ok $? "MDM has a Sinfonia (it ran JnextPlan as master)"
corrupt_file 2
like "$(sym 2)" "AWSBHU001E" "BKM's Symphony corrupted"
mon 2 "$PROMOTED"
is "$rc" 9 "monitor (Promoted) of the master with a corrupt Symphony: OCF_FAILED_PROMOTED"
like "$(reason)" "AWSBHU001E" "... the reason names AWSBHU001E"
is "$(score 2)" none "... its promotion score deleted"
is "$(attr 2 iws-iws-recovery)" BKM "... P-iws-recovery set (contract: by the monitor)"
lines=$(wc -l <"$world/n2/emu/log")
iws 2 demote "$PROMOTED"
is "$rc" 0 "demote of the corrupt master: 0"
like "$(tail -n +"$((lines + 1))" "$world/n2/emu/log" | awk '$3 == "conman" { print $4 }' | tr '\n' ' ')" \
    "shut;wait" "... BKM shut down (conman shut;wait)"
is "$(names 2)" "netman " "... then netman alone, waiting for the plan (IBM's step 5)"
rec_is 2 netman "... the record names that netman alone"
ls "$world"/n2/TWS/Symphony.corrupt-* "$world"/n2/TWS/Sinfonia.corrupt-* >/dev/null 2>&1
ok $? "... Symphony and Sinfonia renamed *.corrupt-TIME"
ok "$([ ! -e "$world/n2/TWS/Symphony" ]; echo $?)" "... no Symphony left in place"
is "$(attr 2 iws-iws-recovery)" BKM "... P-iws-recovery names BKM"
iws 2 stop
is "$rc" 0 "stop of the old master: 0"
rec_none 2 "... its record gone"
iws 2 start
is "$rc" 0 "start of the old master: 0"
rec_is 2 netman "... the record names netman alone (the rest wait for the plan)"
like "$(names 2)" "netman" "... netman runs"
ok "$(case "$(names 2)" in *jobman*) echo 1 ;; *) echo 0 ;; esac)" "... no jobman: no job launches"
mon 2
is "$rc" 0 "... its monitor while it waits for a plan: 0"
iws 1 promote
is "$rc" 0 "promote of MDM, the new master: 0"
is "$(master_seen 1)" MDM "... MDM is the master"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(attr 2 iws-iws-recovery)" = none ] && break
    sleep 0.3
    mon 2
done
is "$rc" 0 "the old master's monitors: 0"
is "$(attr 2 iws-iws-recovery)" none "... P-iws-recovery gone"
rec_is 2 netman "... the monitors started the rest and ended nothing: the record's netman still runs"
is "$(sym_size 1) $(sym_size 2) $(sym_size 3)" "$(sym_size 1) $(sym_size 1) $(sym_size 1)" \
    "... the same Symphony size on all three"
is "$(sym 2)|$(sym 3)" "$(sym 1)|$(sym 1)" "... and the same plan (iwsemu symphony: run, jobs, created)"
until_true 3 eval '[ -n "$(row 1 BKM | grep " LTI JW")" ] && [ -n "$(row 1 BK2 | grep " LTI JW")" ]'
like "$(row 1 BKM)$(row 1 BK2)" "^BKM .* LTI JW.*BK2 .* LTI JW" "... BKM and BK2 linked to MDM, running"
is "$(limit_of 1 BKM)" 42 "... BKM's limit 42 given back"
ls "$world"/n2/TWS/Symphony.corrupt-* "$world"/n2/TWS/Sinfonia.corrupt-* >/dev/null 2>&1
ok $? "... the corrupt files kept"
ls "$world/n1/TWS/Sinfonia.orig" >/dev/null 2>&1
ok $? "... the new master kept its Sinfonia as Sinfonia.orig"
is "$(cmp "$world/n1/TWS/Symphony" "$world/n1/TWS/Sinfonia" && echo same)" same \
    "... and its Sinfonia is a copy of its Symphony"
mon 2
is "$rc:$(score 2)" 0:100 "BKM: a backup again, score 100"
mon 1 "$PROMOTED"
is "$rc:$(score 1)" 8:1000 "MDM: the master, score 1000"

# ---- the same, with agents SIGKILLed: the new master's promote after its shut step, -----------
# ---- then the old master's monitor mid-way ----------------------------------------------------
corrupt_file 1
mon 1 "$PROMOTED"
is "$rc" 9 "MDM's Symphony corrupt: 9"
iws 1 demote "$PROMOTED"
iws 1 stop
iws 1 start
is "$rc" 0 "MDM demoted, stopped, started: 0"
: >"$HA_LOGFILE"
iws_bg 3 promote
until_true 20 logged "recovery of MDM: shut down"
{ kill -9 "$bg" && wait "$bg"; } 2>/dev/null
ok "$([ -n "$(grep 'newmaster_step=' "$(statefile 3)")" ]; echo $?)" \
    "BK2's promote SIGKILLed after the shut step: its state has the step"
iws 3 promote
is "$rc" 0 "promote of BK2 again: 0"
ok "$(logged 'resuming after step [3-6]'; echo $?)" "... it resumed after the step it had done"
is "$(master_seen 3)" BK2 "... BK2 is the master"
: >"$HA_LOGFILE"
iws_bg 1 monitor "$MON"
until_true 10 logged "Symphony received"
{ kill -9 "$bg" && wait "$bg"; } 2>/dev/null
mon 1
is "$rc" 0 "MDM's monitor SIGKILLed after receiving the plan: the next monitor, 0"
is "$(attr 1 iws-iws-recovery)" none "... ends the recovery (P-iws-recovery gone)"
is "$(sym_size 1) $(sym_size 2)" "$(sym_size 3) $(sym_size 3)" "... the same Symphony size as BK2's"
# the master sees MDM's jobman once MDM's netman has published it (every 50 ms)
until_true 3 eval 'row 3 MDM | grep -qE "^MDM .* LTI JW"'
like "$(row 3 MDM)" "^MDM .* LTI JW" "... MDM linked, running"
mon 3 "$PROMOTED"
is "$rc" 8 "BK2's monitor: 8"
# ---- a backup restarted over a corrupt Symphony ------------------------------------------------
# The monitor's reason says: "a restart sets it aside and receives the master's".
iws 2 stop
corrupt_file 2
iws 2 start
is "$rc" 0 "BKM started over a corrupt Symphony: 0"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(attr 2 iws-iws-recovery)" = none ] && break
    sleep 0.3
    mon 2
done
is "$rc" 0 "... its monitors: 0"
is "$(attr 2 iws-iws-recovery)" none "... and the plan is received (P-iws-recovery gone) within 3 s"
like "$(names 2)" "batchman jobman mailman netman" "... mailman, batchman, jobman run"
is "$(sym 2)" "$(sym 3)" "... with the master's plan"

# ---- by hand, no record -------------------------------------------------------------------------
iws 1 stop
agent iws start OCF_RESOURCE_INSTANCE=iws:1 HA_RSCTMP="$world/rsc1" OCF_RESKEY_twa_home="$world/n1"
is "$rc" 0 "MDM started by hand (no CRM_meta_on_node): 0"
rec_none 1 "... and nothing recorded: no cluster to tell"
iws 1 stop

is "$(strays)" "" "nothing the agents started is left running"
is "$(pids_of "$world/o1")" "$other" "the other installation ran untouched all along"

finish
