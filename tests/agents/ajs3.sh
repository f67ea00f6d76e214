#!/usr/bin/env bash
# ajs3, black-box: the real agent against the JP1/Base + JP1/AJS3 emulator. Both checks
# (jajs_spmd_status, then each scheduler service) in every context; the trap the AJS3
# manual documents (a scheduler service that ended alone leaves jajs_spmd_status at 0);
# its self-restart with a new pid; the order after JP1/Base. Expected OCF codes come
# from PRODUCTS.md section 1 and the OCF 1.1 spec.
. "$(dirname "$0")/lib.sh"

emu_world lhJ
"$EMU" setup lhJ "$world/shdsk/lhJ" --ajs-services "AJSROOT1 AJSROOT2" >/dev/null
shd="$world/shdsk/lhJ"
agent_env=(
    OCF_RESKEY_logical_host=lhJ OCF_RESKEY_shared_dir="$shd"
    OCF_RESKEY_start_cmd="$EMUBIN/jajs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jajs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jajs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jajs_spmd_status"
    OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_scheduler_status_cmd="$EMUBIN/ajsstatus"
    OCF_RESKEY_scheduler_services="AJSROOT1 AJSROOT2"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=20000
)
base() { # base ACTION: JP1/Base of lhJ through the real jp1base agent
    local saved=$rc
    agent jp1base "$1" OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" \
        OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster" OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" \
        OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    base_rc=$rc rc=$saved
}
ajs_count() { # live processes of JP1/AJS3 for lhJ
    local n=0 name
    for name in jajs_spmd jajs_dbmd jajs_hstd jajs_schd jajs_agtd ajsqlagtd; do
        n=$((n + $(emu_pids lhJ "$name" | wc -l)))
    done
    echo "$n"
}
schd_pid() { # schd_pid SERVICE: the pid of that scheduler service's jajs_schd
    local pid
    for pid in $(emu_pids lhJ jajs_schd); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qw -- "$1" && echo "$pid"
    done
}
kill_schd() { # kill_schd SERVICE: SIGKILL, returning once it is dead (gone or a zombie)
    local pid _ state
    pid=$(schd_pid "$1")
    [ -n "$pid" ] || return 0
    kill -9 "$pid"
    for _ in $(seq 100); do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
        [ -z "$state" ] || [ "$state" = Z ] && return 0
        sleep 0.02
    done
}
spmd_rc() { JP1EMU_ROOT=$JP1EMU_ROOT "$EMUBIN/jajs_spmd_status" -h lhJ -t 5 >/dev/null 2>&1; echo $?; }
MON=OCF_RESKEY_CRM_meta_interval=30000
PROBE=OCF_RESKEY_CRM_meta_interval=0

# ---- parameters and installation --------------------------------------------------
agent ajs3 validate-all
is "$rc" 0 "validate-all accepts a complete configuration"
long63=$(printf 'h%.0s' $(seq 63))
agent ajs3 validate-all OCF_RESKEY_logical_host="$long63"
is "$rc" 0 "a logical host name of 63 bytes is accepted"
agent ajs3 validate-all OCF_RESKEY_logical_host="${long63}x"
is "$rc" 6 "64 bytes: OCF_ERR_CONFIGURED (AJS3's cluster commands take 1 to 63)"
like "$(reason)" "logical_host.*64 bytes.*1 to 63" "... saying why"
for bad in 'AJSROOT1;touch x' '-F' 'AJS-1' "$(printf 'S%.0s' $(seq 31))" "$(echo A{1..17})"; do
    agent ajs3 validate-all OCF_RESKEY_scheduler_services="$bad"
    is "$rc" 6 "scheduler_services '${bad:0:40}' is refused"
done
like "$(reason)" "parameter 'scheduler_services'" "... the reason names the parameter"
agent ajs3 validate-all OCF_RESKEY_scheduler_services="  AJSROOT1   AJSROOT2 "
is "$rc" 0 "scheduler_services: extra spaces are fine"
agent ajs3 validate-all OCF_RESKEY_scheduler_status_cmd=bin/ajsstatus
is "$rc" 6 "a relative scheduler_status_cmd is refused"
agent ajs3 validate-all OCF_RESKEY_scheduler_status_cmd=/nonexistent/ajsstatus
is "$rc" 5 "a missing scheduler_status_cmd: OCF_ERR_INSTALLED"
agent ajs3 validate-all OCF_RESKEY_scheduler_status_cmd=/nonexistent/ajsstatus \
    OCF_RESKEY_scheduler_status_cmd=
