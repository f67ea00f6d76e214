#!/usr/bin/env bash
# What Pacemaker does with each jp1im monitor result, with the settings the man page
# documents (a jp1base + jp1im group, migration-threshold=3, failure-timeout=10min).
# Each OCF code is not assumed: the real agent computes it from an injected vendor
# code, and crm_simulate (Pacemaker's own scheduler) says what follows.
. "$(dirname "$0")/lib.sh"

command -v crm_simulate >/dev/null || skip_all "crm_simulate not installed"
emu_world lhP
"$EMU" setup lhP "$world/shdsk/lhP" --imdb >/dev/null
agent_env=(
    OCF_RESKEY_logical_host=lhP OCF_RESKEY_shared_dir="$world/shdsk/lhP" OCF_RESKEY_use_imdb=true
    OCF_RESKEY_start_cmd="$EMUBIN/jco_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jco_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jco_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jco_spmd_status"
    OCF_RESKEY_dbstatus_cmd="$EMUBIN/jimdbstatus" OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_dbstatus_retry_interval=0
    OCF_RESKEY_CRM_meta_interval=60000
)
"$EMUBIN/jbs_start.cluster" lhP
agent jp1im start
is "$rc" 0 "JP1/Base and JP1/IM - Manager run on the emulator"

# ---- a two-node CIB with the logical host's group, running on node1 ----------------------
cib="$world/cib.xml"
cibadmin --empty >"$cib"
CIB_file=$cib cibadmin --create -o nodes --xml-text '<node id="1" uname="node1"/>'
CIB_file=$cib cibadmin --create -o nodes --xml-text '<node id="2" uname="node2"/>'
CIB_file=$cib crm_attribute -t crm_config -n stonith-enabled -v false
CIB_file=$cib cibadmin --create -o resources --xml-text '
<group id="lhP">
  <primitive id="lhP-base" class="ocf" provider="lhost" type="jp1base">
    <instance_attributes id="lhP-base-ia">
      <nvpair id="lhP-base-lh" name="logical_host" value="lhP"/>
      <nvpair id="lhP-base-sd" name="shared_dir" value="/shdsk/lhP"/>
    </instance_attributes>
    <operations><op id="lhP-base-mon" name="monitor" interval="30s" timeout="60s"/></operations>
  </primitive>
  <primitive id="lhP-im" class="ocf" provider="lhost" type="jp1im">
    <instance_attributes id="lhP-im-ia">
      <nvpair id="lhP-im-lh" name="logical_host" value="lhP"/>
      <nvpair id="lhP-im-sd" name="shared_dir" value="/shdsk/lhP"/>
      <nvpair id="lhP-im-db" name="use_imdb" value="true"/>
    </instance_attributes>
    <meta_attributes id="lhP-im-meta">
      <nvpair id="lhP-im-mt" name="migration-threshold" value="3"/>
      <nvpair id="lhP-im-ft" name="failure-timeout" value="10min"/>
    </meta_attributes>
    <operations><op id="lhP-im-mon" name="monitor" interval="60s" timeout="90s"/></operations>
  </primitive>
</group>'

simulate() { # simulate IN OUT [crm_simulate options]: prints the transition summary
    local in=$1 out=$2
    shift 2
    crm_simulate -q 1 -x "$in" -S -O "$out" "$@" 2>/dev/null \
        | sed -n '/Transition Summary/,/Executing/p' | grep -E '^\s+\*' | tr -s ' ' | sed 's/^ //'
}
simulate "$cib" "$world/running.xml" -u node1 -u node2 >/dev/null
[ "$(crm_simulate -x "$world/running.xml" 2>/dev/null | grep -c 'Started node1')" -eq 2 ]
ok $? "the group runs on node1 (base, then manager)"

