#!/usr/bin/env bash
# Scenario: one scheduler service of JP1/AJS3 - Manager (its jajs_schd) ends alone on
# the active node, the rest of the logical host untouched.
#
# The AJS3 manual (AJSJ0121) warns that jajs_spmd_status still says "running" when a
# scheduler service has ended abnormally, and that the service may restart itself (a
# new process). The ajs3 agent therefore checks each scheduler service too (ajsstatus
# -F SERVICE), and retries a failed check within its retry budget (status_retries x
# status_retry_interval, set for the member here) before it calls it a failure. Proved
# on a logical host with two scheduler services, AJSROOT2 the victim both times:
#   round 1, a self-restart that takes longer than a monitor interval and less than
#     the budget: a monitor's check sees the service down (ajsstatus answered 8, in the
#     emulator's log), the service comes back by itself with a new pid, and the cluster
#     does nothing: no failed monitor, no stop or start, no fail count, no other pid
#     changed;
#   round 2, no self-restart: jajs_spmd_status still answers 0 while the service is
#     dead (the trap), the AJS3 member's monitor fails naming the service, and Pacemaker
#     restarts that member alone on the same node (fail count 1, below the lab's
#     migration-threshold 3): disk, IP, JP1/Base and JP1/IM keep their call ids and
#     processes, the products were sent jajs_* cluster commands only, and the service
#     runs again with a new pid. Detection (kill -> failed monitor recorded in the
#     CIB) and recovery (kill -> the member running again) are recorded.
. "$(dirname "$0")/scenario.sh"

AJS="$LH-ajs"
LOWER="$LH-disk $LH-ip $LH-base $LH-manager" # what a scheduler failure must leave alone
RETRIES=3 RETRY_S=1 # the member's retry budget: 3 s
RESTART_MS=2500     # the service's own restart: over the 2 s monitor interval, within the budget

lab_ajs_services="AJSROOT1 AJSROOT2"
lab_ajs_extra="status_retries = $RETRIES
status_retry_interval = $RETRY_S"

# Pid of the emulated process NAME of $LH on NODE (for jajs_schd: of SERVICE).
emu_pid() { # emu_pid NODE NAME [SERVICE]
    lab_emu_ps "$1" "$LH" | awk -v n="$2" -v s="${3:-}" '$2 == n && (s == "" || $4 == s) {print $1; exit}'
}

# "<epoch ms> <rc>" of every scheduler-service check of SERVICE the agent ran on NODE
# from line MARK of its emulator log on. The agent names the logical host by
# JP1_HOSTNAME, so its runs are logged without -h; this test's own runs use -h.
agent_checks() { # agent_checks NODE MARK SERVICE
    tail -n +"$(($2 + 1))" "$(lab_emu_log "$1")" | awk -v s="$3" '
        $3 == "ajsstatus" && $4 == "-F" && $5 == s && $6 == "->" && $7 == "rc" {
            split($1, t, "."); printf "%.0f %s\n", t[1] * 1000 + substr(t[2], 1, 3), $8
        }'
}

# Failed monitors of the AJS3 member NODE's controller recorded from line MARK on.
failed_monitors() { # failed_monitors NODE MARK
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" | grep -c "Result of monitor operation for $AJS on $1: error"
}

scenario_up 3
home=$active
is "$(lab_exec "$home" crm_resource -r "$AJS" -g scheduler_services 2>/dev/null)" "AJSROOT1 AJSROOT2" \
    "the AJS3 member checks both scheduler services"
is "$(lab_exec "$home" crm_resource -r "$AJS" -g status_retries 2>/dev/null)/$(lab_exec "$home" \
    crm_resource -r "$AJS" -g status_retry_interval 2>/dev/null)" "$RETRIES/$RETRY_S" \
    "... with a retry budget of $RETRIES retries $RETRY_S s apart"
mon_ms=$(monitor_ms "$AJS" "$home")
[ "$mon_ms" -gt 0 ] && [ "$RESTART_MS" -gt "$mon_ms" ] && [ "$RESTART_MS" -lt $((RETRIES * RETRY_S * 1000)) ]
ok $? "the self-restart ($RESTART_MS ms) is longer than the monitor interval ($mon_ms ms), shorter than the budget"

