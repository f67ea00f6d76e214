# tests/cluster/lab_ctm.sh - Control-M CTMPLEX in the lab: the promotable clone of
# ocf:lhost:ctmplex on the Control-M emulator (tests/emulators/README.ctm).
#
# Opt-in, as lab.sh's IWS plumbing: a scenario sources this after lab.sh, sets lab_ctm=1
# before lab_up (lab_install then copies the agent and ctmemu into the lab, and the
# nodes' pacemaker, so every agent and the monitors they start, runs with lab_ctm_env's
# variables), then calls lab_ctm_setup and lab_ctm_cib. Each node has an installation
# of its own (ctm_home) at $LAB_CTM_HOME, on the node's private /var/opt (the host sees
# it as $LAB/nodeN/opt/controlm); every node sees the one CF directory $LAB/ctm-cf (the
# Coupling Facility and the sysplex). Node N is member CTMN, of priority $LAB_CTM_PRIO
# (node1 300, node2 200, node3 100): CTM1 the Global.
# shellcheck shell=bash

LAB_CTM_HOME=/var/opt/controlm
LAB_CTM_RECOVERT=${LAB_CTM_RECOVERT:-3}
LAB_CTM_RECOVERM=${LAB_CTM_RECOVERM:-3}

lab_ctm_env() { # the emulator's settings, NAME=VALUE lines
    # Control-M's own takeover off: the cluster promotes (ctmplex(7), THE MODEL).
    printf 'CTMEMU_TIME_SCALE=%s\nCTMEMU_TAKEOVER=0\n' "$LAB_TIME_SCALE"
}

