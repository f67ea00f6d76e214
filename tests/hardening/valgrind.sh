#!/usr/bin/env bash
# Every action of every agent, and the lhost command's, under valgrind memcheck:
# no invalid read or write, no use of uninitialised memory, no definite leak, on the
# success paths and on the error paths (bad parameters, failed status, hung stop).
#
# Memcheck must replace malloc, which it cannot do in a static binary: this file
# skips when the agents are static PIEs (the default build) and runs in a build
# configured with --disable-static-agents, which `tests/run check` makes for it:
#   make check TESTS=tests/hardening/valgrind.sh
. "$top_srcdir/tests/agents/lib.sh"

command -v valgrind >/dev/null || skip_all "valgrind is not installed"
file -L "$AGENTS/jp1base" | grep -q 'static-pie linked\|statically linked' \
    && skip_all "static agents: configure --disable-static-agents for memcheck"

# valgrind's own exit code for an error or a definite leak: never an OCF code.
VG_ERROR=99
emu_world lhV
agent_prefix=(valgrind --quiet --error-exitcode=$VG_ERROR --leak-check=full
    --show-leak-kinds=definite --errors-for-leak-kinds=definite --track-origins=yes
    --log-file="$world/vg.%p")
shd="$world/shdsk/lhV"
"$EMU" setup lhV "$shd" --imdb --ajs-services "AJSROOT1 AJSROOT2" >/dev/null
MON=OCF_RESKEY_CRM_meta_interval=60000
PROBE=OCF_RESKEY_CRM_meta_interval=0
base_params=(OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status")
im_params=(OCF_RESKEY_start_cmd="$EMUBIN/jco_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jco_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jco_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jco_spmd_status"
    OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status" OCF_RESKEY_use_imdb=true
    OCF_RESKEY_dbstatus_cmd="$EMUBIN/jimdbstatus")
ajs_params=(OCF_RESKEY_start_cmd="$EMUBIN/jajs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jajs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jajs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jajs_spmd_status"
    OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status" OCF_RESKEY_scheduler_status_cmd="$EMUBIN/ajsstatus"
    OCF_RESKEY_scheduler_services="AJSROOT1 AJSROOT2")
agent_env=(OCF_RESKEY_logical_host=lhV OCF_RESKEY_shared_dir="$shd" OCF_RESKEY_CRM_meta_timeout=60000
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_dbstatus_retry_interval=0)

# clean NAME ACTION EXPECTED [VAR=value...]: the action's OCF code, and not a word
# from valgrind (its report, if any, goes to the test log).
clean() {
    local name=$1 action=$2 expected=$3 params=()
    shift 3
    case $name in
    jp1base) params=("${base_params[@]}") ;;
    jp1im) params=("${im_params[@]}") ;;
    ajs3) params=("${ajs_params[@]}") ;;
    iws) params=("${iws_params[@]}") ;;
    ctmplex) params=("${ctm_params[@]}") ;;
    watch) params=("${watch_params[@]}") ;;
    esac
    rm -f "$world"/vg.*
    agent "$name" "$action" "${params[@]}" "$@"
    is "$rc" "$expected" "$name $action ${*:+($*) }under memcheck: rc $expected, no error, no definite leak"
    vg_report
}

# vg_report: valgrind's report, if any, into the test log. Its "--PID--" notes are
# not reports: valgrind 3.19 does not know pidfd_open (the agents then poll).
vg_report() {
    grep -h '^==[0-9]*==' "$world"/vg.* 2>/dev/null | sed 's/^/#   /' | head -40
}

# ---- jp1base, then jp1im on top of it: a whole life, and its error paths ----------
for name in jp1base jp1im ajs3; do
    clean "$name" meta-data 0
    clean "$name" validate-all 0
    clean "$name" validate-all 6 OCF_RESKEY_logical_host=
    clean "$name" validate-all 6 OCF_RESKEY_status_timeout=-1
    clean "$name" validate-all 5 OCF_RESKEY_status_cmd=/nonexistent/status
    clean "$name" monitor 7 "$PROBE"
    clean "$name" start 0
    clean "$name" monitor 0 "$MON"
    clean "$name" start 0 # already running
    clean "$name" no-such-action 3
done
inject lhV jco_spmd_status 4
clean jp1im monitor 1 "$MON" # a failed status: the exit reason path
inject lhV jco_spmd_status 12 12 12
clean jp1im monitor 1 "$MON" # retries past their budget
clear_injections lhV
inject lhV jco_stop.cluster hang
clean jp1im stop 0 OCF_RESKEY_CRM_meta_timeout=10000 # the forced path: stop cut short, killall
clear_injections lhV
inject lhV ajsstatus 0 8 8 8
clean ajs3 monitor 1 "$MON" # a scheduler service down: labels, environment, reason
clear_injections lhV
clean ajs3 monitor 0 "$MON" OCF_RESKEY_scheduler_status_cmd= # the check off
clean ajs3 stop 0
clean jp1base stop 0
clean jp1base stop 0 # already stopped
clean jp1base monitor 7 "$MON"
inject lhV jbs_start.cluster 1
clean jp1base start 5 # the start command rejects the logical host
clear_injections lhV