# ---- round 1: the service restarts itself within the retry budget ---------------------------
calls=$(member_calls "$home" $MEMBERS)
pids="$(emu_pid "$home" jbs_spmd) $(emu_pid "$home" jco_spmd) $(emu_pid "$home" jajs_spmd) $(emu_pid "$home" jajs_schd AJSROOT1)"
lab_mark_logs
emark=$(lab_mark "$(lab_emu_log "$home")")
echo "$RESTART_MS" >"$(lab_inject_dir "$home" "$LH")/jajs_schd.restart-ms"
killed=$(lab_kill_process "$home" "$LH" jajs_schd AJSROOT2)
ok $? "round 1: kill -9 of AJSROOT2's jajs_schd (pid ${killed:-none}) on $home, self-restart in $RESTART_MS ms"
# Wait for the service's own restart, then for two passed checks after it: the second
# comes from a monitor after the one that saw the service come back, so that one ended.
restarted="" passed=0
for _ in $(seq 150); do
    restarted=$(tail -n +"$((emark + 1))" "$(lab_emu_log "$home")" \
        | sed -n 's/.* jajs_spmd event restarted jajs_schd \([0-9]*\) -F AJSROOT2 (1 of 3)$/\1/p' | head -1)
    [ -n "$restarted" ] && passed=$(agent_checks "$home" "$emark" AJSROOT2 \
        | awk '$2 != 0 {down = 1} down && $2 == 0 {n++} END {print n + 0}')
    [ "$passed" -ge 2 ] && break
    sleep 0.1
done
[ -n "$restarted" ] && [ "$restarted" != "$killed" ] && [ "$(emu_pid "$home" jajs_schd AJSROOT2)" = "$restarted" ]
ok $? "round 1: AJSROOT2 restarted itself (emulator log), a new jajs_schd (pid ${restarted:-none}) runs"
down=$(agent_checks "$home" "$emark" AJSROOT2 | awk '$2 != 0 {print; exit}')
back=$(agent_checks "$home" "$emark" AJSROOT2 | awk '$2 != 0 {down = 1} down && $2 == 0 {print; exit}')
[ -n "$down" ] && [ -n "$back" ]
ok $? "round 1: the agent's check saw AJSROOT2 down (ajsstatus rc ${down#* }) and then running again"
if [ -n "$down" ] && [ -n "$back" ]; then
    seen_ms=$((${back%% *} - ${down%% *}))
    [ "$seen_ms" -lt $((RETRIES * RETRY_S * 1000)) ]
    ok $? "round 1: ... $seen_ms ms apart, within the budget: one monitor's retries"
    scenario_time "self-restart, first failed check to passed" "$seen_ms"
fi
for node in $(lab_live_nodes); do
    is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "round 1: $node started or stopped nothing of $LH"
done
is "$(failed_monitors "$home" "${lab_marks[$home]}")" 0 "round 1: $home's controller recorded no failed monitor of $AJS"
is "$(lab_failcount "$AJS" "$home")" 0 "round 1: the AJS3 member's fail count on $home is 0"
is "$(member_calls "$home" $MEMBERS)" "$calls" "round 1: no member restarted (call ids unchanged)"
is "$(emu_pid "$home" jbs_spmd) $(emu_pid "$home" jco_spmd) $(emu_pid "$home" jajs_spmd) $(emu_pid "$home" jajs_schd AJSROOT1)" \
    "$pids" "round 1: JP1/Base, JP1/IM, jajs_spmd and AJSROOT1 are the same processes ($pids)"
is "$(cluster_cmds "$home" "$emark")" "" "round 1: emulator log: no cluster command ran"
no_failed_actions "round 1: crm_mon lists no failed actions"
rm -f "$(lab_inject_dir "$home" "$LH")/jajs_schd.restart-ms"

# ---- round 2: no self-restart: the cluster restarts the AJS3 member in place ---------------
last_failure() { # the call id of the member's last failure on $home (reads $LAB/status.xml)
    lab_xpath "$LAB/status.xml" \
        "string(//node_state[@uname='$home']//lrm_rsc_op[@id='${AJS}_last_failure_0']/@call-id)"
}
calls=$(member_calls "$home" $LOWER) # (member_calls reads the CIB's status afresh)
old_failure=$(last_failure)
old_call=$(lab_last_op "$AJS" "$home" | cut -d' ' -f4)
lower_pids="$(emu_pid "$home" jbs_spmd) $(emu_pid "$home" jco_spmd) $(emu_pid "$home" jcamain)"
old_spmd=$(emu_pid "$home" jajs_spmd)
lab_mark_logs
emark=$(lab_mark "$(lab_emu_log "$home")")
t0=$(lab_now_ms)
killed=$(lab_kill_process "$home" "$LH" jajs_schd AJSROOT2)
ok $? "round 2: kill -9 of AJSROOT2's jajs_schd (pid ${killed:-none}) on $home, no self-restart"
# The trap, while the service is dead: JP1/AJS3's own status command sees nothing wrong.
# (The agent's first failing check needs its whole budget, 3 s, before the cluster acts.)
lab_exec "$home" "$LAB/emu/bin/jajs_spmd_status" -h "$LH" >/dev/null
spmd_rc=$?
lab_exec "$home" "$LAB/emu/bin/ajsstatus" -F AJSROOT2 -h "$LH" >/dev/null
is "$spmd_rc/$?" 0/8 "round 2: jajs_spmd_status -h $LH still answers 0, ajsstatus -F AJSROOT2 answers 8"