is "$rc" 0 "an empty scheduler_status_cmd turns the check off: nothing to install"
agent ajs3 validate-all OCF_RESKEY_base_status_cmd=/nonexistent/jbs_spmd_status
is "$rc" 5 "a missing JP1/Base status command: OCF_ERR_INSTALLED"
agent ajs3 stop OCF_RESKEY_logical_host=
is "$rc" 0 "stop with unusable parameters has nothing to stop"

# ---- the order: shared directory, then JP1/Base, then JP1/AJS3 ---------------------------
agent ajs3 monitor "$PROBE"
is "$rc" 7 "probe before anything runs: not running"
mv "$shd" "$shd.away"
agent ajs3 start
is "$rc" 1 "start refuses while the shared directory is absent"
like "$(reason)" "shared directory .* not present" "... saying why"
agent ajs3 monitor "$PROBE"
is "$rc" 7 "probe on a passive node: not running"
agent ajs3 monitor "$MON"
is "$rc" 7 "recurring monitor on a passive node: not running"
mv "$shd.away" "$shd"
starts=$(emu_runs jajs_start.cluster)
agent ajs3 start
is "$rc" 1 "start refuses while JP1/Base of the logical host is down"
like "$(reason)" "JP1/Base of logical host lhJ is not running.*returned 8" "... saying why"
is "$(emu_runs jajs_start.cluster)" "$starts" "... and never runs jajs_start.cluster"
base start
is "$base_rc" 0 "JP1/Base starts (jp1base)"

# ---- start, monitor, the scheduler services --------------------------------------------
agent ajs3 start
is "$rc" 0 "start: JP1/AJS3 and both scheduler services run"
is "$(ajs_count)" 7 "... 7 processes: spmd, dbmd, hstd, two schd, agtd, qlagtd"
like "$(grep ' ajsstatus ' "$JP1EMU_ROOT/log" | tail -2 | tr '\n' '|')" "-F AJSROOT1.*-F AJSROOT2|-F AJSROOT2.*-F AJSROOT1" \
    "... each service was checked with -F SERVICE"
agent ajs3 start
is "$rc" 0 "start again: idempotent"
is "$(emu_runs jajs_start.cluster)" "$((starts + 1))" "... without running jajs_start.cluster again"
agent ajs3 monitor "$MON"
is "$rc" 0 "monitor: running"
agent ajs3 monitor "$PROBE"
is "$rc" 0 "probe: running"
agent ajs3 monitor "$MON" OCF_RESKEY_status_timeout=0
is "$rc" 0 "status_timeout 0 works..."
like "$(grep ' jajs_spmd_status ' "$JP1EMU_ROOT/log" | tail -1)" "-t 60 " "... passed as -t 60, never 0"

# ---- the trap: a scheduler service that ended alone ---------------------------------------
old=$(schd_pid AJSROOT2)
kill_schd AJSROOT2
is "$(spmd_rc)" 0 "a killed AJSROOT2: jajs_spmd_status still says 0 (the documented trap)"
before=$(emu_runs ajsstatus)
agent ajs3 monitor "$MON" OCF_RESKEY_status_retries=2
is "$rc" 1 "... the monitor sees it: OCF_ERR_GENERIC"
like "$(reason)" "scheduler service AJSROOT2" "... the reason names the service"
is "$(($(emu_runs ajsstatus) - before))" 4 "... after AJSROOT1 once and AJSROOT2 three times (status_retries 2)"
agent ajs3 monitor "$PROBE"
is "$rc" 1 "... a probe too: it runs here, broken (never 'not running')"
agent ajs3 monitor "$MON" OCF_RESKEY_scheduler_status_cmd=
is "$rc" 0 "... with the check off, the spmd check alone cannot see it"
agent ajs3 monitor "$MON" OCF_RESKEY_scheduler_services=AJSROOT1
is "$rc" 0 "... and a check of AJSROOT1 alone does not care"
agent ajs3 stop
is "$rc" 0 "stop"
is "$(ajs_count)" 0 "... nothing of JP1/AJS3 is left"
order=$(grep -oE ' (jajs_stop|jajs_killall)\.cluster ' "$JP1EMU_ROOT/log" | tr -d ' ' | tail -2 | tr '\n' ' ')
is "$order" "jajs_stop.cluster jajs_killall.cluster " "... the stop command ran, then the forced termination"
agent ajs3 stop
is "$rc" 0 "stop again: idempotent"
agent ajs3 monitor "$MON"
is "$rc" 7 "monitor after stop: not running"

