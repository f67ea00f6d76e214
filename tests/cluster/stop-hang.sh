#!/usr/bin/env bash
# Scenario: a hung stop command during a planned switchover, with fencing armed.
#
# JP1/IM - Manager's jco_stop.cluster can hang (a stuck event flow, a full disk). With
# stonith-enabled, a stop that fails or times out gets the node fenced: a planned
# move would turn into a power cut of the active node. The jp1im agent must prevent
# that: it gives the stop command a share of the stop timeout, then always runs the
# forced termination (jco_killall.cluster) and verifies, so the stop still succeeds
# inside its timeout. Proved here on a 3-node cluster whose PDU really powers a
# fenced node off: the manager's stop ends 0 within its timeout (CIB operation
# history), the emulator log shows the hang and the forced termination, nobody was
# fenced (PDU log, fence history, the old node still up and online), and the
# logical host runs on the requested node with no failed action.
. "$(dirname "$0")/scenario.sh"

# A short stop timeout, so that the hang is cut short quickly; long enough for the
# agent's share for the stop command, the forced termination and the verification.
lab_manager_extra='op.stop.timeout = 20s'

# "20s", "2min", "1500ms", "20" (seconds) -> milliseconds, as Pacemaker reads them.
to_ms() {
    case $1 in
    *ms) echo "${1%ms}" ;;
    *min) echo $((${1%min} * 60000)) ;;
    *s) echo $((${1%s} * 1000)) ;;
    *) echo $(($1 * 1000)) ;;
    esac
}

scenario_up 3 fencing
target=$(others "$active" | head -1)

# The configured timeout, read back from the CIB as Pacemaker will use it.
stop_timeout=$(lab_exec "$active" cibadmin -Q --scope resources \
    --xpath "//primitive[@id='$LH-manager']/operations/op[@name='stop']" 2>/dev/null \
    | sed -n 's/.* timeout="\([^"]*\)".*/\1/p' | head -1)
is "$stop_timeout" "${lab_manager_extra#*= }" "the manager's stop timeout in the CIB is the one the definition asked for"
stop_timeout_ms=$(to_ms "${stop_timeout:-0}")

# The manager's next jco_stop.cluster on the active node sleeps until killed.
lab_inject "$active" "$LH" jco_stop.cluster hang
emu_mark=$(lab_mark "$(lab_emu_log "$active")")
log_mark=$(lab_mark "$(lab_pacemaker_log "$active")")
target_mark=$(lab_mark "$(lab_pacemaker_log "$target")")

t0=$(lab_now_ms)
# Admin commands from the target: it stays up whatever happens to the old node.
lab_exec "$target" crm_resource --move -r "$LH" -N "$target" >/dev/null 2>&1
ok $? "crm_resource --move -r $LH -N $target (planned switchover from $active)"
# While the switchover waits: the stop command is hung on the old node. This also
# proves the pattern that later finds nothing left does find the command.
hung_re='^[^ ]*jco_stop[.]cluster ' # argv[0] is the command: never the shell asking
for _ in $(seq 150); do
    [ -n "$(lab_emu_time "$active" "$emu_mark" " jco_stop\.cluster $LH -> hang")" ] && break
    sleep 0.1
done
like "$(lab_exec "$active" pgrep -af "$hung_re")" "jco_stop\.cluster $LH" \
    "during the switchover, jco_stop.cluster $LH hangs on $active"
# Bound: the stop timeout covers the manager's stop; the other members and the
# starts take a few seconds more.
lab_wait_group "$LH" $((stop_timeout_ms / 1000 + 40)) "$active"
switch_ms=$(($(lab_now_ms) - t0))
is "$lab_where" "$target" "$LH runs on $target after the move"
scenario_time "switchover, stop hung+forced" "$switch_ms"
lab_exec "$target" crm_resource --clear -r "$LH" >/dev/null 2>&1
ok $? "crm_resource --clear -r $LH (the move's constraint removed)"

# The manager's stop as the cluster recorded it: the last operation on the old node.
lab_status
is "$(lab_op_attr "$LH-manager" "$active" operation) rc=$(lab_op_attr "$LH-manager" "$active" rc-code)" \
    "stop rc=0" "the manager's last operation on $active is a stop that succeeded (rc 0)"
