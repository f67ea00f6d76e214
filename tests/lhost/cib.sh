#!/usr/bin/env bash
# `lhost cib`: the logical host as a Pacemaker <group>, and what Pacemaker makes of it.
# The output must load with cibadmin and pass crm_verify; then Pacemaker's own
# scheduler (crm_simulate) says how the group starts, stops, and recovers from a
# manager monitor failure under the definition's migration-threshold. Orders and
# nodes are read from crm_simulate's executed transition, never assumed. Nothing is
# started for real: the members only exist in the simulated cluster.
# shellcheck source=tests/lhost/lib.sh
. "$(dirname "$0")/lib.sh"

XMLLINT=${XMLLINT:-xmllint}
for tool in cibadmin crm_attribute crm_verify crm_simulate crm_resource "$XMLLINT"; do
    command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
for ra in Filesystem IPaddr2; do
    [ -x "$SYSTEM_OCF_ROOT/resource.d/heartbeat/$ra" ] \
        || skip_all "resource-agents: $ra not installed in $SYSTEM_OCF_ROOT"
done

emu_world lhS
lhost_world
def="$world/defs/lhS.conf"
{
    cat <<DEF
[logical-host]
migration-threshold = 2
failure-timeout = 10min

[member disk]
agent = ocf:heartbeat:Filesystem
device = /dev/lhs-disk
directory = $world/shdsk
fstype = ext4

[member ip]
agent = ocf:heartbeat:IPaddr2
ip = 192.0.2.10
cidr_netmask = 24
DEF
    jp1_members lhS "$world/shdsk/lhS"
} >"$def"
members="lhS-disk lhS-ip lhS-base lhS-manager"
reverse="lhS-manager lhS-base lhS-ip lhS-disk"

# Pacemaker durations ("90", "500ms", "20s", "10min", "1h") in ms; empty when not one.
duration_ms() { # duration_ms TEXT
    local n=${1%%[!0-9]*} unit
    unit=${1#"$n"}
    [ -n "$n" ] || return 0
    case $unit in
    "" | s | sec) echo $((n * 1000)) ;;
    ms | msec) echo "$n" ;;
    m | min) echo $((n * 60000)) ;;
    h | hr) echo $((n * 3600000)) ;;
    esac
}

xpath() { # xpath FILE EXPR: the string value of EXPR
    "$XMLLINT" --xpath "$2" "$1" 2>/dev/null
}

# ---- the definition and its <group> ---------------------------------------------------------
lhost check lhS
is "$rc" 0 "lhost check lhS: the definition is valid"
like "$out" "disk -> ip -> base -> manager" "... members disk, ip, base, manager in file order"

lhost cib lhS
is "$rc" 0 "lhost cib lhS: rc 0"
is "$err" "" "... nothing on stderr"
group="$world/group.xml"
printf '%s\n' "$out" >"$group"
"$XMLLINT" --noout "$group" 2>/dev/null
ok $? "... the output is well-formed XML (xmllint)"
is "$(xpath "$group" 'name(/*)')/$(xpath "$group" 'string(/*/@id)')" "group/lhS" \
    "... one <group id=\"lhS\">"
is "$(xpath "$group" 'string(/group/meta_attributes/nvpair[@name="migration-threshold"]/@value)')" \
    2 "... meta attribute migration-threshold=2"
ft=$(xpath "$group" 'string(/group/meta_attributes/nvpair[@name="failure-timeout"]/@value)')
is "$(duration_ms "$ft")" 600000 "... meta attribute failure-timeout is 10min ($ft)"
ops_ok=0
for rsc in $members; do
    for action in start stop monitor; do
        t=$(xpath "$group" "string(//primitive[@id=\"$rsc\"]/operations/op[@name=\"$action\"]/@timeout)")
        if [ -z "$(duration_ms "$t")" ]; then
            ops_ok=1
            echo "# $rsc: no $action op with a timeout (got '$t')"
        fi
    done