# ---- the watcher's record (issue 18) ------------------------------------------------
# Under Pacemaker a start records the parent jajs_spmd of the logical host, and never
# a jajs_schd: a scheduler service restarts itself with a new pid (PRODUCTS.md,
# AJSJ0121), which must never be reported as a failure. A stop removes the record.
jp1_watchrec_life ajs3 lhJ lhJ-ajs jajs_spmd

# ---- the scheduler service restarts itself, with a new pid ---------------------------------
mkdir -p "$JP1EMU_ROOT/inject/lhJ"
echo 400 >"$JP1EMU_ROOT/inject/lhJ/jajs_schd.restart-ms"
agent ajs3 start
old=$(schd_pid AJSROOT1)
kill_schd AJSROOT1
agent ajs3 monitor "$MON" OCF_RESKEY_status_retries=0
is "$rc" 1 "a restarting service without a retry budget: failure"
kill_schd AJSROOT1 # the restart under way when the monitor looked
agent ajs3 monitor "$MON" OCF_RESKEY_status_retries=10 OCF_RESKEY_status_retry_interval=1
is "$rc" 0 "a retry budget longer than the restart: running"
new=$(schd_pid AJSROOT1)
ok "$([ -n "$new" ] && [ "$new" != "$old" ]; echo $?)" "... with a new pid ($old -> $new), which is no failure"
agent ajs3 stop
rm -f "$JP1EMU_ROOT/inject/lhJ/jajs_schd.restart-ms"

# ---- start waits for the scheduler services ---------------------------------------------------
inject lhJ ajsstatus 8 8 8 8 real
before=$(emu_runs ajsstatus)
agent ajs3 start
is "$rc" 0 "start polls until the scheduler services answer running"
ok "$([ $(($(emu_runs ajsstatus) - before)) -ge 6 ]; echo $?)" "... asking again after each 'not running'"
agent ajs3 stop
clear_injections lhJ
agent ajs3 start OCF_RESKEY_scheduler_services="AJSROOT1 NOSUCH" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "a service that never runs: start fails at its deadline"
like "$(reason)" "scheduler service NOSUCH" "... naming the service"
ok "$([ "$elapsed_ms" -lt 3000 ]; echo $?)" "... within its 3 s timeout (${elapsed_ms} ms)"
agent ajs3 stop
is "$rc" 0 "... and the stop after it is clean"

# ---- every code of both checks, with AJS3 running ---------------------------------------------
agent ajs3 start
# jajs_spmd_status rc -> OCF code in a recurring monitor and in a probe.
for triple in 0:0:0 1:1:1 4:1:1 8:7:7 12:1:1 42:1:1; do
    IFS=: read -r code want_mon want_probe <<<"$triple"
    inject lhJ jajs_spmd_status "$code" "$code" "$code" "$code"
    agent ajs3 monitor "$MON"
    is "$rc" "$want_mon" "jajs_spmd_status $code in a recurring monitor: OCF $want_mon"
    inject lhJ jajs_spmd_status "$code" "$code" "$code" "$code"
    agent ajs3 monitor "$PROBE"
    is "$rc" "$want_probe" "jajs_spmd_status $code in a probe: OCF $want_probe"
    clear_injections lhJ
done
# The scheduler-service check: 0 runs, anything else is retried, then a failure.
for pair in 0:0 1:1 4:1 8:1 12:1 42:1 255:1; do
    IFS=: read -r code want <<<"$pair"
    inject lhJ ajsstatus "$code" "$code" "$code" "$code" "$code" "$code"
    agent ajs3 monitor "$MON"
    is "$rc" "$want" "scheduler check $code in a monitor: OCF $want"
    clear_injections lhJ
