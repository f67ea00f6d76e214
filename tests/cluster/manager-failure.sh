#!/usr/bin/env bash
# Scenario: JP1/IM - Manager dies (kill -9 of jcamain) on the active node, again and again.
#
# JP1's manuals leave restarts to the cluster software: a failed manager is restarted
# on the same server first, and the logical host moves only when that keeps failing.
# lhost realises this with the group's migration-threshold (3 in the lab). Proved
# here, failure by failure, from what an admin reads (crm_mon, the CIB's operation
# history, crm_failcount, the controllers' logs, the JP1 processes):
#   failures 1 and 2: the manager's monitor sees it, Pacemaker stops and starts the
#     manager alone on the same node (disk, IP and JP1/Base keep their call ids and
#     processes), and its fail count goes 1, 2;
#   failure 3: the threshold is reached, the whole logical host moves: stopped in
#     reverse order on the old node, started in order on a new one.
# Throughout, the only failed action crm_mon lists is the manager's monitor.
# The time from the kill to the group running again is recorded for each.
. "$(dirname "$0")/scenario.sh"

MANAGER="$LH-manager"
LOWER="$LH-disk $LH-ip $LH-base" # the members a manager failure must leave alone

# Pid of the emulated process NAME of $LH on NODE (empty when none).
emu_pid() { lab_emu_ps "$1" "$LH" | awk -v n="$2" '$2 == n {print $1; exit}'; }

# The lab definition's migration-threshold. The expectations below follow from it, not
# from what the CIB says, so that a CIB that disagrees fails the behaviour checks too.
threshold=3

scenario_up 3
home=$active # where lhA started: every in-place restart must keep it there
is "$(lab_exec "$home" crm_resource -r "$LH" --meta -g migration-threshold 2>/dev/null)" "$threshold" \
    "the group's migration-threshold in the CIB is $threshold ($((threshold - 1)) restarts in place, then a move)"
base_pid=$(emu_pid "$home" jbs_spmd)

# ---- failures below the threshold: a restart of the manager alone, in place ------------------
for n in $(seq $((threshold - 1))); do
    before=$(member_calls "$home" $LOWER)
    old_call=$(lab_last_op "$MANAGER" "$home" | cut -d' ' -f4)
    mark=$(lab_mark "$(lab_pacemaker_log "$home")")
    t0=$(lab_now_ms)
    killed=$(lab_kill_process "$home" "$LH" jcamain)
    ok $? "failure $n: kill -9 of jcamain (pid ${killed:-none}) on $home"
    # Bound: a monitor within its 2 s interval, a stop and a start of about a second.
    wait_restarted "$MANAGER" "$home" "$old_call" 30
    restarted=$?
    elapsed=$(($(lab_now_ms) - t0))
    ok $restarted "failure $n: the manager was restarted (call id $old_call -> ${new_call:-none}) and $LH runs on $home again"
    [ $restarted = 0 ] && scenario_time "kill to manager restarted in place ($n)" "$elapsed"

    is "$(lab_failcount "$MANAGER" "$home")" "$n" "failure $n: the manager's fail count on $home is $n"
    is "$(member_calls "$home" $LOWER)" "$before" "failure $n: disk, IP and JP1/Base not restarted (call ids unchanged: $before)"
    is "$(lab_ops_since "$home" "$mark" "$LH" | tr '\n' ' ')" "stop $MANAGER start $MANAGER " \
        "failure $n: $home's controller stopped and started the manager only"
    jcamain=$(emu_pid "$home" jcamain)
    [ -n "$jcamain" ] && [ "$jcamain" != "$killed" ]
    ok $? "failure $n: a new jcamain runs on $home (pid ${jcamain:-none})"
    is "$(emu_pid "$home" jbs_spmd)" "$base_pid" "failure $n: JP1/Base's jbs_spmd is still the same process ($base_pid)"
    lab_mon
    is "$(lab_failed_actions)" "$(failed_monitor "$MANAGER" "$home")" \
        "failure $n: the only failed action crm_mon lists is the manager's monitor on $home"
    like "$(lab_xpath "$LAB/mon.xml" "string(//failures/failure/@exitreason)")" "jco_spmd_status returned 4" \
        "failure $n: its exit reason names the status command's answer (some processes stopped)"
done

# ---- the failure that reaches the threshold: the whole logical host moves -----------------------
lab_mark_logs
t0=$(lab_now_ms)
killed=$(lab_kill_process "$home" "$LH" jcamain)
ok $? "failure $threshold: kill -9 of jcamain (pid ${killed:-none}) on $home"
# (Without a kill there is nothing to wait for: the group elsewhere would prove nothing.)
lab_where=""
[ -n "$killed" ] && lab_wait_group "$LH" 60 "$home"
moved=$?
elapsed=$(($(lab_now_ms) - t0))
ok $moved "failure $threshold: $LH runs on another node (${lab_where:-none})"
[ $moved = 0 ] && scenario_time "kill to $LH running on another node" "$elapsed"
new=$lab_where
[ -n "$new" ] || new=none

is "$(lab_failcount "$MANAGER" "$home")" "$threshold" "the manager's fail count on $home reached $threshold"
is "$(lab_failcount "$MANAGER" "$new")" 0 "the manager has no fail count on $new"
is "$(lab_ops_since "$home" "${lab_marks[$home]}" "$LH" | tr '\n' ' ')" \
    "$(for r in $REVERSED; do printf 'stop %s ' "$r"; done)" \
    "$home stopped the four members once each, in reverse order (manager, base, IP, disk)"
is "$(lab_ops_since "$new" "${lab_marks[$new]:-0}" "$LH" | tr '\n' ' ')" \
    "$(for r in $MEMBERS; do printf 'start %s ' "$r"; done)" \
    "$new started the four members once each, in order (disk, IP, base, manager)"
for node in $(others "$new"); do
    [ "$node" = "$home" ] && continue
    is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "$node started or stopped nothing of $LH"
done

# What an admin checks on both nodes.
lab_has_ip "$new" "$VIP" && lab_has_mount "$new" "$LH" && [ -n "$(emu_pid "$new" jcamain)" ]
ok $? "$new holds $VIP, the shared disk and a running JP1/IM - Manager"
! lab_has_ip "$home" "$VIP" && ! lab_has_mount "$home" "$LH" && [ -z "$(lab_emu_ps "$home" "$LH")" ]
ok $? "$home holds nothing of $LH any more: no address, no mount, no JP1 process"
lab_mon
is "$(lab_failed_actions)" "$(failed_monitor "$MANAGER" "$home")" \
    "after the move the only failed action crm_mon lists is still the manager's monitor on $home"

scenario_end
