#!/usr/bin/env bash
# Scenario 5: planned switchover, the ways an admin does it: `crm_resource --move`
# to a named node, then `--ban` from wherever it runs, each followed by `--clear`,
# then a clean shutdown of the node running it (maintenance). Each switch must stop
# the logical host cleanly in reverse order on the old node and start it in order on
# the new one, with no failed action; clearing the constraint or booting the node
# again must not move it back (resource-stickiness).
. "$(dirname "$0")/scenario.sh"

scenario_up 3

# Runs a switch and checks how it went. Sets $active.
switch() { # switch DESCRIPTION CRM_RESOURCE_ARGS... | switch DESCRIPTION shutdown
    local what=$1 old=$active t0 ms
    shift
    lab_mark_logs
    t0=$(lab_now_ms)
    if [ "$1" = shutdown ]; then
        lab_shutdown "$old"
        ok $? "$what: $old shut down cleanly (pacemaker, then corosync)"
    else
        lab_exec "$old" crm_resource -r "$LH" "$@" >/dev/null 2>&1
        ok $? "$what: crm_resource $*"
    fi
    lab_wait_group "$LH" 60 "$old"
    ok $? "... $LH runs on ${lab_where:-no node}, not $old"
    ms=$(($(lab_now_ms) - t0))
    [ -n "$lab_where" ] || return
    scenario_time "$what" "$ms"
    active=$lab_where
    is "$(ops "$old" stop)" "$REVERSED " "... $old's log: stopped $REVERSED, in that order"
    is "$(ops "$active" start)" "$MEMBERS " "... $active's log: started $MEMBERS, in that order"
    if lab_node_alive "$old"; then
        ! lab_has_ip "$old" "$VIP" && ! lab_has_mount "$old" "$LH" && [ -z "$(lab_emu_ps "$old" "$LH")" ]
        ok $? "... $old holds nothing of $LH any more: no address, no mount, no JP1 process"
    fi
    no_failed_actions "... no failed actions"
}

ops() { # ops NODE ACTION: the members NODE's log shows ACTION done on since lab_mark_logs
    lab_ops_since "$1" "${lab_marks[$1]}" "$LH" | awk -v a="$2" '$1 == a {printf "%s ", $2}'
}

clear_stays() { # the constraint goes; the logical host stays where it is
    lab_exec "$active" crm_resource -r "$LH" --clear >/dev/null 2>&1
    ok $? "crm_resource --clear"
    is "$(lab_exec "$active" cibadmin -Q --scope constraints | grep -c "cli-.*$LH")" 0 \
        "... no cli-prefer/cli-ban constraint on $LH is left"
    sleep 3 # a transition would start at once; give one the time to show
    lab_wait_group "$LH" 10
    is "$lab_where" "$active" "... $LH stays on $active (resource-stickiness)"
}

target=$(others "$active" | tail -1)
switch "move to $target" --move -N "$target"
is "$active" "$target" "... $target is the node asked for"
clear_stays

switch "ban from $active" --ban -N "$active"
clear_stays

down=$active
switch "shutdown of $active" shutdown
lab_boot "$down"
lab_wait_online 3 60
ok $? "$down boots again and rejoins: 3 nodes online"
lab_wait_group "$LH" 10
is "$lab_where" "$active" "... $LH stays on $active (resource-stickiness)"

scenario_end