# Detection: a failed monitor of the member, new since the kill, appears in the CIB's
# operation history.
detect_ms=""
for _ in $(seq 300); do
    lab_status && [ -n "$(last_failure)" ] && [ "$(last_failure)" != "$old_failure" ] \
        && { detect_ms=$(($(lab_now_ms) - t0)); break; }
    sleep 0.1
done
ok "$([ -n "$detect_ms" ] && echo 0 || echo 1)" \
    "round 2: the AJS3 member's failed monitor is recorded $(lab_secs "${detect_ms:-0}") s after the kill"
[ -n "$detect_ms" ] && scenario_time "kill AJSROOT2 to failed monitor" "$detect_ms"
# Bound: a stop and a start of a second or two after it.
wait_restarted "$AJS" "$home" "$old_call" 30
restarted=$?
elapsed=$(($(lab_now_ms) - t0))
ok $restarted "round 2: the AJS3 member was restarted (call id $old_call -> ${new_call:-none}) and $LH runs on $home again"
[ $restarted = 0 ] && scenario_time "kill AJSROOT2 to ajs restarted in place" "$elapsed"

lab_mon
is "$(lab_failed_actions)" "$(failed_monitor "$AJS" "$home")" \
    "round 2: the only failed action crm_mon lists is the AJS3 member's monitor on $home"
reason=$(lab_xpath "$LAB/mon.xml" "string(//failures/failure/@exitreason)")
like "$reason" "scheduler service AJSROOT2" "round 2: its exit reason names the scheduler service ($reason)"
is "$(failed_monitors "$home" "${lab_marks[$home]}")" 1 "round 2: $home's controller recorded one failed monitor of $AJS"
is "$(lab_ops_since "$home" "${lab_marks[$home]}" "$LH" | tr '\n' ' ')" "stop $AJS start $AJS " \
    "round 2: $home's controller stopped and started the AJS3 member only"
for node in $(others "$home"); do
    is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "round 2: $node started or stopped nothing of $LH"
done
is "$(lab_failcount "$AJS" "$home")" 1 "round 2: the AJS3 member's fail count on $home is 1"
is "$(lab_failcount "$LH-base" "$home")/$(lab_failcount "$LH-manager" "$home")" 0/0 \
    "round 2: JP1/Base and JP1/IM have no fail count"
is "$(member_calls "$home" $LOWER)" "$calls" "round 2: disk, IP, JP1/Base and JP1/IM not restarted ($calls)"
is "$(emu_pid "$home" jbs_spmd) $(emu_pid "$home" jco_spmd) $(emu_pid "$home" jcamain)" "$lower_pids" \
    "round 2: JP1/Base's jbs_spmd, JP1/IM's jco_spmd and jcamain are the same processes ($lower_pids)"
is "$(cluster_cmds "$home" "$emark")" "jajs_stop.cluster jajs_killall.cluster jajs_start.cluster" \
    "round 2: emulator log on $home: JP1/AJS3 stopped (and killall) and started, no other product's command"
[ -n "$(lab_emu_time "$home" "$emark" " jajs_spmd event jajs_schd -F AJSROOT2 not restarted \(no automatic restart\)$")" ]
ok $? "round 2: emulator log: the killed service did not restart itself"
schd=$(emu_pid "$home" jajs_schd AJSROOT2)
spmd=$(emu_pid "$home" jajs_spmd)
[ -n "$schd" ] && [ "$schd" != "$killed" ] && [ -n "$spmd" ] && [ "$spmd" != "$old_spmd" ]
ok $? "round 2: a new JP1/AJS3 runs on $home: jajs_spmd $old_spmd -> ${spmd:-none}, AJSROOT2's jajs_schd $killed -> ${schd:-none}"
lab_exec "$home" "$LAB/emu/bin/ajsstatus" -F AJSROOT2 -h "$LH" >/dev/null
is $? 0 "round 2: ajsstatus -F AJSROOT2 -h $LH on $home answers 0"
lab_has_ip "$home" "$VIP" && lab_has_mount "$home" "$LH"
ok $? "$home still holds $VIP and the shared disk"

scenario_end
