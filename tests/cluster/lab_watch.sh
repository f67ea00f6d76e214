# tests/cluster/lab_watch.sh - the watcher (ocf:lhost:watch, lhost-watchd) in the lab,
# and the measure of one kill: how long until Pacemaker records the failure, and until
# the logical host runs again. Shared by tests/cluster/watch.sh, tests/bench/detect
# and the demo (tests/demo/cluster-demo).
#
# Sourced after lab.sh. A caller sets lab_base_monitor (JP1/Base's monitor interval)
# before lab_logical_host, and after lab_up calls lab_watch_install; the clone
# (lab_watch_create) can come and go while the lab runs. The agents keep their
# records in HA_RSCTMP, which in a node is its own /run/resource-agents (lab_boot
# makes it; the host sees it as $LAB/nodeN/run/resource-agents); the watcher logs
# into the node's pacemaker log, as the agents do (HA_LOGFILE).
# shellcheck shell=bash

LAB_WATCH_RSC=lhost-watch
LAB_WATCH_CLONE=lhost-watch-clone
LAB_WATCH_DIR=/run/resource-agents # the records, node side

# Does the build have the watcher (its agent and its daemon)?
lab_watch_built() { [ -x "$1/heartbeat/watch" ] && [ -x "$1/agents/lhost-watchd" ]; }

# The agent beside the lab's other lhost agents (every node sees it at once), the
# daemon in $LAB/watch, where the clone's watchd parameter points.
lab_watch_install() {
    lab_watch_built "$LAB_BUILD" || return 1
    install -m 755 "$LAB_BUILD/heartbeat/watch" "$LAB/ocf/lhost/"
    mkdir -p "$LAB/watch"
    install -m 755 "$LAB_BUILD/agents/lhost-watchd" "$LAB/watch/"
}

# The clone lhost-watch-clone, one watcher a node, loaded into the CIB.
lab_watch_create() {
    cat >"$LAB/watch.xml" <<XML
<clone id="$LAB_WATCH_CLONE">
  <meta_attributes id="$LAB_WATCH_CLONE-meta">
    <nvpair id="$LAB_WATCH_CLONE-interleave" name="interleave" value="true"/>
  </meta_attributes>
  <primitive id="$LAB_WATCH_RSC" class="ocf" provider="lhost" type="watch">
    <instance_attributes id="$LAB_WATCH_RSC-ia">
      <nvpair id="$LAB_WATCH_RSC-watchd" name="watchd" value="$LAB/watch/lhost-watchd"/>
      <nvpair id="$LAB_WATCH_RSC-record_dir" name="record_dir" value="$LAB_WATCH_DIR"/>
    </instance_attributes>
    <operations>
      <op id="$LAB_WATCH_RSC-start" name="start" interval="0s" timeout="20s"/>
      <op id="$LAB_WATCH_RSC-stop" name="stop" interval="0s" timeout="20s"/>
      <op id="$LAB_WATCH_RSC-monitor" name="monitor" interval="10s" timeout="20s"/>
    </operations>
  </primitive>
</clone>
XML
    lab_exec "$(lab_live_nodes | head -1)" cibadmin --create --scope resources --xml-file "$LAB/watch.xml"
}

# The nodes where the clone runs (started, not failed), as crm_mon shows them
# ($LAB/mon.xml), sorted, one a line.
lab_watch_nodes() {
    lab_xpath "$LAB/mon.xml" \
        "//clone[@id='$LAB_WATCH_CLONE']/resource[@role='Started' and @failed='false']/node/@name" \
        | sed 's/ *name="\([^"]*\)"/\1\n/g' | sed '/^$/d' | sort
}

# Waits until the clone runs on every live node; 1 at the deadline.
lab_watch_wait() { # lab_watch_wait SECONDS
    local deadline=$(($(lab_now_ms) + $1 * 1000))
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        lab_mon && [ "$(lab_watch_nodes)" = "$(lab_live_nodes | sort)" ] && return 0
        sleep 0.2
    done
    return 1
}

# A record of RSC (agent AGENT) on NODE, host side; does it exist?
lab_watch_record() { echo "$LAB/node${1#node}/run/resource-agents/lhost-$2-$3.watch"; } # NODE AGENT RSC
lab_watch_has_record() { [ -f "$(lab_watch_record "$@")" ]; }

# The watcher's lines in NODE's pacemaker log from line MARK on.
lab_watch_log() { # lab_watch_log NODE MARK
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" | grep -F ' lhost-watchd[' || true
}

# Its reports among them: "RSC on NODE: NAME (pid N) died: failure reported ...".
lab_watch_reports() { lab_watch_log "$@" | grep -F ': failure reported to Pacemaker' || true; }

