#!/usr/bin/env bash
# jp1im, black-box: the real agent against the JP1/Base + JP1/IM emulator. Every code
# of jco_spmd_status and jimdbstatus in every context; expected OCF codes come from
# PRODUCTS.md section 1 and the OCF 1.1 spec.
. "$(dirname "$0")/lib.sh"

emu_world lhI
"$EMU" setup lhI "$world/shdsk/lhI" --imdb >/dev/null
shd="$world/shdsk/lhI"
agent_env=(
    OCF_RESKEY_logical_host=lhI OCF_RESKEY_shared_dir="$shd" OCF_RESKEY_use_imdb=true
    OCF_RESKEY_start_cmd="$EMUBIN/jco_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jco_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jco_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jco_spmd_status"
    OCF_RESKEY_dbstatus_cmd="$EMUBIN/jimdbstatus" OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_dbstatus_retry_interval=0
    OCF_RESKEY_CRM_meta_timeout=20000
)
base() { # base ACTION: JP1/Base of lhI through the real jp1base agent
    local saved=$rc
    agent jp1base "$1" OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" \
        OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster" OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" \
        OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    base_rc=$rc rc=$saved
}
im_count() { # processes of JP1/IM (manager and database) alive for lhI
    local n=0 name
    for name in jco_spmd evflow jcamain evtcon evgen jcsmain jcfmain pdprcd pdrdmd pdsds; do
        n=$((n + $(emu_pids lhI "$name" | wc -l)))
    done
    echo "$n"
}
MON=OCF_RESKEY_CRM_meta_interval=60000
PROBE=OCF_RESKEY_CRM_meta_interval=0

# ---- parameters and installation --------------------------------------------------
agent jp1im validate-all
is "$rc" 0 "validate-all accepts a complete configuration"
agent jp1im validate-all OCF_RESKEY_use_imdb=maybe
is "$rc" 6 "use_imdb must be a boolean"
agent jp1im validate-all OCF_RESKEY_dbstatus_cmd=/nonexistent/jimdbstatus
is "$rc" 5 "a missing jimdbstatus with use_imdb: OCF_ERR_INSTALLED"
agent jp1im validate-all OCF_RESKEY_dbstatus_cmd=/nonexistent/jimdbstatus OCF_RESKEY_use_imdb=false
is "$rc" 0 "... and no matter without the IM database"
agent jp1im validate-all OCF_RESKEY_base_status_cmd=/nonexistent/jbs_spmd_status
is "$rc" 5 "a missing JP1/Base status command: OCF_ERR_INSTALLED"

# ---- the order: shared directory, then JP1/Base, then JP1/IM ---------------------------
agent jp1im monitor
is "$rc" 7 "probe before anything runs: not running"
mv "$shd" "$shd.away"
agent jp1im start
is "$rc" 1 "start refuses while the shared directory is absent"
like "$(reason)" "shared directory .* not present" "... saying why"
agent jp1im monitor "$PROBE"
is "$rc" 7 "probe on a passive node: not running"
mv "$shd.away" "$shd"
starts=$(emu_runs jco_start.cluster)
agent jp1im start
is "$rc" 1 "start refuses while JP1/Base of the logical host is down"
like "$(reason)" "JP1/Base of logical host lhI is not running.*returned 8" "... saying why"
is "$(emu_runs jco_start.cluster)" "$starts" "... without running jco_start.cluster"
is "$(im_count)" 0 "... and nothing of JP1/IM runs"

base start
is "$base_rc" 0 "JP1/Base started (jp1base)"
agent jp1im start
is "$rc" 0 "start after JP1/Base: JP1/IM - Manager and its database run"
is "$(im_count)" 10 "... jco_spmd, six IM processes and three database processes"
agent jp1im monitor "$MON"
is "$rc" 0 "monitor: running"
agent jp1im start
is "$rc" 0 "a second start succeeds (idempotent)"

# ---- real faults -------------------------------------------------------------------
emu_kill lhI evflow
agent jp1im monitor "$MON"
is "$rc" 1 "kill -9 of evflow: partial, a failure"
like "$(reason)" "jco_spmd_status returned 4" "... reported from jco_spmd_status"
agent jp1im stop
is "$rc" 0 "stop after the failure"
is "$(im_count)" 0 "... nothing of JP1/IM is left"
is "$(emu_pids lhI jbs_spmd | wc -l | tr -d ' ')" 1 "... and JP1/Base still runs"
agent jp1im start
emu_kill lhI jco_spmd evflow jcamain evtcon evgen jcsmain jcfmain
agent jp1im monitor "$MON"
is "$rc" 7 "kill -9 of every IM process: stopped (not running)"
agent jp1im stop
agent jp1im start
emu_kill lhI pdrdmd pdsds
agent jp1im monitor "$MON"
is "$rc" 1 "the database core killed: jimdbstatus 16, a failure"
like "$(reason)" "jimdbstatus returned 16" "... reported from jimdbstatus"
agent jp1im stop
is "$rc" 0 "stop with the database core dead"

agent jp1im start
inject lhI jco_stop.cluster hang
agent jp1im stop OCF_RESKEY_CRM_meta_timeout=10000
is "$rc" 0 "a hung jco_stop.cluster still ends in a clean stop through jco_killall.cluster"
[ "$elapsed_ms" -lt 10000 ]
ok $? "... within the stop timeout (${elapsed_ms} ms < 10000 ms)"
is "$(im_count)" 0 "... nothing left"
clear_injections lhI

