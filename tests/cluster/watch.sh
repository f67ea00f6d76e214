#!/usr/bin/env bash
# Scenario: the watcher (issue 18). JP1/Base's parent process (jbs_spmd) is killed
# -9 on the active node, with JP1/Base monitored every 10 s: first five times
# without the watcher, then five times with the clone of ocf:lhost:watch running
# lhost-watchd on every node. Each run measures, from the kill, (a) how long until
# Pacemaker has recorded the failure in the CIB (lhA-base_last_failure_0, polled
# every 50 ms) and (b) how long until lhA runs again (JP1/IM - Manager, the last
# member, started anew). The kills without the watcher are spread evenly over the
# monitor's period (0, 2, 4, 6, 8 s after it restarted, plus settling): that is where
# detection waits. Both series go into the scenario table (median and worst); their
# values are not asserted: speed is tests/bench/detect's business.
#
# What is asserted, as an admin would check it: every run recovers on the same
# node with one failure counted (fail count 1: migration-threshold never moves
# the host; failures forgotten with crm_resource --cleanup between runs); without
# the watcher the failure is the monitor's; with it, the failure is the watcher's
# report (crm_resource --fail: Pacemaker records it as "asyncmon"), made once per
# kill, and its log line names the resource and the process that died; after each
# recovery the new JP1/Base is recorded for the watcher again. (Pacemaker 2.1.5 may
# count the one report twice: see failcount_once.) A planned stop (crm_resource
# --restart of JP1/Base) is reported by nobody: the agent removes its record first.
. "$(dirname "$0")/scenario.sh"
# shellcheck source=tests/cluster/lab_watch.sh
. "$(dirname "$0")/lab_watch.sh"

BASE="$LH-base"
MANAGER="$LH-manager"
RUNS=${LAB_WATCH_RUNS:-5}
# shellcheck disable=SC2034 # read by lab.sh (lab_jp1_member)
lab_base_monitor=10s

# One series: RUNS kills on $home; WITH is "with" or "without" the watcher.
# Fills detect[] and recover[] (ms), and asserts each run.
series() { # series with|without
    local i what=$1 mark
    detect=() recover=()
    for i in $(seq "$RUNS"); do
        # Without the watcher, detection depends on where in the monitor's period the
        # kill falls: the kills are spread over it. With it, it does not.
        [ "$what" = without ] && lab_watch_spread "$i" "$RUNS" 10000
        lab_mark_logs
        mark=${lab_marks[$home]}
        lab_watch_kill "$home" "$LH" "$MANAGER" 40
        ok $? "$what the watcher, run $i: kill -9 of jbs_spmd (pid ${lab_watch_killed:-none}) on $home: failure in the CIB after $(lab_secs "${lab_watch_detect_ms:-0}") s, $LH runs on $home again after $(lab_secs "${lab_watch_recover_ms:-0}") s"
        [ -n "$lab_watch_detect_ms" ] && detect+=("$lab_watch_detect_ms")
        [ -n "$lab_watch_recover_ms" ] && recover+=("$lab_watch_recover_ms")
        lab_status
        if [ "$what" = without ]; then
            is "$(lab_watch_failure "$BASE" "$home" | cut -d' ' -f1)" monitor \
                "$what the watcher, run $i: the failure Pacemaker recorded is JP1/Base's monitor's"
            is "$(lab_watch_log "$home" "$mark")" "" "$what the watcher, run $i: no lhost-watchd on $home said anything"
        else
            is "$(lab_watch_failure "$BASE" "$home")" "asyncmon 1" \
                "$what the watcher, run $i: the failure Pacemaker recorded is the watcher's report (crm_resource --fail: asyncmon, rc 1)"
            is "$(lab_watch_reports "$home" "$mark" | wc -l)" 1 "$what the watcher, run $i: the watcher reported once"
            like "$(lab_watch_reports "$home" "$mark")" \
                "lhost-watchd\[[0-9]+\]: .*$BASE on $home: jbs_spmd \(pid $lab_watch_killed\) died: failure reported to Pacemaker" \
                "$what the watcher, run $i: its log line names $BASE on $home and jbs_spmd (pid $lab_watch_killed)"
            like "$(cat "$(lab_watch_record "$home" jp1base "$BASE")" 2>/dev/null)" \
                "proc $(lab_emu_ps "$home" "$LH" | awk '$2 == "jbs_spmd" {print $1; exit}') [0-9]+ jbs_spmd" \
                "$what the watcher, run $i: the new JP1/Base's jbs_spmd is recorded for the watcher again"
        fi
        if [ "$what" = with ]; then
            is "$(since "$home" "$mark" | grep -cE "Result of (asyncmon|monitor) operation for $BASE on $home: error")" 1 \
                "$what the watcher, run $i: one failed operation of JP1/Base for the kill in $home's log (the report; no monitor failed too)"
        fi
        failcount_once "$what the watcher, run $i"
        lab_watch_cleanup "$BASE" "$home" "$LH" 30
        ok $? "$what the watcher, run $i: failures forgotten (crm_resource --cleanup), $LH settled on $home"
    done
}

# NODE's pacemaker log from line MARK on.
since() { tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")"; }

