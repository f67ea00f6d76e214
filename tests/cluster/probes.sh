#!/usr/bin/env bash
# Scenario 1: probes. Pacemaker probes every member on every node before it starts
# anything, and again on a refresh. On the nodes that do not hold the logical host,
# every probe must say "not running" (rc 7): a JP1 status command there fails for
# want of the shared disk, and reading that as an error would stop the logical host
# from ever running. Read from the CIB's operation history and crm_mon, as an admin would.
# The logical host has all five members: JP1/AJS3 - Manager's probe runs two checks
# (jajs_spmd_status, then the scheduler service), and both find no shared disk there.
. "$(dirname "$0")/scenario.sh"

lab_ajs_services=AJSROOT1
scenario_up 3

# What a user checks on the active node: address, mount, processes.
lab_has_ip "$active" "$VIP"
ok $? "$active holds the logical host's address $VIP"
lab_has_mount "$active" "$LH"
ok $? "$active has the shared disk mounted on /srv/$LH"
like "$(lab_emu_ps "$active" "$LH" | awk '{print $2}' | tr '\n' ' ')" "jbs_spmd .*jco_spmd .*jcamain .*jajs_spmd .*jajs_schd" \
    "$active runs JP1/Base, JP1/IM - Manager and JP1/AJS3 - Manager of $LH"

check_probes() { # check_probes WHEN
    local node rsc bad="" op
    lab_status
    for node in $(others "$active"); do
        for rsc in $MEMBERS; do
            op=$(lab_last_op "$rsc" "$node")
            case $op in "monitor 0 7 "*) ;; *) bad="$bad $rsc@$node($op)" ;; esac
        done
    done
    is "$bad" "" "$1: every member's probe on $(others "$active" | tr '\n' ' ')returned 7 (not running)"
    no_failed_actions "$1: crm_mon lists no failed actions"
}
check_probes "first probes"

for node in $(others "$active"); do
    ! lab_has_ip "$node" "$VIP" && ! lab_has_mount "$node" "$LH" && [ -z "$(lab_emu_ps "$node" "$LH")" ]
    ok $? "$node holds nothing of $LH: no address, no mount, no JP1 process"
done

# A refresh forgets every node's history and probes everything again, while lhA runs.
mark=$(lab_mark "$(lab_pacemaker_log "$(others "$active" | head -1)")")
lab_exec "$active" crm_resource --refresh >/dev/null 2>&1
ok $? "crm_resource --refresh (every member re-probed on every node)"
t0=$(lab_now_ms)
for _ in $(seq 100); do
    reprobed=$(tail -n +"$((mark + 1))" "$(lab_pacemaker_log "$(others "$active" | head -1)")" \
        | grep -c "Result of probe operation for $LH-" || true)
    [ "$reprobed" -ge "$MEMBER_COUNT" ] && break
    sleep 0.1
done
is "$reprobed" "$MEMBER_COUNT" "... $(others "$active" | head -1) probed all $MEMBER_COUNT members again"
lab_wait_group "$LH" 30
is "$lab_where" "$active" "... $LH still runs on $active, nothing restarted"
scenario_time "refresh to all re-probed" $(($(lab_now_ms) - t0))
check_probes "after the refresh"

scenario_end
