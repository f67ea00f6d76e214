# tests/cluster/lab.sh - a real Pacemaker/Corosync cluster of N nodes on this machine.
#
# Each node is a process tree in namespaces of its own: a network namespace with
# one interface (lan0) plugged into a bridge that lives in a "switch" namespace,
# and PID, mount, UTS and IPC namespaces whose PID 1 is tests/cluster/node-init.
# Nothing touches the host's own network or mount table: the only host-wide things
# the lab makes are its namespaces' names, one loop device per shared disk and its
# directory, and lab_down removes them all; and, when the host has none, the directory
# /var/lib/lhost, made and left as the mount point each node binds its own over.
#
# Sourced by the cluster scenarios and the demo. The shell that calls lab_up must
# stay alive until lab_down: node launchers are its children (so it reaps them) and
# its EXIT trap tears the lab down whatever happens.
# shellcheck shell=bash

lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_NET=10.77.0          # node N is 10.77.0.N; logical host addresses from .100
LAB_DC_DEADTIME=${LAB_DC_DEADTIME:-2s}
LAB_TOKEN=${LAB_TOKEN:-1000}
LAB_UP_TIMEOUT=${LAB_UP_TIMEOUT:-60}
LAB_TIME_SCALE=${LAB_TIME_SCALE:-0.1}
LAB=""

lab_note() { printf '# [%s] %s\n' "$(date +%T.%3N)" "$*"; }
lab_die() { echo "lab: $*" >&2; exit 1; }

# Milliseconds since the epoch, without a fork.
lab_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
lab_secs() { printf '%d.%02d' $(($1 / 1000)) $((($1 % 1000) / 10)); } # ms -> "s.cc"

lab_ns() { echo "$LAB_ID-n$1"; }
lab_ip() { echo "$LAB_NET.$1"; }
lab_init_pid() { cat "$LAB/node$1/init.pid" 2>/dev/null; }

# ---- preconditions --------------------------------------------------------------------------
lab_can_run() {
    lab_missing=""
    [ "$(id -u)" -eq 0 ] || { lab_missing="needs root"; return 1; }
    local tool
    for tool in corosync pacemakerd crm_mon cibadmin crm_resource unshare nsenter ip \
        losetup mkfs.ext4 xmllint flock; do
        command -v "$tool" >/dev/null || { lab_missing="$tool is not installed"; return 1; }
    done
    ip netns add "lhost-probe-$$" 2>/dev/null || { lab_missing="cannot create network namespaces"; return 1; }
    ip netns del "lhost-probe-$$"
}

# ---- the lab's files ----------------------------------------------------------------------
lab_write_corosync_conf() { # lab_write_corosync_conf N FILE
    local n
    {
        printf 'totem {\n  version: 2\n  cluster_name: lhostlab\n  transport: knet\n'
        printf '  crypto_cipher: none\n  crypto_hash: none\n  token: %s\n}\n' "$LAB_TOKEN"
        printf 'nodelist {\n'
        for n in $(seq "$1"); do
            printf '  node {\n    ring0_addr: %s\n    name: node%s\n    nodeid: %s\n  }\n' \
                "$(lab_ip "$n")" "$n" "$n"
        done
        printf '}\nquorum {\n  provider: corosync_votequorum\n'
        [ "$1" -eq 2 ] && printf '  two_node: 1\n'
        printf '}\nlogging {\n  to_logfile: yes\n  logfile: /var/log/corosync/corosync.log\n'
        printf '  to_stderr: no\n  to_syslog: no\n  timestamp: hires\n}\n'
    } >"$2"
}

# One fence_dummy device per node, never run by the node it fences. fence_dummy only
# writes "off" into a file; lab_pdu turns that into a power cut.
lab_fence_devices() { # lab_fence_devices N: the <primitive>s
    local n
    for n in $(seq "$1"); do
        cat <<XML
      <primitive id="fence-node$n" class="stonith" type="fence_dummy">
        <instance_attributes id="fence-node$n-ia">
          <nvpair id="fence-node$n-type" name="type" value="file"/>
          <nvpair id="fence-node$n-file" name="status_file" value="$LAB/pdu/node$n"/>
          <nvpair id="fence-node$n-hosts" name="pcmk_host_list" value="node$n"/>
          <nvpair id="fence-node$n-arg" name="pcmk_host_argument" value="none"/>
          <nvpair id="fence-node$n-wait" name="power_wait" value="1"/>
        </instance_attributes>
        <operations><op id="fence-node$n-monitor" name="monitor" interval="60s"/></operations>
      </primitive>
XML
    done
}

lab_fence_constraints() { # lab_fence_constraints N
    local n
    for n in $(seq "$1"); do
        printf '      <rsc_location id="fence-node%s-not-self" rsc="fence-node%s" node="node%s" score="-INFINITY"/>\n' \
            "$n" "$n" "$n"
    done
}

# The CIB every node boots with. dc-deadtime is cut from 20 s: the nodes all boot
# together, so there is no late DC to wait for.
lab_write_seed_cib() { # lab_write_seed_cib N FENCING FILE
    local devices="" constraints=""
    if [ "$2" = 1 ]; then
        devices=$(lab_fence_devices "$1")
        constraints=$(lab_fence_constraints "$1")
    fi
    cat >"$3" <<XML
<cib validate-with="pacemaker-3.9" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="lab-options">
        <nvpair id="lab-stonith-enabled" name="stonith-enabled" value="$([ "$2" = 1 ] && echo true || echo false)"/>
        <nvpair id="lab-stonith-action" name="stonith-action" value="off"/>
        <nvpair id="lab-no-quorum-policy" name="no-quorum-policy" value="stop"/>
        <nvpair id="lab-dc-deadtime" name="dc-deadtime" value="$LAB_DC_DEADTIME"/>
        <nvpair id="lab-recheck" name="cluster-recheck-interval" value="1min"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
$devices
    </resources>
    <constraints>
$constraints
    </constraints>
  </configuration>
  <status/>
</cib>
XML
}