# JP1/Base's fail count on $home must be 1 after one kill. Pacemaker 2.1.5 counts one
# crm_resource --fail once or twice: the node writes the failure as the operation's
# last_0 and last_failure_0 in one CIB update, and its DC takes each for a failure
# "initiated outside of the cluster" (fixed in Pacemaker 2.1.6, ClusterLabs/pacemaker
# pull request 2947: the controller keeps the outside events of one update in a set,
# so that one is counted once). A 2 with that evidence in the DC's log (two counts of one event, one
# call id) is a known defect of Pacemaker, marked TODO; any other count fails.
failcount_once() { # failcount_once DESCRIPTION (after lab_mark_logs)
    local fc dc log counted events todo=""
    fc=$(lab_failcount "$BASE" "$home")
    if [ "$fc" = 2 ]; then
        lab_mon
        dc=$(lab_xpath "$LAB/mon.xml" "string(//current_dc/@name)")
        log=$(since "$dc" "${lab_marks[$dc]:-0}")
        counted=$(grep -c "Updating failcount for $BASE on $home after failed asyncmon" <<<"$log")
        events=$(grep -o "(${BASE}_asyncmon_0 on $home): expected 'ok' but got 'error' .*call-id=[0-9]*" <<<"$log" \
            | sed 's/.*call-id=//' | sort -u | wc -l)
        [ "$counted" = 2 ] && [ "$events" = 1 ] \
            && todo=" # TODO Pacemaker $(pacemakerd --version | head -1 | cut -d' ' -f2) counted one crm_resource --fail twice (its DC took the event's last_0 and last_failure_0 for two failures)"
    fi
    [ "$fc" = 1 ]
    ok $? "$1: JP1/Base's fail count on $home is 1 (it is $fc)$todo"
}

# Median and worst of a series in the scenario table.
times() { # times WHAT LABEL MS...
    local what=$1 label=$2 median worst
    shift 2
    read -r median worst <<<"$(lab_watch_stats "$@")" || return 0
    scenario_time "$what, $label: median" "$median"
    scenario_time "$what, $label: worst" "$worst"
}

scenario_up 3
home=$active

is "$(monitor_ms "$BASE" "$home")" 10000 "JP1/Base's recurring monitor in the CIB: every 10 s"
lab_status
is "$(lab_xpath "$LAB/status.xml" "count(//node_state[@uname='$home']//lrm_rsc_op[@id='${BASE}_monitor_10000' and @rc-code='0'])")" 1 \
    "... and it runs on $home every 10 s (${BASE}_monitor_10000, rc 0)"
like "$(tr '\n' ' ' <"$(lab_watch_record "$home" jp1base "$BASE")" 2>/dev/null)" \
    "resource $BASE.*node $home.*proc [0-9]+ [0-9]+ jbs_spmd" \
    "JP1/Base's start under Pacemaker recorded its jbs_spmd for the watcher ($(lab_watch_record "$home" jp1base "$BASE" | sed "s|$LAB/node[0-9]*||"))"

series without
without_detect=("${detect[@]}") without_recover=("${recover[@]}")

lab_watch_install
ok $? "the build's watcher installed into the lab (ocf:lhost:watch, lhost-watchd)"
lab_mark_logs
mark=${lab_marks[$home]}
lab_watch_create && lab_watch_wait 30
ok $? "the clone $LAB_WATCH_CLONE runs on every node: $(lab_watch_nodes | tr '\n' ' ')"
like "$(lab_watch_log "$home" "$mark")" "$BASE on $home: watching 1 process\(es\)" \
    "the watcher on $home holds JP1/Base's recorded process"

series with
with_detect=("${detect[@]}") with_recover=("${recover[@]}")

# A planned stop: the agent removes its record before it stops, so nothing is reported.
lab_mark_logs
mark=${lab_marks[$home]}
lab_status
old=$(lab_last_op "$BASE" "$home" | cut -d' ' -f4)
lab_exec "$home" crm_resource --restart --resource "$BASE" --timeout=60s >/dev/null 2>&1
ok $? "crm_resource --restart of $BASE on $home (a planned stop and start)"
lab_wait_group "$LH" 30
lab_status
new=$(lab_last_op "$BASE" "$home" | cut -d' ' -f4)
[ -n "$new" ] && [ "$new" != "$old" ] && [ "$lab_where" = "$home" ]
ok $? "... JP1/Base stopped and started again on $home (call id $old -> ${new:-none}), $LH runs there"
like "$(lab_watch_log "$home" "$mark")" "lhost-jp1base-$BASE\.watch: removed, no longer watched" \
    "... the watcher saw JP1/Base's record removed before the stop"
is "$(lab_watch_reports "$home" "$mark")" "" "... and reported nothing"
is "$(lab_failcount "$BASE" "$home")" 0 "... JP1/Base's fail count stays 0"
no_failed_actions "... no failed action anywhere"

times "kill to failure in CIB" "no watcher" "${without_detect[@]}"
times "kill to failure in CIB" "watcher" "${with_detect[@]}"
times "kill to $LH running" "no watcher" "${without_recover[@]}"
times "kill to $LH running" "watcher" "${with_recover[@]}"

scenario_end
