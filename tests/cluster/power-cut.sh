#!/usr/bin/env bash
# Scenario 4: the node running the logical host loses power. The logical host, all
# five members of it, must run on another node, started in order disk -> IP -> JP1/Base
# -> JP1/IM - Manager -> JP1/AJS3 - Manager (read from that node's own records, not
# assumed: the controller's log, and the emulator's log of the products' start commands
# and of when each product was ready), with the data written to the shared disk before
# the cut still there. Beside it runs a no-op resource (ocf:heartbeat:Dummy) placed with
# the logical host: the same event moves both, so the time the cluster itself needs
# (the floor) and the time the logical host needs are measured side by side.
. "$(dirname "$0")/scenario.sh"

lab_ajs_services=AJSROOT1
scenario_up 3

lab_exec 1 cibadmin --create --scope resources \
    -X '<primitive id="floor" class="ocf" provider="heartbeat" type="Dummy"/>' &&
    lab_exec 1 cibadmin --create --scope constraints \
        -X "<rsc_colocation id=\"floor-with-$LH\" rsc=\"floor\" with-rsc=\"$LH\" score=\"INFINITY\"/>"
ok $? "a no-op resource 'floor' (ocf:heartbeat:Dummy) is placed with $LH"

# Where a resource runs, started and not failed, in $LAB/mon.xml.
running_on() { # running_on RSC
    lab_xpath "$LAB/mon.xml" "string(//resource[@id='$1' and @role='Started' and @failed='false']/node/@name)"
}
t=0
while [ "$(lab_mon && running_on floor)" != "$active" ] && [ $((t += 1)) -lt 100 ]; do sleep 0.1; done
is "$(running_on floor)" "$active" "... and runs on $active with it"

# Data on the shared disk, written by the active node just before the cut.
token="written-before-the-cut-$RANDOM$RANDOM"
lab_exec "$active" sh -c "echo $token >/srv/$LH/jp1/witness && sync"
ok $? "$active writes a token to the shared disk"

dc=$(lab_xpath "$LAB/mon.xml" 'string(//current_dc/@name)')
survivors=$(others "$active")
lab_mark_logs
declare -A emarks=()
for node in $survivors; do emarks[$node]=$(lab_mark "$(lab_emu_log "$node")"); done

cut_ms=$(lab_now_ms)
lab_power_off "$active"
ok $? "power cut: every process of $active is gone$([ "$dc" = "$active" ] && echo ' (it was the DC)')"

# Poll both until the logical host runs elsewhere (or 60 s pass).
floor_ms="" lh_ms="" new=""
while [ $(($(lab_now_ms) - cut_ms)) -lt 60000 ]; do
    if lab_mon "$(echo "$survivors" | head -1)"; then
        now=$(($(lab_now_ms) - cut_ms))
        f=$(running_on floor)
        [ -z "$floor_ms" ] && [ -n "$f" ] && [ "$f" != "$active" ] && floor_ms=$now
        new=$(lab_group_node "$LH")
        [ -z "$lh_ms" ] && [ -n "$new" ] && [ "$new" != "$active" ] && lh_ms=$now
        [ -n "$floor_ms" ] && [ -n "$lh_ms" ] && break
    fi
    sleep 0.1
done
ok "$([ -n "$lh_ms" ] && echo 0 || echo 1)" "$LH runs on ${new:-no node} after the cut ($(lab_secs "${lh_ms:-0}") s)"
ok "$([ -n "$floor_ms" ] && echo 0 || echo 1)" "the no-op floor resource runs elsewhere ($(lab_secs "${floor_ms:-0}") s)"
scenario_time "power cut to floor (no-op) running" "${floor_ms:-0}"
scenario_time "power cut to $LH running" "${lh_ms:-0}"
[ -n "$lh_ms" ] && [ -n "$floor_ms" ] && scenario_time "time the logical host adds" $((lh_ms - floor_ms))

if [ -n "$new" ]; then
    lab_mon "$new"
    is "$(lab_xpath "$LAB/mon.xml" "count(//group[@id='$LH']/resource[@role='Started' and node/@name='$new'])")" 5 \
        "all five members of $LH run on $new"
    is "$(lab_ops_since "$new" "${lab_marks[$new]}" "$LH" | grep '^start' | awk '{print $2}' | tr '\n' ' ')" \
        "$MEMBERS " "$new's log: started $MEMBERS, in that order"
    is "$(lab_ops_since "$new" "${lab_marks[$new]}" "$LH" | grep -c '^stop')" 0 "... and stopped nothing of $LH"
    # The products' own record: each start command ended after the one before it, and
    # each product was ready before the next one's daemon started.
    is "$(cluster_cmds "$new" "${emarks[$new]}")" "jbs_start.cluster jco_start.cluster jajs_start.cluster" \
        "$new's emulator log: JP1/Base, JP1/IM - Manager, JP1/AJS3 - Manager started, in that order"
    base_ready=$(lab_emu_time "$new" "${emarks[$new]}" " jbs_spmd event ready$")
    im_started=$(lab_emu_time "$new" "${emarks[$new]}" " jco_spmd event started$")
    im_ready=$(lab_emu_time "$new" "${emarks[$new]}" " jco_spmd event ready$")
    ajs_started=$(lab_emu_time "$new" "${emarks[$new]}" " jajs_spmd event started$")
    [ -n "$base_ready" ] && [ -n "$im_started" ] && [ -n "$im_ready" ] && [ -n "$ajs_started" ] \
        && [ "$base_ready" -lt "$im_started" ] && [ "$im_ready" -lt "$ajs_started" ]
    ok $? "... JP1/Base was ready before JP1/IM's daemon started, JP1/IM ready before JP1/AJS3's"
    is "$(lab_exec "$new" cat "/srv/$LH/jp1/witness" 2>&1)" "$token" \
        "the token written before the cut is on the shared disk at $new"
    lab_has_ip "$new" "$VIP"
    ok $? "$new holds $VIP"
    like "$(lab_emu_ps "$new" "$LH" | awk '{print $2}' | tr '\n' ' ')" "jbs_spmd .*jco_spmd .*jcamain .*jajs_spmd .*jajs_schd" \
        "$new runs JP1/Base, JP1/IM - Manager and JP1/AJS3 - Manager of $LH"
    lab_exec "$new" env JP1_HOSTNAME="$LH" "$LAB/emu/bin/ajsstatus" -F AJSROOT1 >/dev/null
    is $? 0 "... and its scheduler service AJSROOT1 (ajsstatus -F AJSROOT1 on $new: rc 0)"
fi
no_failed_actions "no failed actions after the failover"

scenario_end