done
ok "$ops_ok" "... every member has start, stop and monitor ops with a timeout"

# ---- loaded into a two-node CIB, accepted by crm_verify -------------------------------------
cib="$world/cib.xml"
cibadmin --empty >"$cib"
CIB_file=$cib cibadmin --create -o nodes --xml-text '<node id="1" uname="node1"/>'
CIB_file=$cib cibadmin --create -o nodes --xml-text '<node id="2" uname="node2"/>'
CIB_file=$cib crm_attribute -t crm_config -n stonith-enabled -v false
CIB_file=$cib cibadmin --create --scope resources --xml-pipe <"$group" 2>"$world/cibadmin.err"
rc=$?
err=$(cat "$world/cibadmin.err")
is "$rc" 0 "cibadmin --create --scope resources --xml-pipe loads the group"

verify=$(crm_verify -x "$cib" 2>&1)
is "$?" 0 "crm_verify -x accepts the CIB"
verify=$(crm_verify -V -x "$cib" 2>&1)
printf '%s\n' "$verify" | grep -qi 'error'
ok $((!$?)) "crm_verify -V reports no errors"
[ -n "$verify" ] && printf '%s\n' "$verify" | sed 's/^/#   crm_verify: /'

CIB_file=$cib cibadmin --query --scope resources >"$world/resources.xml" 2>/dev/null
n=$(xpath "$world/resources.xml" 'count(//group[@id="lhS"]/primitive)')
loaded=""
for i in $(seq 1 "${n:-0}"); do
    loaded="$loaded $(xpath "$world/resources.xml" "string(//group[@id=\"lhS\"]/primitive[$i]/@id)")"
done
is "$n" 4 "the loaded CIB has 4 primitives in group lhS"
is "${loaded# }" "$members" "... in order $members"

# ---- crm_simulate --------------------------------------------------------------------------
# Runs the scheduler on IN, executes the transition into OUT. Sets $sim (the output).
simulate() { # simulate IN OUT [crm_simulate options]
    local in=$1 out=$2
    shift 2
    sim=$(crm_simulate -q 1 -x "$in" -S -O "$out" "$@" 2>"$world/simulate.err")
    sim_rc=$?
    [ "$sim_rc" -eq 0 ] || echo "# crm_simulate rc $sim_rc: $(head -3 "$world/simulate.err" | tr '\n' '|')"
}
# The Transition Summary lines of $sim, spaces squeezed: "* Recover lhS-manager ( node1 )".
summary() {
    printf '%s\n' "$sim" | sed -n '/^Transition Summary/,/^Executing/p' | grep -E '^\s+\*' \
        | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'
}
# The executed resource actions of $sim, in execution order: "ACTION RSC NODE" per line.
executed() {
    printf '%s\n' "$sim" | awk '/^Executing Cluster Transition/ { on = 1; next }
        /^Revised Cluster Status/ { on = 0 }
        on && /Resource action:/ { sub(/.*Resource action: */, ""); print $2, $1, $4 }'
}
# The resources of one action, in execution order, on one line.
order_of() { executed | awk -v a="$1" '$1 == a { print $2 }' | xargs; }
# The distinct nodes of one action.
nodes_of() { executed | awk -v a="$1" '$1 == a { print $3 }' | sort -u | xargs; }
# Stops and starts, in execution order: "stop lhS-manager@node1 ... start lhS-disk@node2 ...".
stops_starts() { executed | awk '$1 == "stop" || $1 == "start" { print $1, $2 "@" $3 }' | xargs; }
located() { # located CIB RSC: the node RSC runs on
    CIB_file=$1 crm_resource --locate --resource "$2" 2>/dev/null \
        | sed -n 's/.* is running on: *\([^ ]*\).*/\1/p' | head -1
}

# -- the group starts in order, on one node
running="$world/running.xml"
simulate "$cib" "$running" -u node1 -u node2
is "$sim_rc" 0 "crm_simulate brings node1 and node2 online and runs the transition"
is "$(order_of start)" "$members" "the members start in group order: $members"
node=$(nodes_of start)
is "$(echo "$node" | wc -w)" 1 "... all on the same node ($node)"
case $node in node1) other=node2 ;; *) other=node1 ;; esac
is "$(located "$running" lhS-manager)" "$node" "... where the manager runs afterwards"