lab_prepare_node() { # lab_prepare_node N NODES
    local d="$LAB/node$1"
    mkdir -p "$d"/{etc-corosync,var-lib-corosync,var-lib-heartbeat,var-lib-lhost,srv,opt}
    mkdir -p "$d"/var-lib-pacemaker/{cib,pengine,blackbox,cores,bundles}
    mkdir -p "$d"/log/{pacemaker/bundles,corosync}
    chown -R hacluster:haclient "$d/var-lib-pacemaker" "$d/log/pacemaker"
    chmod 750 "$d"/var-lib-pacemaker/{cib,pengine,blackbox,cores}
    chmod 770 "$d/log/pacemaker"
    lab_write_corosync_conf "$2" "$d/etc-corosync/corosync.conf"
    install -o hacluster -g haclient -m 600 "$LAB/seed-cib.xml" "$d/var-lib-pacemaker/cib/cib.xml"
}

# The freshly built agents and the emulators, copied into the lab: every node sees
# the same copy (ocf:lhost:* and $LAB/emu/bin/*), and the host's lhost command
# validates against it through $LAB/ocf/root.
lab_install() { # lab_install BUILDDIR
    local b=$1 p
    mkdir -p "$LAB/ocf/lhost" "$LAB/ocf/host" "$LAB/ocf/view" "$LAB/ocf/root/resource.d" "$LAB/emu/bin"
    install -m 755 "$b/heartbeat/jp1base" "$b/heartbeat/jp1im" "$b/heartbeat/ajs3" "$LAB/ocf/lhost/"
    for p in /usr/lib/ocf/resource.d/*/; do
        p=$(basename "$p")
        [ "$p" = lhost ] || ln -s "$LAB/ocf/host/$p" "$LAB/ocf/view/$p"
    done
    ln -s "$LAB/ocf/lhost" "$LAB/ocf/view/lhost"
    ln -s /usr/lib/ocf/lib "$LAB/ocf/root/lib"
    ln -s /usr/lib/ocf/resource.d/heartbeat "$LAB/ocf/root/resource.d/heartbeat"
    ln -s "$LAB/ocf/lhost" "$LAB/ocf/root/resource.d/lhost"
    install -m 755 "$b/tests/emulators/jp1emu" "$LAB/emu/jp1emu"
    "$lab_here/../emulators/mkbin.sh" "$LAB/emu/bin" ../jp1emu >/dev/null
    LAB_EMU="$LAB/emu/bin"
    LAB_LHOST="$b/agents/lhost"
    if [ -n "${lab_ctm:-}" ]; then # Control-M (opt-in, lab_ctm.sh): ctmplex and ctmemu
        install -m 755 "$b/heartbeat/ctmplex" "$LAB/ocf/lhost/"
        install -m 755 "$b/tests/emulators/ctmemu" "$LAB/emu/ctmemu"
    fi
    [ -n "${lab_iws:-}" ] || return 0
    # IWS (opt-in): the promotable agent, when this build has it, and the IWS emulator
    [ -x "$b/heartbeat/iws" ] && install -m 755 "$b/heartbeat/iws" "$LAB/ocf/lhost/"
    install -m 755 "$b/tests/emulators/iwsemu" "$LAB/emu/iwsemu"
}

# ---- the network: one bridge, one port per node ---------------------------------------------
lab_net_create() { # lab_net_create N
    local n ns
    ip netns add "$LAB_ID-sw"
    ip -n "$LAB_ID-sw" link set lo up
    ip -n "$LAB_ID-sw" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$LAB_ID-sw" link set br0 up
    for n in $(seq "$1"); do
        ns=$(lab_ns "$n")
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip -n "$LAB_ID-sw" link add "port$n" type veth peer name lan0 netns "$ns"
        ip -n "$LAB_ID-sw" link set "port$n" master br0
        lab_plug "$n"
    done
}

lab_plug() { # the node's cable in, its own address on
    ip -n "$(lab_ns "$1")" addr replace "$(lab_ip "$1")/24" dev lan0
    ip -n "$(lab_ns "$1")" link set lan0 up
    ip -n "$LAB_ID-sw" link set "port$1" up
}

lab_cut() { # lab_cut NODE: the node's cable out; it keeps running, isolated
    ip -n "$LAB_ID-sw" link set "port${1#node}" down
}

lab_heal() { ip -n "$LAB_ID-sw" link set "port${1#node}" up; }

# ---- nodes ------------------------------------------------------------------------------------
lab_boot() { # lab_boot N
    local n=${1#node} d launcher child="" ns _
    d="$LAB/node$n"
    lab_node_alive "$n" && lab_die "node$n is already running"
    rm -rf "$d/run"  # a reboot loses /run
    mkdir -p "$d/run/crm" "$d/run/lock" "$d/run/resource-agents"
    chown hacluster:haclient "$d/run/crm"
    lab_plug "$n"
    [ -d "$LAB/pdu" ] && printf on >"$LAB/pdu/node$n" # fence_dummy reads it without newline
    echo "=== boot $(date -Is)" >>"$d/console.log"
    ip netns exec "$(lab_ns "$n")" unshare --pid --mount --uts --ipc --fork --kill-child \
        --mount-proc --propagation private "$lab_here/node-init" "$LAB" "$n" \
        </dev/null >>"$d/console.log" 2>&1 &
    launcher=$!
    # PID 1 of the node is the launcher's child in a PID namespace other than ours
    # (unshare may briefly have a helper child of its own first).
    for _ in $(seq 250); do
        for child in $(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null); do
            ns=$(readlink "/proc/$child/ns/pid" 2>/dev/null)
            [ -n "$ns" ] && [ "$ns" != "$(readlink /proc/self/ns/pid)" ] && break 2
        done
        child=""
        sleep 0.02
    done
    [ -n "$child" ] || lab_die "node$n did not start: see $d/console.log"
    echo "$launcher" >"$d/launcher.pid"
    echo "$child" >"$d/init.pid"
    readlink "/proc/$child/ns/pid" >"$d/pidns"
}

lab_node_alive() { # the recorded PID 1 still lives in the recorded PID namespace
    local pid
    pid=$(lab_init_pid "${1#node}") || return 1
    [ -n "$pid" ] && [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$(cat "$LAB/node${1#node}/pidns")" ]
}

# Every host PID still in node N's PID namespace: by namespace inode, never by name.
lab_node_pids() {
    local ino
    ino=$(cat "$LAB/node${1#node}/pidns" 2>/dev/null) || return 0
    ino=${ino//[/\\[}
    ino=${ino//]/\\]}
    find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/pid' -lname "$ino" 2>/dev/null \
        | cut -d/ -f3
}

# Waits until no process of node N is left and its launcher (unshare) has exited,
# then reaps the launcher.
lab_wait_node_gone() { # lab_wait_node_gone N SECONDS
    local _ n=${1#node} launcher
    launcher=$(cat "$LAB/node$n/launcher.pid" 2>/dev/null)
    for _ in $(seq $((${2:-20} * 10))); do
        [ -z "$(lab_node_pids "$n")" ] && ! kill -0 "$launcher" 2>/dev/null && break
        sleep 0.1
    done
    kill -0 "$launcher" 2>/dev/null || wait "$launcher" 2>/dev/null
    [ -z "$(lab_node_pids "$n")" ] && ! kill -0 "$launcher" 2>/dev/null
}

# The last resort: unshare --kill-child takes the node's PID 1 with it.
lab_kill_node() { # lab_kill_node N
    kill -KILL "$(lab_init_pid "$1")" "$(cat "$LAB/node$1/launcher.pid")" 2>/dev/null
    lab_wait_node_gone "$1" 10
}

# Power cut: SIGKILL to PID 1 ends every process of the node at once, and the cable
# is pulled with every address on it, as a dead machine's addresses vanish too.
lab_power_off() { # lab_power_off NODE
    local n=${1#node}
    lab_node_alive "$n" && kill -KILL "$(lab_init_pid "$n")"
    ip -n "$LAB_ID-sw" link set "port$n" down
    ip -n "$(lab_ns "$n")" addr flush dev lan0
    lab_wait_node_gone "$n" 10
}

# A clean shutdown: pacemaker stops or moves what runs there, then corosync.
lab_shutdown() { # lab_shutdown NODE [SECONDS]
    local n=${1#node}
    lab_node_alive "$n" || return 0
    kill -TERM "$(lab_init_pid "$n")"
    lab_wait_node_gone "$n" "${2:-60}" || { lab_kill_node "$n"; return 1; }
}

# Runs a command on a node, in all its namespaces, with the environment its agents have.
lab_exec() { # lab_exec NODE COMMAND...
    local n=${1#node}
    shift
    lab_node_alive "$n" || { echo "lab: node$n is not running" >&2; return 125; }
    nsenter -t "$(lab_init_pid "$n")" -m -u -i -n -p --wdns=/ \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
        JP1EMU_TIME_SCALE="$LAB_TIME_SCALE" "$@"
}

lab_live_nodes() {
    local n
    for n in $(seq "$LAB_NODES"); do lab_node_alive "$n" && echo "node$n"; done
}

# ---- fencing: fence_dummy writes "off", the "PDU" cuts the power ------------------------------
lab_pdu() {
    local n state
    while :; do
        for n in $(seq "$LAB_NODES"); do
            state=$(cat "$LAB/pdu/node$n" 2>/dev/null || true)
            if [ "${state#off}" != "$state" ] && lab_node_alive "$n"; then
                echo "$(lab_now_ms) node$n" >>"$LAB/pdu/fenced"
                lab_power_off "$n"
            fi
        done
        sleep 0.1
    done
}

# ---- up and down ----------------------------------------------------------------------------
lab_up() { # lab_up NODES BUILDDIR [fencing]: sets LAB, LAB_ID, LAB_NODES, lab_up_ms
    local nodes=$1 build=$2 fencing=0 n t0 on
    [ "${3:-}" = fencing ] && fencing=1
    if [ -n "${LHOST_LAB_LOCK-/run/lock/lhost-cluster-lab.lock}" ]; then
        # One lab at a time: make check runs test files in parallel, and failover
        # timings mean little with two clusters sharing two cores. Labs never clash
        # otherwise (names of their own), so LHOST_LAB_LOCK= (empty) runs them at once.
        exec 9>"${LHOST_LAB_LOCK:-/run/lock/lhost-cluster-lab.lock}"
        flock 9
    fi
    LAB=$(mktemp -d /tmp/lhost-lab.XXXXXX)
    chmod 755 "$LAB" # pacemaker-controld (hacluster) reads the agents' meta-data in it
    LAB_ID="lhl${LAB##*.}"
    LAB_NODES=$nodes
    LAB_FENCING=$fencing
    LAB_BUILD=$build
    trap lab_down EXIT
    trap 'exit 143' TERM INT
    t0=$(lab_now_ms)
    printf 'JP1EMU_TIME_SCALE=%s\n' "$LAB_TIME_SCALE" >"$LAB/lab.env"
    if [ -n "${lab_iws:-}" ]; then lab_iws_env | sed 's/^/export /' >>"$LAB/lab.env"; fi
    if [ -n "${lab_ctm:-}" ]; then lab_ctm_env | sed 's/^/export /' >>"$LAB/lab.env"; fi
    lab_write_seed_cib "$nodes" "$fencing" "$LAB/seed-cib.xml"
    lab_install "$build"
    mkdir -p /var/lib/lhost # the mount point of each node's own (node-init)
    for n in $(seq "$nodes"); do lab_prepare_node "$n" "$nodes"; done
    lab_net_create "$nodes"
    if [ "$fencing" = 1 ]; then
        mkdir -p "$LAB/pdu"
        lab_pdu &
        lab_pdu_pid=$!
    fi
    for n in $(seq "$nodes"); do lab_boot "$n"; done
    lab_wait_online "$nodes" "$LAB_UP_TIMEOUT" || return 1
    lab_up_ms=$(($(lab_now_ms) - t0))
}

# Waits until COUNT nodes are online and a DC is elected, as node1..N see it.
lab_wait_online() { # lab_wait_online COUNT SECONDS
    local deadline=$(($(lab_now_ms) + $2 * 1000))
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        if [ -n "$(lab_live_nodes)" ] && lab_mon \
            && [ "$(lab_xpath "$LAB/mon.xml" 'count(//nodes/node[@online="true"])')" = "$1" ] \
            && [ "$(lab_xpath "$LAB/mon.xml" 'string(//current_dc/@present)')" = true ]; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

lab_down() {
    local n pid dev
    [ -n "$LAB" ] && [ -d "$LAB" ] || return 0
    [ -n "${lab_pdu_pid:-}" ] && { kill "$lab_pdu_pid" 2>/dev/null; wait "$lab_pdu_pid" 2>/dev/null; }
    lab_pdu_pid=""
    for n in $(seq "$LAB_NODES"); do
        lab_node_alive "$n" && kill -TERM "$(lab_init_pid "$n")"
    done
    for n in $(seq "$LAB_NODES"); do
        lab_wait_node_gone "$n" 30 || lab_kill_node "$n"
    done
    # Every node is down: their journals are whole, the teardown's stops included.
    [ -n "${lab_journal_name:-}" ] && lab_journals "$lab_journal_name"
    for dev in $(cat "$LAB/loop-devices" 2>/dev/null); do losetup -d "$dev" 2>/dev/null; done
    for n in $(seq "$LAB_NODES"); do ip netns del "$(lab_ns "$n")" 2>/dev/null; done
    ip netns del "$LAB_ID-sw" 2>/dev/null
    lab_left=$(lab_leftovers)
    if [ -n "$lab_left" ] || [ "${lab_keep:-0}" = 1 ]; then
        lab_note "lab files kept in $LAB"
    else
        rm -rf "$LAB"
    fi
    LAB=""
}

# Prints whatever of the lab is left on the host: processes in its namespaces, the
# namespaces, mounts under its directory, its loop devices. Nothing means clean.
lab_leftovers() {
    local n ns
    for n in $(seq "$LAB_NODES"); do
        pids=$(lab_node_pids "$n" | tr '\n' ' ')
        [ -n "$pids" ] && echo "node$n processes: $pids"
    done
    ns=$(ip netns list 2>/dev/null | grep -E "^$LAB_ID-" | tr '\n' ' ')
    [ -n "$ns" ] && echo "namespaces: $ns"
    grep -F " $LAB" /proc/self/mountinfo | sed 's/^/mount: /'
    losetup -a 2>/dev/null | grep -F "$LAB" | sed 's/^/loop device: /'
    return 0
}

# ---- the nodes' journals ---------------------------------------------------------------------
# Each node's journal files as the host sees them: node-init binds $LAB/nodeN/var-lib-lhost
# over the node's /var/lib/lhost, so a powered-off node's files are still there.
lab_journal_files() { ls "$LAB"/node*/var-lib-lhost/journal/journal-*.lhj 2>/dev/null; }