# RSC's last failure on NODE as NODE's copy of the CIB has it: its lrm_rsc_op
# RSC_last_failure_0 (whatever reported it: a monitor, or the watcher's
# crm_resource --fail), as XML; empty when none. A new failure rewrites it (its call
# id, transition key, times); crm_resource --cleanup may leave the old one in place
# (the controller writes its cached history back with the re-probe), so a failure is
# "new" when this changed, never merely when it exists.
lab_watch_failure_xml() { # lab_watch_failure_xml RSC NODE
    lab_exec "$2" cibadmin -Q --scope status --no-children \
        --xpath "//node_state[@uname='$2']//lrm_resource[@id='$1']/lrm_rsc_op[@id='$1_last_failure_0']" \
        2>/dev/null
}

# The operation Pacemaker recorded as RSC's failure on NODE ("monitor", or "asyncmon"
# when crm_resource --fail reported it) and its rc-code: "OPERATION RC".
lab_watch_failure() { # lab_watch_failure RSC NODE (reads $LAB/status.xml)
    local op="//node_state[@uname='$2']//lrm_resource[@id='$1']/lrm_rsc_op[@id='$1_last_failure_0']"
    printf '%s %s\n' "$(lab_xpath "$LAB/status.xml" "string($op/@operation)")" \
        "$(lab_xpath "$LAB/status.xml" "string($op/@rc-code)")"
}

# The call id of RSC's last successful start on NODE; the group G runs there, not
# failed, with every member of it started since the call id OLD of member LAST.
lab_watch_recovered() { # lab_watch_recovered G LAST NODE OLD
    local op interval rc call
    lab_status || return 1
    read -r op interval rc call <<<"$(lab_last_op "$2" "$3")"
    [ "$op/$interval/$rc" = start/0/0 ] && [ "$call" != "$4" ] && lab_mon \
        && [ "$(lab_group_node "$1")" = "$3" ]
}

# Kills -9 JP1/Base's parent (jbs_spmd) of logical host LH on NODE, then measures:
# lab_watch_detect_ms, from the kill to the failure of LH-base in NODE's CIB (polled
# every 50 ms), and lab_watch_recover_ms, from the kill to LH running again on NODE
# (the last member, LAST, started anew). lab_watch_killed: the pid killed. 1 (the
# figures left empty) when the kill failed or either did not happen within SECONDS.
# shellcheck disable=SC2034 # its figures are for the caller
lab_watch_kill() { # lab_watch_kill NODE LH LAST SECONDS
    local node=$1 lh=$2 last=$3 old before now t0 deadline
    lab_watch_detect_ms="" lab_watch_recover_ms=""
    lab_status
    old=$(lab_last_op "$last" "$node" | cut -d' ' -f4)
    before=$(lab_watch_failure_xml "$lh-base" "$node")
    t0=$(lab_now_ms)
    lab_watch_killed=$(lab_kill_process "$node" "$lh" jbs_spmd) || return 1
    deadline=$((t0 + $4 * 1000))
    while :; do
        now=$(lab_watch_failure_xml "$lh-base" "$node")
        [ -n "$now" ] && [ "$now" != "$before" ] && break
        [ "$(lab_now_ms)" -lt "$deadline" ] || return 1
        sleep 0.05
    done
    lab_watch_detect_ms=$(($(lab_now_ms) - t0))
    until lab_watch_recovered "$lh" "$last" "$node" "$old"; do
        [ "$(lab_now_ms)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
    lab_watch_recover_ms=$(($(lab_now_ms) - t0))
}

# Forgets RSC's failures (crm_resource --cleanup) and waits until the cluster has
# settled (crm_resource --wait), LH runs on NODE and RSC has no fail count there.
lab_watch_cleanup() { # lab_watch_cleanup RSC NODE LH SECONDS
    local deadline=$(($(lab_now_ms) + $4 * 1000))
    lab_exec "$2" crm_resource --cleanup --resource "$1" >/dev/null 2>&1
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        if [ "$(lab_failcount "$1" "$2")" = 0 ] \
            && lab_exec "$2" crm_resource --wait --timeout=10s >/dev/null 2>&1 \
            && lab_mon && [ "$(lab_group_node "$3")" = "$2" ]; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# Waits so that the I-th of N kills (from 1) falls I-1 Nths of a monitor interval
# (INTERVAL_MS) later in the monitor's period than the first: the kills of a series
# spread evenly over the interval, as failures do, and not all just after the monitor
# restarted (it restarts with every cleanup).
lab_watch_spread() { # lab_watch_spread I N INTERVAL_MS
    local ms=$((($1 - 1) * $3 / $2))
    sleep "$(lab_secs "$ms")"
}

# Median and worst (max) of the numbers (ms) given, as "MEDIAN WORST"; the median of
# an even count is the mean of the middle two.
lab_watch_stats() { # lab_watch_stats MS...
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR == 0) exit 1
              m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
              print m, v[NR] }'
}