done
inject lhJ jajs_spmd_status 12 12 0
agent ajs3 monitor "$MON"
is "$rc" 0 "jajs_spmd_status 12 twice, then 0: retried, running"
inject lhJ jajs_spmd_status 12 12 12
agent ajs3 monitor "$MON"
is "$rc" 1 "jajs_spmd_status 12 beyond the budget: failure"
clear_injections lhJ
inject lhJ ajsstatus 12 8 0
agent ajs3 monitor "$MON"
is "$rc" 0 "scheduler check 12, 8, then 0: retried, running"
clear_injections lhJ
inject lhJ jajs_spmd_status 8
before=$(emu_runs ajsstatus)
agent ajs3 monitor "$MON"
is "$(emu_runs ajsstatus)" "$before" "spmd says stopped: the scheduler check is not run"
inject lhJ ajsstatus hang
agent ajs3 monitor "$MON" OCF_RESKEY_CRM_meta_timeout=4000
is "$rc" 1 "a hanging scheduler check: failure..."
ok "$([ "$elapsed_ms" -lt 4000 ]; echo $?)" "... within the monitor's timeout (${elapsed_ms} ms)"
like "$(reason)" "scheduler service AJSROOT1" "... naming the service"
clear_injections lhJ

# ---- the product dies, or is killed ----------------------------------------------------------
emu_kill lhJ jajs_spmd jajs_dbmd jajs_hstd jajs_schd jajs_agtd ajsqlagtd
agent ajs3 monitor "$MON"
is "$rc" 7 "everything killed: not running"
agent ajs3 start
emu_kill lhJ jajs_hstd
agent ajs3 monitor "$MON"
is "$rc" 1 "a main process killed: failure (some processes stopped)"
agent ajs3 stop
is "$rc" 0 "stop after it: clean"
is "$(ajs_count)" 0 "... nothing left"

# ---- JP1/Base must not be touched by any of it --------------------------------------------
agent ajs3 start
base monitor
is "$base_rc" 0 "JP1/Base still runs under JP1/AJS3"
agent ajs3 stop
base monitor
is "$base_rc" 0 "... and after JP1/AJS3 stopped"

# ---- a logical host name this node's JP1 does not know ------------------------------------
mkdir -p "$world/shdsk/lhNope"
agent ajs3 start OCF_RESKEY_logical_host=lhNope OCF_RESKEY_shared_dir="$world/shdsk/lhNope"
is "$rc" 1 "an unknown logical host: start fails"
ok "$([ "$elapsed_ms" -lt 5000 ]; echo $?)" "... at once (${elapsed_ms} ms)"
like "$(reason)" "set up on this node" "... asking whether it is set up here"
agent ajs3 stop OCF_RESKEY_logical_host=lhNope OCF_RESKEY_shared_dir="$world/shdsk/lhNope"
is "$rc" 0 "... and stop succeeds: nothing runs under a name the product does not know"
ok "$([ "$elapsed_ms" -lt 5000 ]; echo $?)" "... at once (${elapsed_ms} ms)"
agent jp1base start OCF_RESKEY_logical_host=lhNope OCF_RESKEY_shared_dir="$world/shdsk/lhNope" \
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster" \
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
is "$rc" 5 "jp1base with the unknown name: start fails at once, OCF_ERR_INSTALLED"
like "$(reason)" "rejected logical host 'lhNope'" "... saying the product rejected the name"
agent jp1base stop OCF_RESKEY_logical_host=lhNope OCF_RESKEY_shared_dir="$world/shdsk/lhNope" \
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster" \
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
is "$rc" 0 "jp1base with the unknown name: stop succeeds"
agent jp1im stop OCF_RESKEY_logical_host=lhNope OCF_RESKEY_shared_dir="$world/shdsk/lhNope" \
    OCF_RESKEY_start_cmd="$EMUBIN/jco_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jco_stop.cluster" \
    OCF_RESKEY_kill_cmd="$EMUBIN/jco_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jco_spmd_status"
is "$rc" 0 "jp1im with the unknown name: stop succeeds"

base stop
finish
