#!/usr/bin/env bash
# Scenario 4: the node running the logical host loses power. The logical host, all
# five members of it, must run on another node, started in order disk -> IP -> JP1/Base
# -> JP1/IM - Manager -> JP1/AJS3 - Manager (read from that node's own records, not
# assumed: the controller's log, and the emulator's log of the products' start commands
# and of when each product was ready), with the data written to the shared disk before
# the cut still there. The nodes' journals, the powered-off node's included, merge
# COMPLETE at the teardown, and the merged timeline tells the takeover as the
# controller's log does (scenario_after_down). Beside it runs a no-op resource (ocf:heartbeat:Dummy) placed with
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

pcmk_starts=""
if [ -n "$new" ]; then
    # "EPOCH_MS RESOURCE" of each start $new's controller recorded as done, in order:
    # kept for scenario_after_down (the log goes with the lab).
    pcmk_starts=$(tail -n +"$((lab_marks[$new] + 1))" "$(lab_pacemaker_log "$new")" \
        | sed -n "s/^\([A-Z][a-z]* [0-9]* [0-9:.]*\) .*Result of start operation for \($LH-[a-z0-9_]*\) on $new: ok .*/\1|\2/p" \
        | while IFS='|' read -r when rsc; do echo "$(date -d "$when" +%s%3N) $rsc"; done)
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

# The journals, merged by the teardown (lab_journals) once every node was down: the
# powered-off node's files read from the lab's directory of it, the others' whole.
scenario_after_down() {
    local merged="$top_builddir/tests/cluster/$scenario_name.merged.lhj" actions takeover last chain m
    is "$lab_merge_rc" 0 "the nodes' journals merge COMPLETE (lhost journal merge: exit 0)"
    [ "$lab_merge_rc" = 0 ] || printf '%s\n' "$lab_merge_said" | sed 's/^/#   /'
    like "$(tail -1 "$merged" 2>/dev/null)" "^LHJ1 [0-9]+ [^ ]+ - merge status=COMPLETE nodes=3 " \
        "... its merge record: COMPLETE, 3 nodes"
    like "$(grep " - summary node=$active " "$merged" 2>/dev/null)" " closed=no status=COMPLETE why=reaches-open-file " \
        "... $active, powered off mid-flight, among them: its last file still open, nothing lost"
    [ -n "$new" ] || return 0
    actions=$(lab_journal_actions "$merged")
    # $new had never run lhA: every start of it there is the takeover's.
    takeover=$(awk -v n="$new" -v lh="$LH-" '$3 == n && $5 == "start" && index($4, lh) == 1' <<<"$actions")
    is "$(awk '{printf "%s:%s ", $4, $6}' <<<"$takeover")" \
        "$LH-base:OCF_SUCCESS $LH-manager:OCF_SUCCESS $LH-ajs:OCF_SUCCESS " \
        "merged journal: $new started JP1/Base, JP1/IM - Manager, JP1/AJS3 - Manager, in that order, each successfully"
    is "$(awk -v a="$active" -v lh="$LH-" '$3 == a && $5 == "start" && index($4, lh) == 1 {printf "%s ", $4}' <<<"$actions")" \
        "$LH-base $LH-manager $LH-ajs " "... and holds $active's records too: its own starts of them, before the cut"
    last=$(awk -v a="$active" '$4 == a {t = $3} END {print t}' "$merged")
    awk -v last="$last" 'BEGIN {prev = last} $1 <= prev {exit 1} $2 < $1 {exit 1} {prev = $2}' <<<"$takeover" \
        && [ -n "$last" ] && [ -n "$takeover" ]
    ok $? "... each start began after the one before it ended, the first after $active's last record ($last)"
    # The controller's log and the journal, on one clock: disk and IP are Pacemaker's
    # alone; each JP1 member's start began after the controller recorded the member
    # before it, and its result came before the controller recorded it. The controller's
    # times are libqb's log stamps, from the coarse clock: up to one tick (4 ms here,
    # 10 at most) behind, so a controller's time may be that much before the result
    # it records, never after what follows it.
    chain=$({
        for m in disk ip; do echo "controller:$m $(awk -v r="$LH-$m" '$2 == r {print $1}' <<<"$pcmk_starts")"; done
        for m in base manager ajs; do
            awk -v r="$LH-$m" -v m="$m" '$4 == r {print "began:" m, $1; print "ended:" m, $2}' <<<"$takeover" \
                | while read -r label when; do echo "$label $(date -d "$when" +%s%3N)"; done
            echo "controller:$m $(awk -v r="$LH-$m" '$2 == r {print $1}' <<<"$pcmk_starts")"
        done
    })
    echo "# takeover, ms after the controller's disk start: $(awk 'NR == 1 {t0 = $2} {printf "%s=%s ", $1, $2 - t0}' <<<"$chain")"
    chain=$(awk 'NF != 2 || $2 + ($1 ~ /^controller:/ ? 10 : 0) < prev {bad = 1}
                 {printf "%s%s", (NR > 1 ? " <= " : ""), $1; prev = $2}
                 END {if (bad || NR != 11) printf " (out of order or missing)"}' <<<"$chain")
    is "$chain" "controller:disk <= controller:ip <= began:base <= ended:base <= controller:base <= began:manager <= ended:manager <= controller:manager <= began:ajs <= ended:ajs <= controller:ajs" \
        "... in the order Pacemaker ran the failover: the controller's log and the merged journal interleave so, on one clock"
}

scenario_end