# Does the lhost under test draw timelines (`lhost timeline MERGED -o FILE.svg`)?
lab_has_timeline() { "$LAB_LHOST" --help 2>&1 | grep -qE '^ *timeline\b'; }

# Merges every node's journal into $LAB/merged.lhj (lhost journal merge; its exit
# status in lab_merge_rc: 0 COMPLETE, 1 INCOMPLETE, 3 a rule broken, 4 I/O; what it
# said in $LAB/merge.err), draws $LAB/timeline.svg when lhost can (lab_timeline_rc),
# and copies both into the build as BUILD/tests/cluster/NAME.merged.lhj and
# NAME.timeline.svg; a step that failed leaves no artefact, never an older one. Says
# what it did in one note; never fails: what a failed merge means is the caller's.
lab_journals() { # lab_journals NAME
    local out="$LAB_BUILD/tests/cluster" t0 files summary
    t0=$(lab_now_ms)
    lab_merge_rc="" lab_timeline_rc="" lab_merge_said=""
    mkdir -p "$out" && rm -f "$out/$1.merged.lhj" "$out/$1.timeline.svg" || return 0
    mapfile -t files < <(lab_journal_files)
    if [ "${#files[@]}" = 0 ]; then
        lab_note "journals: no node has any"
        return 0
    fi
    # lhost journals none of this: LHOST_JOURNAL_DIR=off keeps it so, whatever it becomes
    LHOST_JOURNAL_DIR=off "$LAB_LHOST" journal merge -o "$LAB/merged.lhj" "${files[@]}" \
        2>"$LAB/merge.err"
    lab_merge_rc=$?
    lab_merge_said=$(cat "$LAB/merge.err")
    if [ "$lab_merge_rc" -gt 1 ]; then
        lab_note "journals: lhost journal merge of ${#files[@]} files failed ($lab_merge_rc):" \
            "$(tail -3 "$LAB/merge.err" | tr '\n' ' ')"
        return 0
    fi
    cp "$LAB/merged.lhj" "$out/$1.merged.lhj"
    summary=$(tail -1 "$LAB/merged.lhj" | sed 's/^LHJ1 [^ ]* [^ ]* - merge //; s/ crc=.*//')
    if lab_has_timeline; then
        LHOST_JOURNAL_DIR=off "$LAB_LHOST" timeline "$LAB/merged.lhj" -o "$LAB/timeline.svg" \
            >>"$LAB/merge.err" 2>&1
        lab_timeline_rc=$?
        [ "$lab_timeline_rc" = 0 ] && cp "$LAB/timeline.svg" "$out/$1.timeline.svg"
    fi
    lab_note "journals: ${#files[@]} files merged, $summary -> $out/$1.merged.lhj" \
        "${lab_timeline_rc:+(timeline $([ "$lab_timeline_rc" = 0 ] && echo "$1.timeline.svg" || echo "failed: $lab_timeline_rc"))}" \
        "in $(lab_secs $(($(lab_now_ms) - t0))) s"
}

