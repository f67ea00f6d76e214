#!/usr/bin/env bash
# jp1base, black-box: the real agent binary against the JP1/Base emulator.
# Expected OCF codes come from PRODUCTS.md section 1 and the OCF 1.1 spec.
. "$(dirname "$0")/lib.sh"

emu_world lhA lhB
shd="$world/shdsk/lhA"
agent_env=(
    OCF_RESKEY_logical_host=lhA OCF_RESKEY_shared_dir="$shd"
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=20000
)
MON=OCF_RESKEY_CRM_meta_interval=30000   # a recurring monitor
PROBE=OCF_RESKEY_CRM_meta_interval=0

# ---- parameters -------------------------------------------------------------
agent jp1base validate-all
is "$rc" 0 "validate-all accepts a complete configuration"
agent jp1base validate-all OCF_RESKEY_logical_host=
is "$rc" 6 "validate-all without logical_host: OCF_ERR_CONFIGURED"
like "$(reason)" "logical_host' is required" "... and the reason names the parameter"
agent jp1base start OCF_RESKEY_logical_host=-x
is "$rc" 6 "a logical host read as an option is refused"
agent jp1base monitor OCF_RESKEY_logical_host='lhA;touch /tmp/x'
is "$rc" 6 "a logical host with shell metacharacters is refused"
agent jp1base validate-all OCF_RESKEY_status_cmd=bin/jbs_spmd_status
is "$rc" 6 "a relative status_cmd is refused"
agent jp1base validate-all OCF_RESKEY_status_retries=many OCF_RESKEY_shared_dir=rel
is "$rc" 6 "a bad integer is refused"
like "$(reason)" "shared_dir.*status_retries|status_retries.*shared_dir" "... and every problem is reported at once"
agent jp1base stop OCF_RESKEY_logical_host=
is "$rc" 0 "stop with unusable parameters has nothing to stop (no fencing over a typo)"

# ---- missing commands ---------------------------------------------------------
nocmd=OCF_RESKEY_status_cmd=/nonexistent/jbs_spmd_status
agent jp1base validate-all "$nocmd"
is "$rc" 5 "validate-all with a missing status command: OCF_ERR_INSTALLED"
agent jp1base start "$nocmd"
is "$rc" 5 "start with a missing status command: OCF_ERR_INSTALLED"
agent jp1base monitor "$nocmd" "$PROBE"
is "$rc" 7 "probe with a missing status command: not running"
agent jp1base monitor "$nocmd" "$MON"
is "$rc" 5 "recurring monitor with a missing status command: OCF_ERR_INSTALLED"
agent jp1base validate-all "$nocmd" OCF_CHECK_LEVEL=0
is "$rc" 0 "validate-all at OCF_CHECK_LEVEL 0 checks parameters only"

# ---- probes -------------------------------------------------------------------
agent jp1base monitor
is "$rc" 7 "probe (interval unset) before start: not running"
is "$(reason)" "" "... with no exit reason to alarm anyone"
mv "$shd" "$shd.away"
agent jp1base monitor "$PROBE"
is "$rc" 7 "probe on a passive node (shared directory absent, rc 1): not running"
agent jp1base monitor "$MON"
is "$rc" 7 "recurring monitor with the shared directory absent: not running"
agent jp1base start
is "$rc" 1 "start refuses while the shared directory is absent"
like "$(reason)" "shared directory .* not present" "... saying why"
mv "$shd.away" "$shd"