lab_ctm_prio() { echo $((400 - 100 * ${1#node})); } # node N's priority: 300, 200, 100
lab_ctm_member() { echo "CTM${1#node}"; }            # node N's member name
lab_ctm_cf() { echo "$LAB/ctm-cf"; }                 # the CF directory (every node's)
lab_ctm_dir() { echo "$LAB/node${1#node}/opt/controlm"; } # its ctm_home, host side
lab_ctm_log() { echo "$(lab_ctm_dir "$1")/emu/log"; }    # its emulator's log
lab_ctm_bin() { echo "$LAB_CTM_HOME/ctm_server/exe/$1"; } # a product command, node side

# Runs a command on a node as lab_exec does, with the emulator's settings too (the
# environment pacemaker gives its agents). NAME=VALUE words first override them.
lab_ctm_exec() { # lab_ctm_exec NODE [NAME=VALUE...] COMMAND...
    local node=$1
    shift
    # shellcheck disable=SC2046
    lab_exec "$node" env $(lab_ctm_env) "$@"
}

# The CF fails (ctmemu cf fail K|never) or is repaired (ctmemu cf restore): from any
# installation, here node1's binary on the host with $CTMEMU_CF.
lab_ctm_cf_cmd() { CTMEMU_CF=$(lab_ctm_cf) "$LAB/emu/ctmemu" cf "$@"; }

# Installs Control-M on every node (each its own copy of ctmemu on its own /var/opt:
# setup hard-links the binary it runs as, and a link cannot cross mounts).
lab_ctm_setup() {
    local n
    mkdir -p "$(lab_ctm_cf)"
    for n in $(seq "$LAB_NODES"); do
        install -m 755 "$LAB/emu/ctmemu" "$LAB/node$n/opt/ctmemu"
        lab_ctm_exec "$n" /var/opt/ctmemu setup "$LAB_CTM_HOME" "$(lab_ctm_member "$n")" \
            "$(lab_ctm_cf)" --priority "$(lab_ctm_prio "$n")" >/dev/null || return 1
    done
}

# The resource's parameters on NODE, NAME=VALUE lines (what lab_ctm_cib writes).
lab_ctm_params() { # lab_ctm_params NODE
    printf 'ctm_home=%s\npriority=%s\nrecovert=%s\nrecoverm=%s\ncommand_timeout=20\n' \
        "$LAB_CTM_HOME" "$(lab_ctm_prio "$1")" "$LAB_CTM_RECOVERT" "$LAB_CTM_RECOVERM"
}

# The promotable clone ctm-clone of primitive ctm (ocf:lhost:ctmplex), loaded into the
# CIB. One priority per node: an instance-attribute set per node, chosen by #uname.
lab_ctm_cib() {
    local n
    {
        cat <<XML
<clone id="ctm-clone">
  <meta_attributes id="ctm-clone-meta">
    <nvpair id="ctm-clone-promotable" name="promotable" value="true"/>
    <nvpair id="ctm-clone-notify" name="notify" value="true"/>
    <nvpair id="ctm-clone-promoted-max" name="promoted-max" value="1"/>
    <nvpair id="ctm-clone-promoted-node-max" name="promoted-node-max" value="1"/>
  </meta_attributes>
  <primitive id="ctm" class="ocf" provider="lhost" type="ctmplex">
    <instance_attributes id="ctm-ia">
      <nvpair id="ctm-ctm_home" name="ctm_home" value="$LAB_CTM_HOME"/>
      <nvpair id="ctm-recovert" name="recovert" value="$LAB_CTM_RECOVERT"/>
      <nvpair id="ctm-recoverm" name="recoverm" value="$LAB_CTM_RECOVERM"/>
      <nvpair id="ctm-command_timeout" name="command_timeout" value="20"/>
    </instance_attributes>
XML
        for n in $(seq "$LAB_NODES"); do
            cat <<XML
    <instance_attributes id="ctm-ia-node$n" score="$((10 + n))">
      <rule id="ctm-ia-node$n-rule" score="0">
        <expression id="ctm-ia-node$n-expr" attribute="#uname" operation="eq" value="node$n"/>
      </rule>
      <nvpair id="ctm-priority-node$n" name="priority" value="$(lab_ctm_prio "$n")"/>
    </instance_attributes>
XML
        done
        cat <<XML
    <operations>
      <op id="ctm-monitor-promoted" name="monitor" role="Promoted" interval="2s" timeout="30s"/>
      <op id="ctm-monitor-unpromoted" name="monitor" role="Unpromoted" interval="3s" timeout="30s"/>
      <op id="ctm-start" name="start" interval="0s" timeout="60s"/>
      <op id="ctm-stop" name="stop" interval="0s" timeout="60s"/>
      <op id="ctm-promote" name="promote" interval="0s" timeout="60s"/>
      <op id="ctm-demote" name="demote" interval="0s" timeout="60s"/>
      <op id="ctm-notify" name="notify" interval="0s" timeout="20s"/>
    </operations>
  </primitive>
</clone>
XML
    } >"$LAB/ctm.xml"
    lab_exec 1 cibadmin --create --scope resources --xml-file "$LAB/ctm.xml"
}

# The agent's action by hand on NODE, with the resource's parameters (as ctmplex(7)
# documents for startplex): its output, its exit status.
lab_ctm_agent() { # lab_ctm_agent NODE ACTION
    local p args=()
    while read -r p; do args+=("OCF_RESKEY_$p"); done < <(lab_ctm_params "$1")
    lab_ctm_exec "$1" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=ctm OCF_RESOURCE_TYPE=ctmplex \
        OCF_RESOURCE_PROVIDER=lhost "${args[@]}" /usr/lib/ocf/resource.d/lhost/ctmplex "$2"
}

# ---- what the cluster and Control-M say ---------------------------------------------------
# crm_mon with the nodes' attributes, into $LAB/mon.xml; a node's attribute in it.
lab_ctm_mon() { lab_exec "$(lab_live_nodes | head -1)" crm_mon -1 -A --output-as=xml >"$LAB/mon.xml" 2>/dev/null; }
lab_ctm_attr() { # lab_ctm_attr NODE NAME
    lab_xpath "$LAB/mon.xml" "string(//node_attributes/node[@name='$1']/attribute[@name='$2']/@value)"
}

# The nodes where the clone runs in ROLE (Promoted, Unpromoted), not failed, one a line.
lab_ctm_nodes() { # lab_ctm_nodes ROLE
    lab_xpath "$LAB/mon.xml" "//clone[@id='ctm-clone']/resource[@role='$1' and @failed='false']/node/@name" \
        | sed 's/ *name="\([^"]*\)"/\1\n/g' | sed '/^$/d' | sort
}

# NODE's monitor as its status command says (exit code -> role); reads only.
lab_ctm_role() { # lab_ctm_role NODE
    lab_ctm_exec "$1" "$(lab_ctm_bin status_ctm)" >/dev/null 2>&1
    case $? in
        0) echo global ;; 11) echo local ;; 12) echo standalone ;; 13) echo paused ;;
        14) echo down ;; 15) echo shut ;; 125) echo unreachable ;; *) echo "error:$?" ;;
    esac
}