# ---- the watcher's record (issue 18) ------------------------------------------------
# Under Pacemaker a start records the parent jco_spmd of the logical host (not
# JP1/Base's jbs_spmd, not the children), with its start time; a stop removes it.
jp1_watchrec_life jp1im lhI lhI-im jco_spmd

# ---- jco_spmd_status: every code, probe and recurring monitor ------------------------
for ctx in "$PROBE" "$MON"; do
    for pair in 0:0 1:1 4:1 8:7 42:1; do
        code=${pair%%:*} want=${pair##*:}
        inject lhI jco_spmd_status "$code"
        agent jp1im monitor "$ctx" OCF_RESKEY_use_imdb=false
        is "$rc" "$want" "jco_spmd_status $code, ${ctx#*=} ms interval: OCF $want"
    done
done
inject lhI jco_spmd_status 12 12 8
agent jp1im monitor "$MON" OCF_RESKEY_use_imdb=false
is "$rc" 7 "jco_spmd_status 12, 12, 8: retried within the budget"
inject lhI jco_spmd_status 12 12 12 8
agent jp1im monitor "$MON" OCF_RESKEY_use_imdb=false
is "$rc" 1 "jco_spmd_status 12 beyond the budget: failure"
clear_injections lhI

# ---- jimdbstatus: every code, with the manager running ---------------------------------
agent jp1im start
# rc -> OCF code in a recurring monitor and in a probe. 20: this node cannot run it, a
# hard error in a monitor; in a probe jimdbstatus runs only because jco_spmd_status
# said 0, so JP1/IM runs here: "not running" would let the cluster start a second one.
for triple in 0:0:0 1:1:1 4:1:1 8:1:1 12:1:1 16:1:1 20:5:1 42:1:1; do
    IFS=: read -r code want_mon want_probe <<<"$triple"
    inject lhI jimdbstatus "$code" "$code" "$code" "$code" "$code"
    agent jp1im monitor "$MON"
    is "$rc" "$want_mon" "jimdbstatus $code in a recurring monitor: OCF $want_mon"
    inject lhI jimdbstatus "$code" "$code" "$code" "$code" "$code"
    agent jp1im monitor "$PROBE"
    is "$rc" "$want_probe" "jimdbstatus $code in a probe: OCF $want_probe"
done
inject lhI jimdbstatus 20
agent jp1im monitor "$PROBE"
like "$(reason)" "not set up.*while the product runs on this node" \
    "jimdbstatus 20 in a probe: the reason says the manager runs here"
clear_injections lhI
agent jp1im stop
inject lhI jimdbstatus 20 20 20 20 20 20 20 20
agent jp1im monitor "$PROBE"
is "$rc" 7 "jimdbstatus 20 while nothing runs: a probe says not running (it never asks)"
clear_injections lhI
agent jp1im start
before=$(emu_runs jimdbstatus)
inject lhI jimdbstatus 1 4 0
agent jp1im monitor "$MON"
is "$rc" 0 "jimdbstatus 1, 4, 0: transient codes retried, then running"
is "$(($(emu_runs jimdbstatus) - before))" 3 "... after three runs"
before=$(emu_runs jimdbstatus)
inject lhI jimdbstatus 1 1 1 1 1
agent jp1im monitor "$MON"
is "$rc" 1 "jimdbstatus 1 beyond dbstatus_retries (3): failure"
is "$(($(emu_runs jimdbstatus) - before))" 4 "... after four runs"
inject lhI jimdbstatus 8
agent jp1im monitor "$MON" OCF_RESKEY_dbstatus_retries=5
is "$rc" 1 "jimdbstatus 8 fails over at once, whatever the retry budget"
before=$(emu_runs jimdbstatus)
agent jp1im monitor "$MON" OCF_RESKEY_use_imdb=false
is "$(emu_runs jimdbstatus)" "$before" "use_imdb=false: jimdbstatus never runs"
clear_injections lhI
agent jp1im stop

# ---- start polling and stop verification with injected codes ------------------------------
inject lhI jimdbstatus 4 1 12 8 16 42 real
agent jp1im start
is "$rc" 0 "start polls through jimdbstatus 4, 1, 12, 8, 16 and an undocumented code"
agent jp1im stop
inject lhI jimdbstatus 20
agent jp1im start
is "$rc" 5 "jimdbstatus 20 during start: OCF_ERR_INSTALLED at once"
like "$(reason)" "not set up" "... saying the database is not set up"
clear_injections lhI
agent jp1im stop
agent jp1im start
inject lhI jco_spmd_status 0 8 8 real
inject lhI jimdbstatus 16 4 1 12
agent jp1im stop
is "$rc" 0 "stop rechecks through jimdbstatus 16, 4, 1 until 12 (stopped normally)"
is "$(im_count)" 0 "... nothing left"
clear_injections lhI

inject_flag lhI jp1cons.start-never-completes
agent jp1im start OCF_RESKEY_CRM_meta_timeout=4000
is "$rc" 1 "a start that never completes fails within the deadline"
[ "$elapsed_ms" -lt 4000 ]
ok $? "... before Pacemaker's timeout (${elapsed_ms} ms)"
clear_injections lhI
agent jp1im stop
is "$(im_count)" 0 "stop after a failed start leaves nothing"
base stop
is "$base_rc" 0 "JP1/Base stopped after JP1/IM (reverse order)"

finish