exec_ms=$(lab_op_attr "$LH-manager" "$active" exec-time)
[ -n "$exec_ms" ] && [ "$exec_ms" -lt "$stop_timeout_ms" ]
ok $? "... and it took ${exec_ms:-?} ms, within its ${stop_timeout_ms} ms timeout"
# Proof that the stop did wait for the hung command (the agent's share is 60% of
# what is left) instead of a stop that never met the hang.
[ -n "$exec_ms" ] && [ "$exec_ms" -ge $((stop_timeout_ms / 2)) ]
ok $? "... and over half the timeout: it waited for the hung stop command first"
scenario_time "manager stop (hung, forced)" "${exec_ms:-0}"

# What ran on the old node, from the emulator's own log.
hang_at=$(lab_emu_time "$active" "$emu_mark" " jco_stop\.cluster $LH -> hang \(injected\)")
kill_at=$(lab_emu_time "$active" "$emu_mark" " jco_killall\.cluster $LH -> rc 0")
[ -n "$hang_at" ]
ok $? "emulator log on $active: jco_stop.cluster $LH hung"
[ -n "$kill_at" ] && [ -n "$hang_at" ] && [ "$kill_at" -gt "$hang_at" ]
ok $? "emulator log on $active: then jco_killall.cluster $LH ran and ended 0"
if [ -n "$kill_at" ] && [ -n "$hang_at" ]; then
    scenario_time "stop hung until forced kill end" $(((kill_at - hang_at) / 1000000))
fi
# What the agent told the admin, in the node's log (HA_LOGFILE is pacemaker's).
like "$(tail -n +"$((log_mark + 1))" "$(lab_pacemaker_log "$active")" | grep -F "jp1im($LH-manager)")" \
    "jco_stop\.cluster $LH timed out after [0-9]+ ms and was killed" \
    "the agent logged on $active that it killed the hung stop command at its share"
# Asked of the running node (a powered-off one would leave nothing, for the wrong reason).
left=$(lab_exec "$active" sh -c "pgrep -af '$hung_re'; $LAB/emu/jp1emu ps $LH" 2>&1)
ok $? "$active answers what runs there"
is "$left" "" "no hung jco_stop.cluster and no JP1 process of $LH is left on $active"

# The whole switchover, from the controllers' logs: a clean stop, then a clean start.
is "$(lab_ops_since "$active" "$log_mark" "$LH" | tr '\n' ' ')" \
    "$(for r in $REVERSED; do printf 'stop %s ' "$r"; done)" \
    "$active stopped the four members once each, in reverse order"
is "$(lab_ops_since "$target" "$target_mark" "$LH" | tr '\n' ' ')" \
    "$(for r in $MEMBERS; do printf 'start %s ' "$r"; done)" \
    "$target started the four members once each, in order"

# Nobody was fenced: not by the PDU, not in the cluster's fence history.
is "$(cat "$LAB/pdu/fenced" 2>/dev/null)" "" "the PDU powered no node off"
history=$(lab_exec "$target" stonith_admin --history '*' --output-as=xml 2>/dev/null)
ok $? "stonith_admin --history '*' answers on $target"
is "$(printf '%s' "$history" | xmllint --xpath 'count(//fence_event)' - 2>/dev/null)" 0 \
    "the cluster's fence history is empty"
lab_node_alive "$active"
ok $? "$active is still powered on"
lab_mon "$target"
is "$(lab_xpath "$LAB/mon.xml" "string(//nodes/node[@name='$active']/@online)")/$(lab_xpath \
    "$LAB/mon.xml" "string(//nodes/node[@name='$active']/@unclean)")" "true/false" \
    "$active is online and clean in the cluster"
is "$(lab_failcount "$LH-manager" "$active")" 0 "the manager has no fail count on $active"
no_failed_actions "crm_mon lists no failed actions"

# Still there after the move's constraint went away: stickiness, no move back.
lab_wait_group "$LH" 10
is "$lab_where" "$target" "$LH stays on $target after --clear"

scenario_end