# Is NODE's monitor process (p_ctmsu) running? ctmemu ps, inside the node.
lab_ctm_ps() { lab_ctm_exec "$1" "$(lab_ctm_bin ctmemu)" ps 2>/dev/null | grep -q ' p_ctmsu '; }

# "EPOCH_MS RESULT" of each result of ctm's recurring monitor NODE's controller logged
# (it logs each change: ok, OCF_DEGRADED, promoted, promoted (degraded), not running...),
# from line MARK of its log on. (The CIB keeps a degraded result as ctm_last_failure_0
# and leaves ctm_monitor_N as it was: the log is where a return to ok shows.)
lab_ctm_monitor_results() { # lab_ctm_monitor_results NODE [MARK]
    tail -n +"$((${2:-0} + 1))" "$(lab_pacemaker_log "$1")" \
        | sed -n "s/^\([A-Z][a-z]* [0-9]* [0-9:.]*\) .*Result of monitor operation for ctm on $1: \([^|(]*[^|( ]\( (degraded)\)\{0,1\}\).*key=ctm_monitor_[1-9].*/\1|\2/p" \
        | grep -v '|Cancelled$' | while IFS='|' read -r when what; do echo "$(date -d "$when" +%s%3N) $what"; done
}
# The newest of them, RESULT only ("" if none).
lab_ctm_monitor_rc() { lab_ctm_monitor_results "$1" | tail -1 | cut -d' ' -f2-; }

# Operations NODE's controller recorded as done for ctm, from line MARK of its log on:
# "ACTION RC-TEXT" one a line (monitors, probes and notifications left out unless ALL
# is given: they change nothing).
lab_ctm_ops_since() { # lab_ctm_ops_since NODE MARK [all]
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" \
        | sed -n "s/.*Result of \([a-z]*\) operation for ctm on $1: \([^|(]*\).*/\1 \2/p" \
        | sed 's/ *$//' | { [ "${3:-}" = all ] && cat || grep -v '^monitor\|^notify\|^probe'; }
}

# The agent's own lines (ctmplex) in NODE's pacemaker log after line MARK.
lab_ctm_agent_lines() { # lab_ctm_agent_lines NODE MARK
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" | grep -E ' ctmplex\([^)]*\)\[[0-9]+\]:'
}

# Settled on NODE: the clone promoted there only and unpromoted on every other live node,
# no failed instance; NODE's monitor Global (status_ctm), every other live node's Local;
# the last monitor results its controller logged: promoted on NODE, ok elsewhere. 1 with the first thing that
# is not so in $lab_ctm_why.
lab_ctm_settled() { # lab_ctm_settled NODE
    local n want others role rc
    lab_ctm_why=""
    lab_ctm_mon || { lab_ctm_why="crm_mon failed"; return 1; }
    [ "$(lab_ctm_nodes Promoted | tr '\n' ' ')" = "$1 " ] \
        || { lab_ctm_why="promoted: '$(lab_ctm_nodes Promoted | tr '\n' ' ')'"; return 1; }
    others=$(lab_ctm_nodes Unpromoted | tr '\n' ' ')
    [ "$others" = "$(lab_live_nodes | grep -vx "$1" | sort | tr '\n' ' ')" ] \
        || { lab_ctm_why="unpromoted: '$others'"; return 1; }
    [ "$(lab_xpath "$LAB/mon.xml" "count(//clone[@id='ctm-clone']/resource[@failed='true'])")" = 0 ] \
        || { lab_ctm_why="an instance failed"; return 1; }
    for n in $(lab_live_nodes); do
        want=local rc=ok
        [ "$n" = "$1" ] && want=global rc=promoted
        role=$(lab_ctm_role "$n")
        [ "$role" = "$want" ] || { lab_ctm_why="$n's monitor: $role"; return 1; }
        [ "$(lab_ctm_monitor_rc "$n")" = "$rc" ] \
            || { lab_ctm_why="$n's last monitor: rc '$(lab_ctm_monitor_rc "$n")'"; return 1; }
    done
}

# Waits until settled on NODE or SECONDS pass; sets lab_ctm_settled_ms (when it held).
lab_ctm_wait_settled() { # lab_ctm_wait_settled NODE SECONDS
    local deadline=$(($(lab_now_ms) + $2 * 1000))
    lab_ctm_settled_ms=""
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        lab_ctm_settled "$1" && { lab_ctm_settled_ms=$(lab_now_ms); return 0; }
        sleep 0.2
    done
    return 1
}