# ---- iws, a promotable clone: node1's MDM (the master) under memcheck, node2's BKM
# (a backup, started plainly) for the hand-off; node attributes in the fake attrd ----
IWSEMU="$top_builddir/tests/emulators/iwsemu"
"$IWSEMU" setup "$world/iws1" MDM "$world/iwsdom" --master >/dev/null
"$IWSEMU" setup "$world/iws2" BKM "$world/iwsdom" >/dev/null
export IWSEMU_TIME_SCALE=0.05 LH_FAKE_ATTRD="$world/attrd"
export PATH="$top_srcdir/tests/agents/fakes:$PATH"
trap '"$world/iws1/TWS/bin/iwsemu" reset >/dev/null 2>&1; "$world/iws2/TWS/bin/iwsemu" reset >/dev/null 2>&1; emu_teardown' EXIT
iws_on() { # iws_on N: node N's instance
    iws_params=(OCF_RESOURCE_INSTANCE="iws:$1" HA_RSCTMP="$world/rsc$1" OCF_RESKEY_CRM_meta_on_node="node$1"
        OCF_RESKEY_twa_home="$world/iws$1" OCF_RESKEY_switch_settle=1 OCF_RESKEY_link_wait=2)
    mkdir -p "$world/rsc$1"
}
iws_on 1
clean iws meta-data 0
clean iws validate-all 0
clean iws validate-all 5 OCF_RESKEY_twa_home=/nonexistent
clean iws validate-all 6 OCF_RESKEY_workstation="node9:MDM"
clean iws monitor 7 "$PROBE"
clean iws start 0
"$world/iws1/TWS/bin/JnextPlan" >/dev/null
clean iws monitor 8 "$PROBE"
clean iws monitor 8 "$MON" # publishes run, size, score
clean iws promote 0 # already the master: AWSBHU118W
saved_prefix=("${agent_prefix[@]}")
agent_prefix=()
iws_on 2
agent iws start "${iws_params[@]}"
is "$rc" 0 "iws start of the backup BKM (not under memcheck)"
agent_prefix=("${saved_prefix[@]}")
iws_on 1
clean iws notify 0 OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=promote \
    OCF_RESKEY_CRM_meta_notify_promote_uname=node2
clean iws demote 0 # hands the role to BKM (its P-iws-ws)
clean iws monitor 0 "$MON"
clean iws promote 0 # switches back
clean iws quiesce 0
clean iws resume 0
mkdir -p "$world/iws1/emu/inject/MDM"
echo "quiesce v1" >"$LH_FAKE_ATTRD/node1/iws-quiesce"
clean iws monitor 8 "$MON" # answers the request
: >"$world/iws1/emu/inject/MDM/Symphony.corrupt"
clean iws monitor 9 "$MON" OCF_RESKEY_CRM_meta_role=Promoted # the corrupt plan: reason, score
rm -f "$world/iws1/emu/inject/MDM/Symphony.corrupt"
echo 3 >"$world/iws1/emu/inject/MDM/conman.codes"
clean iws monitor 1 "$MON" # conman fails: the reason path
clean iws stop 0
clean iws stop 0 # already stopped
agent_prefix=()
iws_on 2
agent iws stop "${iws_params[@]}"
agent_prefix=("${saved_prefix[@]}")

