#!/usr/bin/env bash
# The definition's failure-timeout, on a real cluster: a failure is forgotten once it
# is that old, so failures spread over weeks never add up to a failover. With
# migration-threshold = 2 and failure-timeout = 20s: a manager failure restarts it in
# place; 20 s later its fail count is gone, so the next failure again restarts in
# place; a failure right after that one (2 within 20 s) moves the logical host.
# crm_simulate cannot show this (its injected failures never expire), only a cluster
# whose clock runs can.
. "$(dirname "$0")/scenario.sh"

lab_policy='migration-threshold = 2
failure-timeout = 20s'
scenario_up 3
group_meta() { lab_xpath "$LAB/$LH.xml" "string(//group/meta_attributes/nvpair[@name='$1']/@value)"; }

# Kills jcamain on $active and waits until the manager runs again; sets $calls.
fail_manager() { # fail_manager DESCRIPTION
    local before t0
    lab_status
    before=$(lab_last_op "$LH-manager" "$active" | awk '{print $4}')
    t0=$(lab_now_ms)
    lab_kill_process "$active" "$LH" jcamain >/dev/null
    ok $? "$1: kill -9 jcamain on $active"
    for _ in $(seq 300); do
        lab_status
        after=$(lab_last_op "$LH-manager" "$active" | awk '{print $4}')
        lab_wait_group "$LH" 1 && [ -n "$after" ] && [ "$after" != "$before" ] && break
        [ -n "$lab_where" ] && [ "$lab_where" != "$active" ] && break
        sleep 0.1
    done
    recovered_ms=$(($(lab_now_ms) - t0))
}

fail_manager "failure 1"
is "$lab_where" "$active" "... the manager was restarted in place on $active"
is "$(lab_failcount "$LH-manager" "$active")" 1 "... fail count 1"

t0=$(lab_now_ms)
while [ "$(lab_failcount "$LH-manager" "$active")" != 0 ] && [ $(($(lab_now_ms) - t0)) -lt 90000 ]; do
    sleep 0.5
done
expired_ms=$(($(lab_now_ms) - t0))
is "$(lab_failcount "$LH-manager" "$active")" 0 \
    "the failure is forgotten $(lab_secs "$expired_ms") s later (failure-timeout $(group_meta failure-timeout))"
scenario_time "failure to fail count expired" "$expired_ms"
no_failed_actions "... and crm_mon lists no failed action any more"

fail_manager "failure 2, after the first expired"
is "$lab_where" "$active" "... restarted in place again: the old failure no longer counts"
is "$(lab_failcount "$LH-manager" "$active")" 1 "... fail count 1, not 2"

old=$active
fail_manager "failure 3, right after failure 2"
ok "$([ -n "$lab_where" ] && [ "$lab_where" != "$old" ] && echo 0 || echo 1)" \
    "... two failures within failure-timeout reach migration-threshold $(group_meta migration-threshold): $LH moved to ${lab_where:-no node}"
scenario_time "kill to $LH running on another node" "$recovered_ms"

scenario_end
