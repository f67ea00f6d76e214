#!/usr/bin/env bash
# Scenario: the node running the logical host is cut off the network, fencing on.
#
# A JP1 logical host must never run twice: two copies would hold one address on one
# LAN and, on a real SAN, write one shared disk from two machines. When the active
# node drops off the network it cannot be asked to stop, so the majority has to
# power it off (fence) before it takes over. Proved on 3 nodes whose PDU really cuts
# the power: the majority fences the isolated node (PDU log and fence history), and
# every ~100 ms during the whole event, across all nodes, at most one node holds the
# address, at most one has the shared disk mounted and at most one runs JP1
# processes; the logical host ends up on a majority node. The fenced node then boots
# and rejoins, and the logical host stays where it is (stickiness): no second
# switchover, and the rejoined node finds nothing of it (probes "not running").
. "$(dirname "$0")/scenario.sh"

# ---- sampling who holds what ----------------------------------------------------------
# One line per sample: "MS|IP HOLDERS|MOUNT HOLDERS|JP1 HOLDERS" (node names separated
# by spaces, MS when the sample began). The nodes are looked at one after the other
# (about 80 ms for 3), not at one instant: a takeover happens seconds after the
# old node went, so a double seen across one sample is a real one. A node's
# processes are looked up only while it is alive: a powered-off node has none, and
# nsenter into it would fail anyway.
sample_once() {
    local n ip="" mnt="" jp1="" t
    t=$(lab_now_ms)
    for n in $(seq "$LAB_NODES"); do
        lab_has_ip "node$n" "$VIP" && ip="$ip node$n"
        lab_has_mount "node$n" "$LH" && mnt="$mnt node$n"
        lab_node_alive "$n" && [ -n "$(lab_emu_ps "node$n" "$LH" 2>/dev/null)" ] && jp1="$jp1 node$n"
    done
    echo "$t|${ip# }|${mnt# }|${jp1# }"
}

# Samples into $LAB/samples until $LAB/sampling goes or this shell ends.
sampler_start() {
    : >"$LAB/sampling"
    (
        while [ -e "$LAB/sampling" ] && kill -0 $$ 2>/dev/null; do
            sample_once # takes about 80 ms on 3 nodes
            sleep 0.02
        done
    ) >"$LAB/samples" 2>/dev/null &
    sampler_pid=$!
}

sampler_stop() {
    rm -f "$LAB/sampling"
    wait "$sampler_pid" 2>/dev/null
}

# Samples where more than one node held field F (2 address, 3 mount, 4 JP1).
samples_doubled() { awk -F'|' -v f="$1" 'split($f, a, " ") > 1' "$LAB/samples"; }

# Time (ms) of the first / last sample where field F is exactly NODE.
sample_first() { awk -F'|' -v f="$1" -v n="$2" '$f == n {print $1; exit}' "$LAB/samples"; }
sample_last() { awk -F'|' -v f="$1" -v n="$2" '$f == n {t = $1} END {print t}' "$LAB/samples"; }

# Watches, together, for the PDU powering NODE off and for GROUP running elsewhere as
# OBSERVER's crm_mon sees it (lab_wait_group asks the first live node, which may be
# the isolated one), up to SECONDS. Sets fenced_at (the PDU's time, ms) and
# running_at / new_active as each is first seen; returns 1 unless both were.
watch_takeover() { # watch_takeover NODE OBSERVER GROUP SECONDS
    local deadline=$(($(lab_now_ms) + $4 * 1000)) where
    fenced_at="" running_at="" new_active=""
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        [ -z "$fenced_at" ] && fenced_at=$(awk -v n="$1" '$2 == n {print $1; exit}' "$LAB/pdu/fenced" 2>/dev/null)
        if [ -z "$running_at" ] && lab_mon "$2"; then
            where=$(lab_group_node "$3")
            [ -n "$where" ] && [ "$where" != "$1" ] && { running_at=$(lab_now_ms); new_active=$where; }
        fi
        [ -n "$fenced_at" ] && [ -n "$running_at" ] && return 0
        sleep 0.1
    done
    return 1
}

scenario_up 3 fencing
victim=$active
observer=$(others "$victim" | head -1)

sampler_start
sleep 1 # a few samples of the steady state first
t_cut=$(lab_now_ms)
lab_cut "$victim"
ok $? "$victim (running $LH) is cut off the network"

# Bound: detection (token 1 s + consensus) and fencing take about 5 s in this lab.
watch_takeover "$victim" "$observer" "$LH" 60
[ -n "$fenced_at" ]
ok $? "the PDU powered $victim off"
[ -n "$fenced_at" ] && scenario_time "cut to fenced (PDU off)" $((fenced_at - t_cut))
[ -n "$running_at" ]
ok $? "$LH runs on a majority node (${new_active:-none}), as $observer sees it"
[ -n "$running_at" ] && scenario_time "cut to running elsewhere" $((running_at - t_cut))
lab_mon "$observer"

is "$(cut -d' ' -f2 "$LAB/pdu/fenced" 2>/dev/null | tr '\n' ' ')" "$victim " \
    "the PDU powered off $victim and no other node"