# ---- start, monitor, kill, stop -------------------------------------------------
agent jp1base start
is "$rc" 0 "start: JP1/Base running"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 8 "... all eight JP1/Base processes are up"
agent jp1base monitor "$MON"
is "$rc" 0 "monitor after start: running"
starts=$(emu_runs jbs_start.cluster)
agent jp1base start
is "$rc" 0 "a second start succeeds"
is "$(emu_runs jbs_start.cluster)" "$starts" "... without running the start command again"
spmd=$(emu_pids lhA jbs_spmd)
[ "$(ps -o sid= -p "$spmd" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
ok $? "the product runs in a session of its own: killing an agent never kills it"
emu_kill lhA jbsroute
agent jp1base monitor "$MON"
is "$rc" 1 "one process killed: monitor reports OCF_ERR_GENERIC"
like "$(reason)" "returned 4 \(some processes stopped\)" "... with the status command's meaning"
agent jp1base stop
is "$rc" 0 "stop: success"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 0 "... nothing of the logical host is left"
order=$(grep -oE ' (jbs_stop|jbs_killall)\.cluster ' "$JP1EMU_ROOT/log" | tr -d ' ' | tail -2 | tr '\n' ' ')
is "$order" "jbs_stop.cluster jbs_killall.cluster " "... the stop command ran, then the forced termination"
agent jp1base stop
is "$rc" 0 "a second stop succeeds"
agent jp1base monitor "$MON"
is "$rc" 7 "monitor after stop: not running"

# ---- the watcher's record (issue 18) ------------------------------------------------
# Under Pacemaker (CRM_meta_on_node set) a start records the parent jbs_spmd of the
# logical host, with its start time; a stop removes the record before it acts.
jp1_watchrec_life jp1base lhA lhA-base jbs_spmd

# ---- every status code, in probe and recurring monitor ----------------------------
# rc -> expected OCF code (PRODUCTS.md: 0 running, 1 error, 4 partial, 8 stopped;
# anything undocumented is a failure, never passed through).
for ctx in "$PROBE" "$MON"; do
    for pair in 0:0 1:1 4:1 8:7 42:1 255:1; do
        code=${pair%%:*} want=${pair##*:}
        inject lhA jbs_spmd_status "$code"
        agent jp1base monitor "$ctx"
        is "$rc" "$want" "status rc $code in ${ctx#*=}ms-interval monitor: OCF $want"
    done
done
inject lhA jbs_spmd_status 42
agent jp1base monitor "$MON"
like "$(reason)" "undocumented return code" "an undocumented code is reported as such"
mv "$shd" "$shd.away"
inject lhA jbs_spmd_status 4
agent jp1base monitor "$MON"
is "$rc" 1 "rc 4 with the shared directory absent is still a failure (only rc 1 is special)"
mv "$shd.away" "$shd"

# ---- the retriable code 12 ---------------------------------------------------------
before=$(emu_runs jbs_spmd_status)
inject lhA jbs_spmd_status 12 12 8
agent jp1base monitor "$MON"
is "$rc" 7 "12, 12, 8 within the retry budget (2): the third answer counts"
is "$(($(emu_runs jbs_spmd_status) - before))" 3 "... after exactly three runs"
before=$(emu_runs jbs_spmd_status)
inject lhA jbs_spmd_status 12 12 12 8
agent jp1base monitor "$MON"
is "$rc" 1 "12 beyond the retry budget: failure"
is "$(($(emu_runs jbs_spmd_status) - before))" 3 "... after three runs, not four"
like "$(reason)" "retriable error.*3 runs" "... saying it stayed retriable"
inject lhA jbs_spmd_status 12 8
agent jp1base monitor "$MON" OCF_RESKEY_status_retry_interval=1
[ "$elapsed_ms" -ge 1000 ]
ok $? "status_retry_interval is honoured between retries (${elapsed_ms} ms)"
inject lhA jbs_spmd_status 12 12 12 12
agent jp1base monitor "$MON" OCF_RESKEY_status_retries=0
is "$rc" 1 "status_retries=0: the first 12 is a failure"
clear_injections lhA

# ---- start polling and stop verification with injected codes -----------------------------
inject lhA jbs_spmd_status 8 12 1 4 42 real
agent jp1base start
is "$rc" 0 "start polls through 12, 1, 4 and an undocumented code until running"
agent jp1base stop
inject lhA jbs_spmd_status 8 0 4 12 1 real
agent jp1base stop
is "$rc" 0 "stop keeps forcing and rechecking through 0, 4, 12, 1 until stopped"
clear_injections lhA

inject_flag lhA jp1base.start-never-completes
agent jp1base start OCF_RESKEY_CRM_meta_timeout=4000
is "$rc" 1 "a start that never completes fails"
[ "$elapsed_ms" -lt 4000 ]
ok $? "... before Pacemaker's timeout (${elapsed_ms} ms < 4000 ms)"
like "$(reason)" "did not reach running.*returned 4" "... with the last status in the reason"
clear_injections lhA
agent jp1base stop
is "$rc" 0 "stop after a failed start cleans up"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 0 "... nothing left"

inject lhA jbs_start.cluster 1
agent jp1base start
is "$rc" 5 "the start command's argument error (rc 1): OCF_ERR_INSTALLED on this node"
clear_injections lhA

# ---- hangs and forced termination ---------------------------------------------------
inject lhA jbs_spmd_status hang
agent jp1base monitor "$MON" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "a hanging status command: failure"
[ "$elapsed_ms" -lt 3000 ]
ok $? "... within the operation timeout (${elapsed_ms} ms < 3000 ms)"
like "$(reason)" "timed out" "... saying it timed out"
sleep 0.2
# In our pid namespace only: the cluster scenarios' nodes monitor an lhA of their own.
is "$(pgrep --ns $$ --nslist pid -f -- 'jbs_spmd_status -h lhA' | wc -l | tr -d ' ')" 0 \
    "... and no status process is left behind"
clear_injections lhA

agent jp1base start
inject lhA jbs_stop.cluster hang
agent jp1base stop OCF_RESKEY_CRM_meta_timeout=10000
is "$rc" 0 "a hanging stop command still ends in a clean stop through jbs_killall.cluster"
[ "$elapsed_ms" -lt 10000 ]
ok $? "... within the stop timeout (${elapsed_ms} ms)"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 0 "... nothing left"
clear_injections lhA

agent jp1base start
inject_flag lhA jp1base.ignore-term
agent jp1base stop
is "$rc" 0 "processes that ignore SIGTERM are stopped by the forced termination"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 0 "... nothing left"
clear_injections lhA

# ---- two logical hosts on one node stay apart ------------------------------------------
agent jp1base start
agent jp1base monitor "$MON" OCF_RESKEY_logical_host=lhB OCF_RESKEY_shared_dir="$world/shdsk/lhB"
is "$rc" 7 "lhB is not running while lhA is"
agent jp1base stop OCF_RESKEY_logical_host=lhB OCF_RESKEY_shared_dir="$world/shdsk/lhB"
is "$(emu_pids lhA | wc -l | tr -d ' ')" 8 "stopping lhB leaves lhA's processes alone"
agent jp1base stop

# ---- the optional event service check (jevstat) -----------------------------------------
EV=(OCF_RESKEY_use_event_service=true OCF_RESKEY_event_status_cmd="$EMUBIN/jevstat")
agent jp1base validate-all "${EV[@]}" OCF_RESKEY_event_status_cmd=/nonexistent/jevstat
is "$rc" 5 "use_event_service with a missing jevstat: OCF_ERR_INSTALLED"
agent jp1base validate-all OCF_RESKEY_event_status_cmd=/nonexistent/jevstat
is "$rc" 0 "... and no matter while the check is off (the default)"
agent jp1base start "${EV[@]}"
is "$rc" 0 "start with the event service check"
like "$(grep ' jevstat ' "$JP1EMU_ROOT/log" | tail -1)" "jevstat lhA -t 5 " \
    "... jevstat ran as jevstat LOGICAL_HOST -t SEC"
agent jp1base monitor "$MON" "${EV[@]}"
is "$rc" 0 "monitor with the event service check: running"
emu_kill lhA jevservice
agent jp1base monitor "$MON" "${EV[@]}"
is "$rc" 1 "the event service killed: the check sees it"
like "$(reason)" "jevstat returned 8" "... the reason names jevstat and its code"
agent jp1base monitor "$MON"
is "$rc" 0 "... which jbs_spmd_status alone does not (it leaves the event service out)"
agent jp1base stop "${EV[@]}"
agent jp1base start "${EV[@]}"
for pair in 0:0 1:1 4:1 8:1 42:1; do
    code=${pair%%:*} want=${pair##*:}
    inject lhA jevstat "$code" "$code" "$code"
    agent jp1base monitor "$MON" "${EV[@]}"
    is "$rc" "$want" "jevstat $code in a monitor: OCF $want"
done
inject lhA jevstat 12 12 0
agent jp1base monitor "$MON" "${EV[@]}"
is "$rc" 0 "jevstat 12 twice, then 0: retried with the status retries, running"
inject lhA jevstat 12 12 12
agent jp1base monitor "$MON" "${EV[@]}"
is "$rc" 1 "jevstat 12 beyond the budget: failure"
clear_injections lhA
agent jp1base stop "${EV[@]}"
is "$rc" 0 "stop with the event service check"

# ---- by hand ---------------------------------------------------------------------------
out=$("$AGENTS/jp1base" monitor --logical-host lhA --shared-dir "$shd" \
    --status-cmd "$EMUBIN/jbs_spmd_status" --verbose 2>&1)
rc=$?
is "$rc" 7 "by hand with --options: same answer as the cluster's"
like "$out" "ran .*jbs_spmd_status -h lhA -t 5: jbs_spmd_status returned 8 \(all processes stopped\)" \
    "... saying what it ran and what that means"
like "$out" "=> OCF_NOT_RUNNING \(7\)" "... and which OCF code follows"
like "$out" "8 +all processes stopped +stopped +OCF_NOT_RUNNING" "... with the code map it decided from"
out=$("$AGENTS/jp1base" monitor --no-such-option x 2>&1 >/dev/null)
is "$?" 2 "an unknown option: OCF_ERR_ARGS"
# Found by tests/fuzz (cmdline): the message named what followed the value in memory.
like "$out" "^jp1base: unknown option --no-such-option \(see --help\)$" \
    "... named as given, even when its value is shorter than two bytes"
"$AGENTS/jp1base" frobnicate >/dev/null 2>&1
is "$?" 3 "an unknown action: OCF_ERR_UNIMPLEMENTED"
"$AGENTS/jp1base" >/dev/null 2>&1
is "$?" 2 "no action: usage and OCF_ERR_ARGS"
"$AGENTS/jp1base" --help | grep -q -- '--status-retry-interval'
ok $? "--help lists the parameters"
agent jp1base monitor "$MON" OCF_RESKEY_CRM_meta_timeout=soon
is "$rc" 7 "an unusable CRM_meta_timeout falls back to the default"

finish