# One line per action in a journal (a node's, or a merge), in the order the actions
# ended: "BEGIN_TIME RESULT_TIME NODE RESOURCE ACTION OCF". An action is its node's
# records from its begin to its result, consecutive SEQ numbers (lhost-journal(5)).
lab_journal_actions() { # lab_journal_actions FILE
    awk '$1 == "LHJ1" && $4 != "-"' "$1" | LC_ALL=C sort -k4,4 -k2,2n | awk '
        function val(key,   i) {
            for (i = 6; i < NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2)
            return "-"
        }
        $5 == "begin" { rsc[$4] = val("resource"); act[$4] = val("action"); began[$4] = $3 }
        $5 == "result" && ($4 in rsc) { print began[$4], $3, $4, rsc[$4], act[$4], val("ocf"); delete rsc[$4] }' \
        | LC_ALL=C sort -k2,2
}

# ---- shared disks and logical hosts --------------------------------------------------------------
# An ext4 image on a loop device, seeded with the logical host's shared directory.
lab_disk() { # lab_disk NAME SEED_DIR: prints the device
    local img="$LAB/$1.img" dev
    truncate -s 64M "$img"
    mkfs.ext4 -q -F -L "$1" -d "$2" "$img"
    dev=$(losetup --find --show "$img")
    echo "$dev" >>"$LAB/loop-devices"
    echo "$dev"
}