# -- target-role=Stopped: the group stops in reverse order
stopping="$world/stopping.xml"
cp "$running" "$stopping"
CIB_file=$stopping crm_resource --resource lhS --meta --set-parameter target-role \
    --parameter-value Stopped >/dev/null 2>&1
is "$?" 0 "crm_resource sets target-role=Stopped on group lhS"
simulate "$stopping" "$world/stopped.xml"
is "$(order_of stop)" "$reverse" "the members stop in reverse order: $reverse"
is "$(nodes_of stop)" "$node" "... on $node"
is "$(order_of start)" "" "... and nothing starts"

# -- the manager's monitor fails: in place first, then the whole group moves
interval=$(xpath "$world/resources.xml" \
    'string(//primitive[@id="lhS-manager"]/operations/op[@name="monitor"]/@interval)')
interval_ms=$(duration_ms "$interval")
like "$interval_ms" '^[1-9][0-9]*$' "the manager's monitor interval in the CIB ($interval) is a duration"
is "$(xpath "$running" "count(//lrm_resource[@id=\"lhS-manager\"]/lrm_rsc_op[@operation=\"monitor\"][@interval=\"$interval_ms\"])")" \
    1 "... the recurring monitor Pacemaker runs on it ($interval_ms ms)"
fail="lhS-manager_monitor_${interval_ms}@${node}=1"

simulate "$running" "$world/f1.xml" -i "$fail"
is "$(summary)" "* Recover lhS-manager ( $node )" \
    "1st manager monitor failure: Recover lhS-manager ( $node ), nothing else in the summary"
is "$(stops_starts)" "stop lhS-manager@$node start lhS-manager@$node" \
    "... only the manager stops and starts, on $node"
is "$(located "$world/f1.xml" lhS-disk) $(located "$world/f1.xml" lhS-manager)" "$node $node" \
    "... the group stays on $node"

simulate "$world/f1.xml" "$world/f2.xml" -i "$fail"
expected="* Move lhS-disk ( $node -> $other )
* Move lhS-ip ( $node -> $other )
* Move lhS-base ( $node -> $other )
* Recover lhS-manager ( $node -> $other )"
is "$(summary)" "$expected" \
    "2nd failure (migration-threshold=2): disk, ip, base move to $other, the manager recovers there"
expected="stop lhS-manager@$node stop lhS-base@$node stop lhS-ip@$node stop lhS-disk@$node"
expected="$expected start lhS-disk@$other start lhS-ip@$other start lhS-base@$other start lhS-manager@$other"
is "$(stops_starts)" "$expected" \
    "... stops manager, base, ip, disk on $node, then starts disk, ip, base, manager on $other"
is "$(located "$world/f2.xml" lhS-disk) $(located "$world/f2.xml" lhS-manager)" "$other $other" \
    "... the group runs on $other"

is "$(emu_pids lhS | wc -l)" 0 "only simulated: no JP1 process of lhS was started"

# ---- a definition with a problem ------------------------------------------------------------
header=$(grep -n '^\[member disk\]' "$def" | cut -d: -f1)
sed -i '/^device = /d' "$def"
lhost cib lhS
is "$rc" 6 "lhost cib with a required parameter missing: rc 6 (OCF_ERR_CONFIGURED)"
is "$out" "" "... nothing on stdout"
like "$err" "lhS\.conf:$header: .*'?device'?" "... the problem on stderr, at the member's line ($header)"

finish