# ---- ctmplex, a promotable clone: node1's M1 (to be the Global) under memcheck, node2's
# M2 (a Local, started plainly) takes the orders; the CF made to fail for the Global's
# attempts, the Locals' pause and shutdown, and STARTPLEX ----
CTMEMU="$top_builddir/tests/emulators/ctmemu"
"$CTMEMU" setup "$world/ctm1" M1 "$world/ctmcf" --priority 20 >/dev/null
"$CTMEMU" setup "$world/ctm2" M2 "$world/ctmcf" --priority 10 >/dev/null
export CTMEMU_TIME_SCALE=0.05 CTMEMU_TAKEOVER=0
trap '"$world/iws1/TWS/bin/iwsemu" reset >/dev/null 2>&1; "$world/iws2/TWS/bin/iwsemu" reset >/dev/null 2>&1; "$world/ctm1/ctm_server/exe/ctmemu" reset >/dev/null 2>&1; "$world/ctm2/ctm_server/exe/ctmemu" reset >/dev/null 2>&1; emu_teardown' EXIT
ctm_on() { # ctm_on N: node N's instance (the jp1 agents' command parameters unset)
    ctm_params=(OCF_RESOURCE_INSTANCE="ctm:$1" HA_RSCTMP="$world/rsc$1" OCF_RESKEY_CRM_meta_on_node="node$1"
        OCF_RESKEY_ctm_home="$world/ctm$1" OCF_RESKEY_priority=$((30 - 10 * $1)) OCF_RESKEY_recovert=1
        OCF_RESKEY_recoverm=1 OCF_RESKEY_start_cmd= OCF_RESKEY_stop_cmd= OCF_RESKEY_status_cmd=)
    mkdir -p "$world/rsc$1"
}
ctm() { clean ctmplex "$@"; } # ctm ACTION EXPECTED [VAR=value...]: node1 under memcheck
ctm_plain() { # ctm_plain N ACTION: node N, not under memcheck
    ctm_on "$1"
    agent_prefix=()
    agent ctmplex "$2" "${ctm_params[@]}"
    agent_prefix=("${saved_prefix[@]}")
    ctm_on 1
}
ctm_on 1
ctm meta-data 0
ctm validate-all 0
ctm validate-all 6 OCF_RESKEY_status_codes="global=0 local=0"
ctm validate-all 6 OCF_RESKEY_cf_check_cmd="relative check"
ctm validate-all 5 OCF_RESKEY_ctm_home=/nonexistent
ctm monitor 7 "$PROBE"
ctm start 0
ctm_plain 2 start
is "$rc" 0 "ctmplex start of the Local M2 (not under memcheck)"
ctm monitor 0 "$MON"
ctm promote 0
ctm monitor 8 "$MON" OCF_RESKEY_CRM_meta_role=Promoted
ctm monitor 8 "$PROBE"
"$world/ctm1/ctm_server/exe/ctmemu" cf fail never
ctm monitor 191 "$MON" OCF_RESKEY_CRM_meta_role=Promoted # the CF lost: the Locals told to pause
sleep 1.05
ctm monitor 191 "$MON" OCF_RESKEY_CRM_meta_role=Promoted # the attempt fails: exhausted, shutdown
ctm_plain 2 monitor
is "$rc" 190 "ctmplex monitor of M2 told to shut down: 190 (not under memcheck)"
"$world/ctm1/ctm_server/exe/ctmemu" cf restore
ctm startplex 0
ctm monitor 8 "$MON" OCF_RESKEY_CRM_meta_role=Promoted OCF_RESKEY_CRM_meta_startplex=T1
mkdir -p "$world/ctm1/emu/inject/M1" && echo 42 >"$world/ctm1/emu/inject/M1/status_ctm.codes"
ctm monitor 1 "$MON" # a code in no role: the reason path
ctm notify 0 OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=demote \
    OCF_RESKEY_CRM_meta_notify_stop_uname="node1 node2" OCF_RESKEY_CRM_meta_notify_active_uname="node1 node2"
ctm notify 0 OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=demote
ctm demote 0
ctm monitor 0 "$MON"
ctm promote 0
ctm stop 0
ctm stop 0 # already stopped
ctm_plain 2 stop

# ---- watch: the watcher's agent (the daemon it starts runs outside memcheck, which
# does not know pidfd_open; the sanitized build covers it) ---------------------------
watch_params=(OCF_RESKEY_watchd="$top_builddir/agents/lhost-watchd"
    OCF_RESKEY_crm_resource="$(cd "$top_srcdir/tests/agents/fakes" && pwd)/watch-crm_resource"
    OCF_RESKEY_pidfile="$world/watchd.pid" OCF_RESKEY_blackbox="$world/watchd.blackbox"
    OCF_RESKEY_record_dir="$world/records")
mkdir -p "$world/records"
for step in "meta-data 0" "validate-all 0" "monitor 7 $PROBE" "start 0" "monitor 0 $MON" \
    "start 0" "stop 0" "stop 0" "monitor 7 $MON"; do
    read -r action expected extra <<<"$step"
    clean watch "$action" "$expected" ${extra:+"$extra"}
done
clean watch validate-all 5 OCF_RESKEY_watchd=/nonexistent/lhost-watchd

# ---- the lhost command: a definition of Dummy members, from check to stop ----------
AGENTS="$top_builddir/agents" # where the lhost command is built
printf '[member %s]\nagent = ocf:heartbeat:Dummy\nstate = %s\n\n' \
    one "$world/one.state" two "$world/two.state" >"$world/lhD.conf"
lhost_run() { # lhost_run EXPECTED ARGS...: the lhost command under memcheck
    local expected=$1
    shift
    rm -f "$world"/vg.*
    rc=0
    "${agent_prefix[@]}" "$AGENTS/lhost" --state-dir="$world/state" "$@" >/dev/null 2>"$world/stderr" || rc=$?
    is "$rc" "$expected" "lhost $* under memcheck: rc $expected, no error, no definite leak"
    vg_report
}
lhost_run 0 -f "$world/lhD.conf" check
lhost_run 0 -f "$world/lhD.conf" cib
lhost_run 0 -f "$world/lhD.conf" start
lhost_run 0 -f "$world/lhD.conf" monitor
lhost_run 0 -d "$world" status
lhost_run 0 -f "$world/lhD.conf" stop
lhost_run 7 -f "$world/lhD.conf" monitor
lhost_run 6 -f "$world/nowhere.conf" check
lhost_run 2 no-such-command
finish