! lab_node_alive "$victim"
ok $? "$victim is powered off"
history=$(lab_exec "$observer" stonith_admin --history '*' --output-as=xml 2>/dev/null)
ok $? "stonith_admin --history '*' answers on $observer"
is "$(printf '%s' "$history" | xmllint --xpath \
    "count(//fence_event[@target='$victim' and @action='off' and @status='success'])" - 2>/dev/null)" 1 \
    "the fence history on $observer shows $victim powered off, successfully"
is "$(printf '%s' "$history" | xmllint --xpath 'count(//fence_event)' - 2>/dev/null)" 1 \
    "... and no other fencing"
is "$(lab_xpath "$LAB/mon.xml" "string(//nodes/node[@name='$victim']/@online)")" false \
    "$victim is offline for the majority"

# A few seconds more of sampling after the takeover: a late copy would show here.
sleep 3

# ---- the fenced node comes back -----------------------------------------------------
ops_mark=$(lab_mark "$(lab_pacemaker_log "$new_active")")
lab_heal "$victim"
# (a node that was not fenced, which the checks above report, is only plugged back)
lab_node_alive "$victim" || lab_boot "$victim"
lab_wait_online 3 60
ok $? "$victim boots and rejoins: 3 nodes online"
t_rejoin=$(lab_now_ms)
# The rejoined node is probed and the scheduler decides; --wait returns when the
# cluster has no action left to run (bounded).
lab_exec "$observer" crm_resource --wait --timeout=60s >/dev/null 2>&1
ok $? "the cluster settles after the rejoin (crm_resource --wait)"
scenario_time "rejoin to settled" $(($(lab_now_ms) - t_rejoin))
sleep 1
sampler_stop

lab_wait_group "$LH" 10
is "$lab_where" "$new_active" "$LH stays on $new_active after $victim rejoined (stickiness)"
is "$(lab_ops_since "$new_active" "$ops_mark" "$LH" | tr '\n' ' ')" "" \
    "$new_active neither stopped nor started a member of $LH during the rejoin"
lab_status
bad=""
for rsc in $MEMBERS; do
    op=$(lab_last_op "$rsc" "$victim")
    case $op in "monitor 0 7 "*) ;; *) bad="$bad $rsc($op)" ;; esac
done
is "$bad" "" "the rejoined $victim probed every member: not running (rc 7)"
! lab_has_ip "$victim" "$VIP" && ! lab_has_mount "$victim" "$LH" && [ -z "$(lab_emu_ps "$victim" "$LH")" ]
ok $? "$victim holds nothing of $LH: no address, no mount, no JP1 process"
no_failed_actions "crm_mon lists no failed actions"
is "$(lab_failcount "$LH-manager" "$new_active")" 0 "the manager has no fail count on $new_active"

# ---- what the samples say -----------------------------------------------------------
samples=$(wc -l <"$LAB/samples")
gap=$(awk -F'|' 'NR > 1 && $1 - p > g {g = $1 - p} {p = $1} END {print g + 0}' "$LAB/samples")
echo "# $samples samples over $(lab_secs $(($(tail -1 "$LAB/samples" | cut -d'|' -f1) - $(head -1 "$LAB/samples" | cut -d'|' -f1)))) s, largest gap ${gap} ms"
[ "$samples" -ge 50 ] && [ "$gap" -lt 1000 ]
ok $? "the sampler ran through the whole event, never more than 1 s between samples"
first=$(head -1 "$LAB/samples")
is "${first#*|}" "$victim|$victim|$victim" "the first sample saw $LH on $victim: address, mount, JP1"
last=$(tail -1 "$LAB/samples")
is "${last#*|}" "$new_active|$new_active|$new_active" "the last sample saw $LH on $new_active: address, mount, JP1"
for f in 2:address 3:mount 4:processes; do
    is "$(samples_doubled "${f%%:*}" | head -3 | tr '\n' ' ')" "" \
        "no sample had the $LH ${f#*:} on two nodes at once"
done
# The order fencing promises: the new node took nothing before the old one was off.
took=$(awk -F'|' -v v="$victim" '{ for (f = 2; f <= 4; f++) if ($f != "" && $f != v) { print $1; exit } }' \
    "$LAB/samples")
[ -n "$took" ] && [ -n "$fenced_at" ] && [ "$took" -gt "$fenced_at" ]
ok $? "no other node held anything of $LH before the PDU powered $victim off"
# How long the address was on no node at all: from the last sample with it on the
# old node to the first with it on the new one. (For a user the outage starts at the
# cut: an unplugged node's address answers nobody.)
ip_gone=$(sample_last 2 "$victim")
ip_back=$(sample_first 2 "$new_active")
[ -n "$ip_gone" ] && [ -n "$ip_back" ] && scenario_time "address gone to back (sampled)" $((ip_back - ip_gone))
jp1_back=$(sample_first 4 "$new_active")
[ -n "$jp1_back" ] && scenario_time "cut to JP1 running elsewhere (sampled)" $((jp1_back - t_cut))

scenario_end