# A JP1 logical host: shared disk, IP, JP1/Base, JP1/IM - Manager, and with
# $lab_ajs_services set JP1/AJS3 - Manager fifth, with those scheduler services. Writes
# its definition, sets the emulators up on every node, and loads `lhost cib` into the
# CIB. [logical-host] lines of $lab_policy replace the lab's defaults;
# $lab_manager_extra and $lab_ajs_extra add lines to the manager and AJS3 members.
lab_logical_host() { # lab_logical_host NAME VIP_LAST_OCTET
    local lh=$1 seed="$LAB/$1.seed" n ajs=()
    mkdir -p "$seed/jp1" "$LAB/defs"
    LAB_DISK=$(lab_disk "$lh" "$seed")
    lab_definition "$lh" "$LAB_NET.$2" >"$LAB/defs/$lh.conf"
    [ -n "${lab_ajs_services:-}" ] && ajs=(--ajs-services "$lab_ajs_services")
    for n in $(seq "$LAB_NODES"); do
        lab_exec "$n" "$LAB/emu/jp1emu" setup "$lh" "/srv/$lh/jp1" "${ajs[@]}" >/dev/null
    done
    "$LAB_LHOST" -d "$LAB/defs" --ocf-root "$LAB/ocf/root" --state-dir "$LAB" cib "$lh" \
        >"$LAB/$lh.xml" || return 1
    lab_exec 1 cibadmin --create --scope resources --xml-file "$LAB/$lh.xml"
}

lab_definition() { # lab_definition NAME VIP
    local key
    printf '[logical-host]\n%s\n' "${lab_policy:-}"
    for key in "migration-threshold = 3" "failure-timeout = 10min" "resource-stickiness = 100"; do
        # a key given twice is an error: $lab_policy's own value wins
        printf '%s\n' "${lab_policy:-}" | grep -q "^${key%% *} " || echo "$key"
    done
    echo
    printf '[member disk]\nagent = ocf:heartbeat:Filesystem\ndevice = %s\n' "$LAB_DISK"
    printf 'directory = /srv/%s\nfstype = ext4\n\n' "$1"
    printf '[member ip]\nagent = ocf:heartbeat:IPaddr2\nip = %s\ncidr_netmask = 24\nnic = lan0\n\n' "$2"
    lab_jp1_member base jp1base jbs "$1"
    echo
    lab_jp1_member manager jp1im jco "$1"
    printf 'base_status_cmd = %s/jbs_spmd_status\n%s\n' "$LAB_EMU" "${lab_manager_extra:-}"
    [ -n "${lab_ajs_services:-}" ] || return 0
    echo
    lab_jp1_member ajs ajs3 jajs "$1"
    printf 'base_status_cmd = %s/jbs_spmd_status\nscheduler_status_cmd = %s/ajsstatus\n' "$LAB_EMU" "$LAB_EMU"
    printf 'scheduler_services = %s\n%s\n' "$lab_ajs_services" "${lab_ajs_extra:-}"
}

# A JP1 member on the emulator's commands, checked every 2 s so that a failure is
# seen in about that time; JP1/Base every $lab_base_monitor when set (watch.sh: 10s,
# an interval where waiting for the next monitor shows).
lab_jp1_member() { # lab_jp1_member ID AGENT COMMAND_PREFIX LOGICAL_HOST
    local e="$LAB_EMU/$3" interval=2s
    [ "$1" = base ] && interval=${lab_base_monitor:-2s}
    printf '[member %s]\nagent = ocf:lhost:%s\nlogical_host = %s\n' "$1" "$2" "$4"
    printf 'shared_dir = /srv/%s/jp1\nop.monitor.interval = %s\n' "$4" "$interval"
    printf 'start_cmd = %s_start.cluster\nstop_cmd = %s_stop.cluster\n' "$e" "$e"
    printf 'kill_cmd = %s_killall.cluster\nstatus_cmd = %s_spmd_status\n' "$e" "$e"
}

# ---- what the cluster says ------------------------------------------------------------------------
lab_xpath() { xmllint --xpath "$2" "$1" 2>/dev/null; }

# crm_mon's XML from the first live node (or a given one), into $LAB/mon.xml.
lab_mon() { # lab_mon [NODE]
    local node=${1:-$(lab_live_nodes | head -1)}
    lab_exec "$node" crm_mon -1 --output-as=xml >"$LAB/mon.xml" 2>/dev/null
}