# The real agent's monitor answer to one injected vendor answer.
monitor_rc_for() { # monitor_rc_for COMMAND TOKENS...
    inject lhP "$@"
    agent jp1im monitor
    clear_injections lhP
    echo "$rc"
}
fail() { # fail IN OUT RC: the manager's monitor returns RC on node1
    simulate "$1" "$2" -i "lhP-im_monitor_60000@node1=$3"
}

# ---- jco_spmd_status 4 (a process died): restart in place, then move ----------------------
rc=$(monitor_rc_for jco_spmd_status 4)
is "$rc" 1 "jco_spmd_status 4: the agent answers OCF_ERR_GENERIC"
t1=$(fail "$world/running.xml" "$world/f1.xml" "$rc")
is "$t1" "* Recover lhP-im ( node1 )" "1st failure: the manager restarts in place, JP1/Base stays"
t2=$(fail "$world/f1.xml" "$world/f2.xml" "$rc")
is "$t2" "* Recover lhP-im ( node1 )" "2nd failure: restarts in place again"
t3=$(fail "$world/f2.xml" "$world/f3.xml" "$rc")
like "$t3" "Move lhP-base \( node1 -> node2 \)" "3rd failure (migration-threshold=3): the logical host moves"
like "$t3" "Recover lhP-im \( node1 -> node2 \)" "... manager and base together"
# failure-timeout is not provable here: the controller, not the scheduler, clears an
# expired fail count, and crm_simulate does not play the controller. The real-cluster
# scenarios prove it.

# ---- jimdbstatus 8, 12, 16: a failure, restarted in place first -----------------------------
for code in 8 12 16; do
    rc=$(monitor_rc_for jimdbstatus "$code" "$code" "$code" "$code")
    t=$(fail "$world/running.xml" "$world/db$code.xml" "$rc")
    is "$t" "* Recover lhP-im ( node1 )" "jimdbstatus $code (OCF $rc): restart in place before failover"
done

# ---- jimdbstatus 20: this node cannot run it: move at once, no retry here -------------------
rc=$(monitor_rc_for jimdbstatus 20)
is "$rc" 5 "jimdbstatus 20: OCF_ERR_INSTALLED"
t=$(fail "$world/running.xml" "$world/db20.xml" "$rc")
like "$t" "Move lhP-base \( node1 -> node2 \)" "... the whole logical host moves at the first failure"
like "$t" "Recover lhP-im \( node1 -> node2 \)" "... without a restart on node1"

# ---- all IM processes killed (8 -> not running): recovered in place --------------------------
rc=$(monitor_rc_for jco_spmd_status 8)
is "$rc" 7 "jco_spmd_status 8 in a recurring monitor: OCF_NOT_RUNNING"
t=$(fail "$world/running.xml" "$world/stopped.xml" "$rc")
is "$t" "* Recover lhP-im ( node1 )" "... Pacemaker recovers it in place"

# ---- a configuration error: stop everywhere, JP1/Base untouched ------------------------------
agent jp1im monitor OCF_RESKEY_use_imdb=maybe
is "$rc" 6 "a bad parameter: OCF_ERR_CONFIGURED"
t=$(fail "$world/running.xml" "$world/conf.xml" "$rc")
like "$t" "Stop lhP-im \( node1 \)" "... the manager is stopped and started nowhere"
[ "$(printf '%s\n' "$t" | grep -c 'lhP-base')" -eq 0 ]
ok $? "... JP1/Base keeps running"

# ---- JP1/Base fails: the manager stops before the base restarts -------------------------------
inject lhP jbs_spmd_status 4
agent jp1base monitor OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
clear_injections lhP
t=$(simulate "$world/running.xml" "$world/base.xml" -i "lhP-base_monitor_30000@node1=$rc")
like "$t" "Recover lhP-base \( node1 \)" "JP1/Base failure (OCF $rc): the base recovers in place"
like "$t" "Restart lhP-im \( node1 \) due to required lhP-base start" "... and the manager restarts after it"

agent jp1im stop
"$EMUBIN/jbs_stop.cluster" lhP
"$EMUBIN/jbs_killall.cluster" lhP
finish
