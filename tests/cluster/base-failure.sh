#!/usr/bin/env bash
# Scenario: JP1/Base dies (kill -9) on the active node, under a running JP1/IM - Manager.
#
# JP1/IM - Manager runs on top of JP1/Base: the manuals order the logical host as
# disk, IP, JP1/Base, JP1/IM, stopped in reverse. When JP1/Base fails, the cluster
# must therefore stop the manager first, then restart JP1/Base, and start the
# manager again only once JP1/Base runs; the disk and the address stay where they
# are. Proved twice on one node, from two independent records:
#   - the controller's log (Pacemaker's view): stop manager, stop base, start base,
#     start manager, and nothing else;
#   - the emulator's log (what the products were told, with the time each command
#     ended): jco_stop.cluster, jco_killall.cluster, jbs_stop.cluster,
#     jbs_killall.cluster, jbs_start.cluster, jco_start.cluster, and JP1/Base
#     ready before JP1/IM's daemon started.
# Round 1 kills the parent jbs_spmd: its children are orphaned, jbs_stop.cluster has
# no parent to stop, and only the forced termination after it can clean them up (none
# of the old processes may survive). Round 2 kills one child (jbscomd) under a live
# parent. Disk and IP call ids never change, the only failed action is JP1/Base's
# monitor, and its fail count goes 1, 2 (below migration-threshold 3: no failover).
. "$(dirname "$0")/scenario.sh"

BASE="$LH-base"
MANAGER="$LH-manager"
STORAGE=("$LH-disk" "$LH-ip") # the members a JP1/Base failure must leave alone

# The pids of JP1/Base's processes of $LH on NODE, as "pid pid ...", from the product's
# own record on the shared disk ("name pid starttime" lines, parent first).
base_pids() { # base_pids NODE
    lab_exec "$1" cat "/srv/$LH/jp1/jp1base/emu/procs" 2>/dev/null | awk '{printf "%s ", $2}' | sed 's/ $//'
}

scenario_up 3
home=$active

# What JP1/Base's processes are, as the emulator names them: the parent and its children.
like "$(lab_emu_ps "$home" "$LH" | awk '{printf "%s ", $2}')" "^jbs_spmd .*jbscomd .*jco_spmd .*jcamain" \
    "$home runs JP1/Base (jbs_spmd ... jbscomd) and then JP1/IM (jco_spmd ... jcamain)"

n=0
for victim in jbs_spmd jbscomd; do
    n=$((n + 1))
    storage=$(member_calls "$home" "${STORAGE[@]}")
    old_base=$(lab_last_op "$BASE" "$home" | cut -d' ' -f4)
    old_manager=$(lab_last_op "$MANAGER" "$home" | cut -d' ' -f4)
    old_pids=$(base_pids "$home")
    lab_mark_logs
    emark=$(lab_mark "$(lab_emu_log "$home")")

    t0=$(lab_now_ms)
    killed=$(lab_kill_process "$home" "$LH" "$victim")
    ok $? "round $n: kill -9 of JP1/Base's $victim (pid ${killed:-none}) on $home"
    # Bound: a monitor within 2 s, then two stops and two starts of about a second.
    wait_restarted "$MANAGER" "$home" "$old_manager" 30
    restarted=$?
    elapsed=$(($(lab_now_ms) - t0))
    ok $restarted "round $n: $LH runs on $home again, the manager restarted (call id $old_manager -> ${new_call:-none})"
    [ $restarted = 0 ] && scenario_time "kill $victim to $LH running again" "$elapsed"

    # Pacemaker's view: the dependent stopped first, started last; nothing else touched.
    is "$(lab_ops_since "$home" "${lab_marks[$home]}" "$LH" | tr '\n' ' ')" \
        "stop $MANAGER stop $BASE start $BASE start $MANAGER " \
        "round $n: $home's controller stopped the manager, stopped JP1/Base, started JP1/Base, then started the manager"
    for node in $(others "$home"); do
        is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "round $n: $node started or stopped nothing of $LH"
    done
    lab_status
    new_base=$(lab_last_op "$BASE" "$home" | cut -d' ' -f4)
    [ -n "$new_base" ] && [ "$new_base" != "$old_base" ]
    ok $? "round $n: JP1/Base was restarted (call id $old_base -> ${new_base:-none})"
    is "$(member_calls "$home" "${STORAGE[@]}")" "$storage" "round $n: disk and IP not restarted (call ids unchanged: $storage)"

    # The products' view: the commands in the same order, from the emulator's own log.
    is "$(cluster_cmds "$home" "$emark")" \
        "jco_stop.cluster jco_killall.cluster jbs_stop.cluster jbs_killall.cluster jbs_start.cluster jco_start.cluster" \
        "round $n: emulator log on $home: JP1/IM stopped (and killall), JP1/Base stopped (and killall), JP1/Base started, JP1/IM started"
    base_ready=$(lab_emu_time "$home" "$emark" " jbs_spmd event ready$")
    im_started=$(lab_emu_time "$home" "$emark" " jco_spmd event started$")
    [ -n "$base_ready" ] && [ -n "$im_started" ] && [ "$base_ready" -lt "$im_started" ]
    ok $? "round $n: the new JP1/Base was ready before the new JP1/IM daemon started"

    # What an admin checks: a complete JP1/Base again, and none of the old processes.
    survivors=""
    for pid in $old_pids; do
        lab_exec "$home" test -d "/proc/$pid" && survivors="$survivors $pid"
    done
    is "$survivors" "" "round $n: none of JP1/Base's old processes ($old_pids) survived"
    lab_exec "$home" "$LAB/emu/bin/jbs_spmd_status" -h "$LH" >/dev/null
    is $? 0 "round $n: jbs_spmd_status -h $LH on $home says all processes run (rc 0)"
    is "$(lab_failcount "$BASE" "$home")" "$n" "round $n: JP1/Base's fail count on $home is $n"
    is "$(lab_failcount "$MANAGER" "$home")" 0 "round $n: the manager has no fail count (it was stopped, it did not fail)"
    lab_mon
    is "$(lab_failed_actions)" "$(failed_monitor "$BASE" "$home")" \
        "round $n: the only failed action crm_mon lists is JP1/Base's monitor on $home"
done

lab_has_ip "$home" "$VIP" && lab_has_mount "$home" "$LH"
ok $? "$home still holds $VIP and the shared disk"

scenario_end