# The node running every member of group G, started and not failed; empty otherwise.
lab_group_node() { # lab_group_node GROUP (reads $LAB/mon.xml)
    local g="//group[@id='$1']" total up nodes
    total=$(lab_xpath "$LAB/mon.xml" "string($g/@number_resources)")
    up=$(lab_xpath "$LAB/mon.xml" "count($g/resource[@role='Started' and @failed='false' and @nodes_running_on='1'])")
    [ -n "$total" ] && [ "$total" = "$up" ] || return 0
    nodes=$(lab_xpath "$LAB/mon.xml" "$g/resource/node/@name" | sed 's/.*="\(.*\)"/\1/' | sort -u)
    [ "$(echo "$nodes" | wc -l)" = 1 ] && echo "$nodes"
}

# Waits until group G runs entirely on one node (other than NOT_ON, if given).
# Sets lab_where to that node; returns 1 at the deadline.
lab_wait_group() { # lab_wait_group GROUP SECONDS [NOT_ON]
    local deadline=$(($(lab_now_ms) + $2 * 1000))
    lab_where=""
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        if lab_mon; then
            lab_where=$(lab_group_node "$1")
            [ -n "$lab_where" ] && [ "$lab_where" != "${3:-}" ] && return 0
        fi
        sleep 0.1
    done
    lab_where=""
    return 1
}

# Failed actions crm_mon lists, one "resource operation node rc" per line.
lab_failed_actions() {
    lab_xpath "$LAB/mon.xml" '//failures/failure' \
        | grep -o 'op_key="[^"]*" node="[^"]*" exitstatus="[^"]*"' || true
}

# The node's pacemaker log, from the host side. pacemaker-execd gives agents
# HA_LOGFILE=$PCMK_logfile, so the agents' own lines are in it too.
lab_pacemaker_log() { echo "$LAB/node${1#node}/log/pacemaker/pacemaker.log"; }

# Line count of a file, to read only what is written after it.
lab_mark() { wc -l <"$1" 2>/dev/null || echo 0; }

# Marks every live node's pacemaker log: lab_marks[nodeN] is its line count now.
lab_mark_logs() {
    local node
    declare -gA lab_marks=()
    for node in $(lab_live_nodes); do lab_marks[$node]=$(lab_mark "$(lab_pacemaker_log "$node")"); done
}

# "ACTION RESOURCE" for each operation the node's controller recorded as done, in
# order, from line MARK of its log on, for resources named GROUP-*.
lab_ops_since() { # lab_ops_since NODE MARK GROUP
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" \
        | sed -n "s/.*Result of \(start\|stop\) operation for \($3-[a-z0-9_]*\) on ${1}: .*/\1 \2/p"
}

# The CIB's status section (operation history of every node), into $LAB/status.xml.
lab_status() { lab_exec "$(lab_live_nodes | head -1)" cibadmin -Q --scope status >"$LAB/status.xml" 2>/dev/null; }

# "OPERATION INTERVAL RC CALL-ID" of the last operation NODE recorded for RSC
# (reads $LAB/status.xml). The call id changes with every new start or stop.
lab_last_op() { # lab_last_op RSC NODE
    printf '%s %s %s %s\n' "$(lab_op_attr "$1" "$2" operation)" "$(lab_op_attr "$1" "$2" interval)" \
        "$(lab_op_attr "$1" "$2" rc-code)" "$(lab_op_attr "$1" "$2" call-id)"
}

# One attribute (operation, rc-code, call-id, exec-time...) of that last operation.
lab_op_attr() { # lab_op_attr RSC NODE ATTRIBUTE
    lab_xpath "$LAB/status.xml" \
        "string(//node_state[@uname='$2']//lrm_resource[@id='$1']/lrm_rsc_op[@id='$1_last_0']/@$3)"
}

# Fail count of RSC on NODE (0 when none).
lab_failcount() { # lab_failcount RSC NODE
    local v
    v=$(lab_exec "$(lab_live_nodes | head -1)" crm_failcount --query -r "$1" -N "$2" 2>/dev/null \
        | sed -n 's/.*value=\([0-9A-Za-z]*\).*/\1/p')
    echo "${v:-0}"
}

# ---- the emulated products on a node ----------------------------------------------------------
lab_emu_ps() { lab_exec "$1" "$LAB/emu/jp1emu" ps "$2"; } # lab_emu_ps NODE LOGICAL_HOST

# SIGKILL to one emulated process (by its product name, and for a jajs_schd its
# scheduler service if given) on NODE; prints its pid.
lab_kill_process() { # lab_kill_process NODE LOGICAL_HOST NAME [SERVICE]
    local pid
    pid=$(lab_emu_ps "$1" "$2" | awk -v n="$3" -v s="${4:-}" '$2 == n && (s == "" || $4 == s) {print $1; exit}')
    [ -n "$pid" ] || return 1
    lab_exec "$1" kill -KILL "$pid" && echo "$pid"
}

# NODE's emulator injection directory for a logical host (made if absent).
lab_inject_dir() { # lab_inject_dir NODE LOGICAL_HOST
    mkdir -p "$LAB/node${1#node}/opt/jp1emu/inject/$2" && echo "$LAB/node${1#node}/opt/jp1emu/inject/$2"
}

# Injects return codes (or hang, real) for a product command on NODE only.
lab_inject() { # lab_inject NODE LOGICAL_HOST COMMAND TOKEN...
    local dir cmd=$3
    dir=$(lab_inject_dir "$1" "$2") || return 1
    shift 3
    echo "$*" >"$dir/$cmd.codes"
}

# Where a node's emulator logs every command it ran.
lab_emu_log() { echo "$LAB/node${1#node}/opt/jp1emu/log"; }

# Epoch nanoseconds (digits only) of the first line of NODE's emulator log, from line
# MARK on, that matches REGEX; empty when none.
lab_emu_time() { # lab_emu_time NODE MARK REGEX
    tail -n +"$(($2 + 1))" "$(lab_emu_log "$1")" | grep -E -m1 -- "$3" | cut -d' ' -f1 | tr -d .
}

# Is ADDRESS on NODE's interface? Does NODE have the shared disk mounted?
lab_has_ip() { ip -n "$(lab_ns "${1#node}")" -br addr show dev lan0 2>/dev/null | grep -qw "$2"; }
lab_has_mount() { lab_node_alive "$1" && grep -q " /srv/$2 " "/proc/$(lab_init_pid "${1#node}")/mountinfo"; }

# ---- IWS: the promotable clone of ocf:lhost:iws on the IWS emulator --------------------------
# Opt-in: a scenario sets lab_iws=1 before lab_up (the agent and iwsemu are then installed,
# and the nodes' pacemaker, so every agent, runs with lab_iws_env's variables), then calls
# lab_iws_setup and lab_iws_cib. Each node has an installation of its own (TWA_home) at
# $LAB_IWS_HOME, on the node's private /var/opt (node-init binds $LAB/nodeN/opt there: the
# host sees it as $LAB/nodeN/opt/tws); every node sees the one domain directory
# $LAB/iws-domain, the emulator's "network". Node N is workstation TWSN; TWS1 the master.
LAB_IWS_HOME=/var/opt/tws
LAB_IWS_JOB_MS=${LAB_IWS_JOB_MS:-20000} # each planned job: 2 s at the lab's time scale

lab_iws_env() { # the emulator's settings, NAME=VALUE lines
    printf 'IWSEMU_TIME_SCALE=%s\nIWSEMU_JOB_MS=%s\nIWSEMU_JOBS=%s\n' \
        "$LAB_TIME_SCALE" "$LAB_IWS_JOB_MS" "${LAB_IWS_JOBS:-3}"
}

# Runs a command on a node as lab_exec does, with the emulator's settings too (the
# environment pacemaker gives its agents). NAME=VALUE words first override them.
lab_iws_exec() { # lab_iws_exec NODE [NAME=VALUE...] COMMAND...
    local node=$1
    shift
    # shellcheck disable=SC2046
    lab_exec "$node" env $(lab_iws_env) "$@"
}

lab_iws_ws() { echo "TWS${1#node}"; }                         # node N's workstation
lab_iws_dir() { echo "$LAB/node${1#node}/opt/tws"; }            # its TWA_home, host side
lab_iws_log() { echo "$(lab_iws_dir "$1")/emu/log"; }           # its emulator's log
lab_iws_bin() { echo "$LAB_IWS_HOME/TWS/bin/$1"; }              # a product command, node side
lab_iws_inject_dir() { # its injection directory (made if absent), host side
    mkdir -p "$(lab_iws_dir "$1")/emu/inject/$(lab_iws_ws "$1")" \
        && echo "$(lab_iws_dir "$1")/emu/inject/$(lab_iws_ws "$1")"
}

# conman on NODE (its arguments as one command line).
lab_conman() { # lab_conman NODE "CMD[&CMD...]"
    lab_iws_exec "$1" "$(lab_iws_bin conman)" "$2"
}

# Installs IWS on every node (TWS1 the master domain manager) and makes the first plan
# on TWS1, so that the master has a valid Symphony before the cluster starts anything.
# setup hard-links the iwsemu it runs as into TWS/bin; a link cannot cross mounts (and
# its copy fallback only copies files of a Symphony's size), so each node runs a copy of
# iwsemu on its own /var/opt.
lab_iws_setup() {
    local n master
    mkdir -p "$LAB/iws-domain"
    for n in $(seq "$LAB_NODES"); do
        master=""
        [ "$n" = 1 ] && master=--master
        install -m 755 "$LAB/emu/iwsemu" "$LAB/node$n/opt/iwsemu"
        lab_iws_exec "$n" /var/opt/iwsemu setup "$LAB_IWS_HOME" "$(lab_iws_ws "$n")" \
            "$LAB/iws-domain" $master >/dev/null || return 1
    done
    lab_iws_exec 1 "$(lab_iws_bin JnextPlan)" >/dev/null
}

# The promotable clone iws-clone of primitive iws (ocf:lhost:iws), loaded into the CIB.
# $lab_iws_params adds <nvpair>s to the primitive's instance attributes.
lab_iws_cib() {
    cat >"$LAB/iws.xml" <<XML
<clone id="iws-clone">
  <meta_attributes id="iws-clone-meta">
    <nvpair id="iws-clone-promotable" name="promotable" value="true"/>
    <nvpair id="iws-clone-notify" name="notify" value="true"/>
    <nvpair id="iws-clone-promoted-max" name="promoted-max" value="1"/>
    <nvpair id="iws-clone-promoted-node-max" name="promoted-node-max" value="1"/>
  </meta_attributes>
  <primitive id="iws" class="ocf" provider="lhost" type="iws">
    <instance_attributes id="iws-ia">
      <nvpair id="iws-twa_home" name="twa_home" value="$LAB_IWS_HOME"/>
      <nvpair id="iws-switch_settle" name="switch_settle" value="2"/>
      <nvpair id="iws-command_timeout" name="command_timeout" value="20"/>
      <nvpair id="iws-link_wait" name="link_wait" value="20"/>
${lab_iws_params:-}
    </instance_attributes>
    <operations>
      <op id="iws-monitor-promoted" name="monitor" role="Promoted" interval="3s" timeout="30s"/>
      <op id="iws-monitor-unpromoted" name="monitor" role="Unpromoted" interval="4s" timeout="30s"/>
      <op id="iws-start" name="start" interval="0s" timeout="60s"/>
      <op id="iws-stop" name="stop" interval="0s" timeout="60s"/>
      <op id="iws-promote" name="promote" interval="0s" timeout="120s"/>
      <op id="iws-demote" name="demote" interval="0s" timeout="60s"/>
      <op id="iws-notify" name="notify" interval="0s" timeout="30s"/>
    </operations>
  </primitive>
</clone>
XML
    lab_exec 1 cibadmin --create --scope resources --xml-file "$LAB/iws.xml"
}

# The node where the clone is promoted (crm_mon, $LAB/mon.xml), empty if none or failed.
lab_iws_promoted() {
    lab_xpath "$LAB/mon.xml" "//clone[@id='iws-clone']/resource[@role='Promoted' and @failed='false']/node/@name" \
        | sed 's/.*="\(.*\)"/\1/' | head -1
}

# The nodes where it runs unpromoted and not failed, one a line.
lab_iws_unpromoted() {
    lab_xpath "$LAB/mon.xml" "//clone[@id='iws-clone']/resource[@role='Unpromoted' and @failed='false']/node/@name" \
        | sed 's/ *name="\([^"]*\)"/\1\n/g' | sed '/^$/d'
}

# The domain as the emulator records it ($LAB/iws-domain/state): the master, and
# "WS LIMIT" lines.
lab_iws_master() { sed -n 's/^master //p' "$LAB/iws-domain/state"; }
lab_iws_limits() { sed -n 's/^ws //p' "$LAB/iws-domain/state"; }

lab_iws_symphony() { echo "$(lab_iws_dir "$1")/TWS/Symphony"; } # NODE's plan, host side

# Corrupts NODE's Symphony as a bad disk block would: one byte of its body, so that
# its checksum fails (conman: AWSBHU001E).
lab_iws_corrupt() { printf 'X' | dd of="$(lab_iws_symphony "$1")" bs=1 seek=40 conv=notrunc status=none; }

# "run N size S" of each live node's Symphony, one a line ("AWSBHU001E corrupt", "absent").
lab_iws_plans() {
    local n f
    for n in $(lab_live_nodes); do
        f=$(lab_iws_symphony "$n")
        echo "$("$LAB/emu/iwsemu" symphony "$f" 2>&1 | cut -d' ' -f1-2) size $(stat -c %s "$f" 2>/dev/null)"
    done
}

# crm_mon with the nodes' attributes, into $LAB/mon.xml; one attribute of a node in it.
lab_iws_mon() { lab_exec "$(lab_live_nodes | head -1)" crm_mon -1 -A --output-as=xml >"$LAB/mon.xml" 2>/dev/null; }
lab_iws_attr() { # lab_iws_attr NODE NAME
    lab_xpath "$LAB/mon.xml" "string(//node_attributes/node[@name='$1']/attribute[@name='$2']/@value)"
}

# Settled on NODE: the clone promoted there only and unpromoted on every other live
# node, no instance failed; the domain's master is NODE's workstation, no switch
# pending; every live workstation's netman, mailman, batchman and jobman up (its status
# as published, fresh), each linked with the master; every live node's Symphony valid,
# all of one run and one size; every limit $lab_iws_limit (100); no recovery under way
# (no iws-iws-recovery attribute). 1 with the first thing that is not so in $lab_iws_why.
lab_iws_settled() { # lab_iws_settled NODE
    local m n ws now st others
    lab_iws_why=""
    lab_iws_mon || { lab_iws_why="crm_mon failed"; return 1; }
    [ "$(lab_iws_promoted)" = "$1" ] || { lab_iws_why="promoted: '$(lab_iws_promoted)'"; return 1; }
    others=$(lab_iws_unpromoted | sort | tr '\n' ' ')
    [ "$others" = "$(lab_live_nodes | grep -vx "$1" | sort | tr '\n' ' ')" ] \
        || { lab_iws_why="unpromoted: '$others'"; return 1; }
    [ "$(lab_xpath "$LAB/mon.xml" "count(//clone[@id='iws-clone']/resource[@failed='true'])")" = 0 ] \
        || { lab_iws_why="an instance failed"; return 1; }
    m=$(lab_iws_ws "$1")
    [ "$(lab_iws_master)" = "$m" ] || { lab_iws_why="the domain's master is $(lab_iws_master)"; return 1; }
    ! grep -q '^switch ' "$LAB/iws-domain/state" || { lab_iws_why="a switch is pending"; return 1; }
    now=$(lab_now_ms)
    for n in $(lab_live_nodes); do
        ws=$(lab_iws_ws "$n")
        read -r -a st <"$LAB/iws-domain/status/$ws" 2>/dev/null || { lab_iws_why="$ws published nothing"; return 1; }
        if [ $((now - st[0])) -ge 2000 ] || [ "${st[*]:1:4}" != "1 1 1 1" ]; then
            lab_iws_why="$ws's status: ${st[*]}"
            return 1
        fi
        [ "$ws" = "$m" ] || grep -qx -e "link $ws $m" -e "link $m $ws" "$LAB/iws-domain/state" \
            || { lab_iws_why="$ws not linked with $m"; return 1; }
        [ "$(lab_iws_attr "$n" iws-iws-recovery)" = "" ] || { lab_iws_why="$n is recovering"; return 1; }
    done
    [ "$(lab_iws_plans | sort -u | wc -l)" = 1 ] && ! lab_iws_plans | grep -qv '^run ' \
        || { lab_iws_why="plans: $(lab_iws_plans | tr '\n' ' ')"; return 1; }
    [ "$(lab_iws_limits | awk -v l="${lab_iws_limit:-100}" '$2 != l' | wc -l)" = 0 ] \
        || { lab_iws_why="limits: $(lab_iws_limits | tr '\n' ' ')"; return 1; }
}

# Waits until settled on NODE or SECONDS pass; sets lab_iws_settled_ms (when it held).
lab_iws_wait_settled() { # lab_iws_wait_settled NODE SECONDS
    local deadline=$(($(lab_now_ms) + $2 * 1000))
    lab_iws_settled_ms=""
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        lab_iws_settled "$1" && { lab_iws_settled_ms=$(lab_now_ms); return 0; }
        sleep 0.2
    done
    return 1
}
