#!/usr/bin/env bash
# lhost quiesce and lhost resume, black-box, without a cluster: argument handling and
# every exit code (0 done, 1 error or a node failed, 2 usage, 3 a node pending at the
# timeout, 4 a node silent at the timeout, 4 winning over 3).
#
# The small cluster lives in files:
#   - a CIB file (CIB_file): three nodes, and the resources below, started by
#     crm_simulate, so that Pacemaker's real cibadmin and crm_resource --locate read
#     it as they read a live CIB;
#   - crm_resource on PATH: the real one, except --show-metadata of ocf:lhost:iws,
#     which prints meta-data with quiesce and resume (the agent may not be installed);
#   - attrd_updater on PATH: an emulation of Pacemaker 2.1's (the options lhost uses,
#     spelled as `attrd_updater --help-all` spells them, and its output and exit
#     codes), the transient attributes as files $ATTRD/NODE/NAME;
#   - a background loop playing the agents' part: it reads P-quiesce on each node and
#     writes P-quiesce-state as each node's behaviour file says (answer after a delay,
#     pending then done, never, a stale ID, failed, attrd going away).
# shellcheck source=tests/lhost/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in cibadmin crm_resource crm_attribute crm_simulate; do
    command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
REAL_CRM_RESOURCE=${CRM_RESOURCE:-$(command -v crm_resource)}

emu_world
Q="$world/q"
BIN="$Q/bin"
export ATTRD="$Q/attrd" # the emulated pacemaker-attrd's attributes: $ATTRD/NODE/NAME
PLAY="$Q/play"          # the agents' behaviours: $PLAY/PRIMITIVE/NODE
mkdir -p "$BIN" "$ATTRD" "$PLAY"

# ---- the cluster's configuration, run by crm_simulate ------------------------------------
monitors() { # monitors ID INTERVAL...: an <operations> of recurring monitors
    local id=$1 i=0 interval
    shift
    printf '<operations>'
    for interval in "$@"; do
        i=$((i + 1))
        printf '<op id="%s-mon%s" name="monitor" interval="%s"/>' "$id" "$i" "$interval"
    done
    printf '</operations>'
}
iws_clone() { # iws_clone CLONE PRIMITIVE META OPERATIONS
    printf '<clone id="%s"><meta_attributes id="%s-meta">%s</meta_attributes>' "$1" "$1" "$3"
    printf '<primitive id="%s" class="ocf" provider="lhost" type="iws">%s</primitive></clone>' \
        "$2" "$4"
}
nv() { printf '<nvpair id="%s-%s" name="%s" value="%s"/>' "$1" "$2" "$2" "$3"; }
resources() {
    printf '<resources>'
    # The contract's clone: promotable, one instance on each of node1 and node2 only.
    # Its monitors: 10 s promoted, 11 s unpromoted, and a disabled one that must not count.
    iws_clone iws-clone iws "$(nv iws promotable true)$(nv iws clone-max 2)" "$(
        printf '<operations><op id="iws-p" name="monitor" interval="10s" role="Promoted"/>'
        printf '<op id="iws-u" name="monitor" interval="11s" role="Unpromoted"/>'
        printf '<op id="iws-off" name="monitor" interval="1min" enabled="false"/></operations>'
    )"
    iws_clone idle-clone idle "$(nv idle target-role Stopped)" "$(monitors idle 10s)"
    iws_clone nomon-clone nomon "$(nv nomon clone-max 1)" ""
    printf '<clone id="gclone"><meta_attributes id="gclone-meta">%s</meta_attributes>' \
        "$(nv gclone clone-max 1)"
    printf '<group id="g"><primitive id="gq" class="ocf" provider="lhost" type="iws">%s' \
        "$(monitors gq 5s)"
    printf '</primitive></group></clone>'
    printf '<primitive id="solo" class="ocf" provider="heartbeat" type="Dummy"/>'
    printf '<clone id="st-clone"><meta_attributes id="st-meta">%s</meta_attributes>' \
        "$(nv st clone-max 1)"
    printf '<primitive id="st" class="ocf" provider="pacemaker" type="Stateful">%s</primitive>' \
        "$(monitors st 15s)"
    printf '</clone></resources>'
}
cib="$Q/cib.xml"
cibadmin --empty >"$Q/empty.xml"
export CIB_file="$Q/empty.xml"
for n in 1 2 3; do
    cibadmin --create -o nodes --xml-text "<node id=\"$n\" uname=\"node$n\"/>"
done
crm_attribute -t crm_config -n stonith-enabled -v false
crm_attribute -t crm_config -n no-quorum-policy -v ignore
cibadmin --replace --scope resources --xml-text "$(resources)"
crm_simulate -x "$CIB_file" -S -O "$cib" -u node1 -u node2 -u node3 >"$Q/simulate.out" 2>&1
ok $? "crm_simulate starts the resources on node1..node3"
export CIB_file="$cib"
located=$("$REAL_CRM_RESOURCE" --locate --resource iws-clone 2>/dev/null | sed 's/.*: //')
is "$(echo "$located" | sort | xargs)" \
    "node1 node2" "iws-clone runs on node1 and node2 (crm_resource --locate)"

# ---- the tools on PATH ------------------------------------------------------------------
cat >"$BIN/crm_resource" <<EOF
#!/usr/bin/env bash
# The real crm_resource on the CIB file, but for the meta-data of ocf:lhost:iws.
case "\$*" in
"--show-metadata ocf:lhost:iws" | "--show-metadata=ocf:lhost:iws") cat "$Q/iws.xml"; exit 0 ;;
esac
exec "$REAL_CRM_RESOURCE" "\$@"
EOF
cat >"$Q/iws.xml" <<'EOF'
<?xml version="1.0"?>
<resource-agent name="iws" version="1.0">
<version>1.1</version>
<shortdesc lang="en">IBM Workload Scheduler (fixture)</shortdesc>
<parameters/>
<actions>
<action name="start" timeout="120s"/>
<action name="stop" timeout="120s"/>
<action name="monitor" timeout="60s" interval="10s" depth="0" role="Promoted"/>
<action name="monitor" timeout="60s" interval="11s" depth="0" role="Unpromoted"/>
<action name="promote" timeout="120s"/>
<action name="demote" timeout="120s"/>
<action name="notify" timeout="30s"/>
<action name="quiesce" timeout="60s"/>
<action name="resume" timeout="60s"/>
<action name="validate-all" timeout="20s"/>
<action name="meta-data" timeout="5s"/>
</actions>
</resource-agent>
EOF

cat >"$BIN/attrd_updater" <<'EOF'
#!/usr/bin/env bash
# Pacemaker 2.1's attrd_updater, emulated on files $ATTRD/NODE/NAME: -n/--name,
# -U/--update, -Q/--query, -D/--delete, -N/--node, -A/--all, in the forms GOption
# takes (-n X, -nX, --name X, --name=X). Another option of the real tool is refused
# here (exit 64), so that lhost cannot come to rely on one the emulation ignores.
# $ATTRD/down: pacemaker-attrd is not reachable (exit 102, the real tool's message).
# Output and exit codes are Pacemaker 2.1.5's (tools/attrd_updater.c).
set -u
echo "$*" >>"$ATTRD/../attrd.log"
name="" node="" command=query value="" all=0
die() { echo "attrd_updater: $2" >&2; exit "$1"; }
while [ $# -gt 0 ]; do
    case $1 in
    -n | --name | -U | --update | -N | --node)
        [ $# -ge 2 ] || die 64 "Missing argument for $1"
        opt=$1 arg=$2
        shift ;;
    -n?* | -U?* | -N?*) opt=${1:0:2} arg=${1:2} ;;
    --name=* | --update=* | --node=*) opt=${1%%=*} arg=${1#*=} ;;
    -Q | --query) opt=-Q ;;
    -D | --delete) opt=-D ;;
    -A | --all) opt=-A ;;
    -*) die 64 "Unknown option $1 (or not emulated)" ;;
    *) die 64 "unexpected argument '$1' (not emulated)" ;;
    esac
    case $opt in
    -n | --name) name=$arg ;;
    -U | --update) command=update value=$arg ;;
    -N | --node) node=$arg ;;
    -Q) command=query ;;
    -D) command=delete value="" ;;
    -A) all=1 ;;
    esac
    shift
done
[ -n "$name" ] || die 64 "Command requires --name argument"
if [ -e "$ATTRD/down" ]; then
    [ "$command" = query ] && die 102 "Could not connect to attrd: Connection refused"
    die 102 "Could not update $name=$value: Connection refused (111)"
fi
node=${node:-node1}
case $command in
update | delete)
    mkdir -p "$ATTRD/$node"
    printf '%s' "$value" >"$ATTRD/$node/.$name.$$"
    mv "$ATTRD/$node/.$name.$$" "$ATTRD/$node/$name" ;;
query)
    found=0
    for f in "$ATTRD"/*/"$name"; do
        [ -f "$f" ] || continue
        host=${f%/*} host=${host##*/}
        [ "$all" = 1 ] || [ "$host" = "$node" ] || continue
        printf 'name="%s" host="%s" value="%s"\n' "$name" "$host" "$(cat "$f")"
        found=1
    done
    # Pacemaker 2.1 says "not set" with pcmk_rc_schema_validation: exit 78.
    [ "$found" = 1 ] || die 78 "Could not query value of $name: attribute does not exist" ;;
esac
EOF
chmod +x "$BIN/crm_resource" "$BIN/attrd_updater"
export PATH="$BIN:$PATH"

# ---- the agents' part -------------------------------------------------------------------
# $PLAY/P/NODE holds the behaviour of the instance of P on NODE, from the moment it
# first sees a request (ages in ms):
#   answer AGE                 "ID quiesced" (resumed) from AGE on
#   pending AGE JOBS [DONE]    "ID pending JOBS" from AGE on, "ID done" from DONE on
#   never                      nothing
#   stale AGE                  "q1-1 quiesced": the answer to an earlier request
#   failed AGE REASON...       "ID failed REASON..."
#   down AGE                   pacemaker-attrd goes away ($ATTRD/down)
behave() { # behave BEHAVIOUR VERB ID AGE: prints the answer for now, if any
    local mode a1 a2 a3 done=quiesced
    read -r mode a1 a2 a3 <<<"$1"
    [ "$2" = resume ] && done=resumed
    case $mode in
    answer) [ "$4" -ge "$a1" ] && echo "$3 $done" ;;
    pending)
        if [ -n "$a3" ] && [ "$4" -ge "$a3" ]; then
            echo "$3 $done"
        elif [ "$4" -ge "$a1" ]; then
            echo "$3 pending $a2"
        fi ;;
    stale) [ "$4" -ge "$a1" ] && echo "q1-1 $done" ;;
    failed) [ "$4" -ge "$a1" ] && echo "$3 failed $a2${a3:+ $a3}" ;;
    down) [ "$4" -ge "$a1" ] && : >"$ATTRD/down" ;;
    esac
    return 0
}
play() {
    local f p node request id key now answer state
    declare -A seen
    while :; do
        for f in "$PLAY"/*/*; do
            [ -f "$f" ] || continue
            node=${f##*/} p=${f%/*} p=${p##*/}
            request=$(cat "$ATTRD/$node/$p-quiesce" 2>/dev/null) || continue
            id=${request#* }
            key="$p/$node/$id" now=$(date +%s%3N)
            [ -n "${seen[$key]:-}" ] || seen[$key]=$now
            answer=$(behave "$(cat "$f" 2>/dev/null)" "${request%% *}" "$id" $((now - seen[$key])))
            state="$ATTRD/$node/$p-quiesce-state"
            if [ -n "$answer" ] && [ "$answer" != "$(cat "$state" 2>/dev/null)" ]; then
                printf '%s' "$answer" >"$state.new" && mv "$state.new" "$state"
            fi
        done
        sleep 0.1
    done
}
play &
player=$!
trap 'kill "$player" 2>/dev/null; wait "$player" 2>/dev/null; emu_teardown' EXIT

# A new case: the earlier requests are removed (their answers stay, stale now), and a
# tick of the loop passes, so that nothing it does afterwards comes from them.
behaviours() { # behaviours PRIMITIVE NODE=BEHAVIOUR...
    local p=$1 arg
    shift
    rm -f "$ATTRD"/*/"$p-quiesce"
    rm -rf "${PLAY:?}/$p"
    mkdir -p "$PLAY/$p"
    for arg in "$@"; do
        echo "${arg#*=}" >"$PLAY/$p/${arg%%=*}"
    done
    sleep 0.3
    rm -f "$ATTRD/down"
}

# Runs lhost quiesce|resume ARGS. Sets rc, out, err, elapsed_ms.
q() {
    local start end
    start=$(date +%s%N)
    out=$("$LHOST" "$@" 2>"$world/stderr")
    rc=$?
    end=$(date +%s%N)
    elapsed_ms=$(((end - start) / 1000000))
    err=$(cat "$world/stderr")
}
requests() { { cat "$Q/attrd.log" 2>/dev/null || true; } | grep -c -- ' -U '; }

# ---- usage: 2 ----------------------------------------------------------------------------
q quiesce
is "$rc" 2 "quiesce without a RESOURCE: 2"
like "$err" "no RESOURCE" "... saying so"
q resume iws extra
is "$rc" 2 "resume with two RESOURCEs: 2"
q quiesce iws --timeout abc
is "$rc" 2 "--timeout abc: 2"
like "$err" "--timeout abc: not a number of seconds" "... naming it"
q quiesce iws --timeout 0
is "$rc" 2 "--timeout 0: 2"
q quiesce iws --timeout=-5
is "$rc" 2 "--timeout=-5: 2"
q quiesce iws --no-such-option
is "$rc" 2 "an unknown option: 2"
q quiesce --help
is "$rc" 0 "quiesce --help: 0"
like "$out" "twice the resource's longest recurring monitor interval" \
    "... giving the default timeout's rule"
like "$out" "3 the timeout" "... and the exit codes"
q --help
like "$out" "quiesce RESOURCE \[--timeout SECONDS\]" "lhost --help lists quiesce"
like "$out" "resume RESOURCE \[--timeout SECONDS\]" "... and resume"
is "$(requests)" 0 "no usage error sent a request"

# ---- errors before any request: 1 ------------------------------------------------------------
q quiesce nope
is "$rc" 1 "a resource not in the CIB: 1"
like "$err" "no resource nope in the CIB" "... saying so"
q quiesce iws-p
is "$rc" 1 "the id of an op, not of a resource: 1"
q quiesce solo
is "$rc" 1 "a primitive in no clone: 1"
like "$err" "solo is not in a clone" "... saying so"
q quiesce g
is "$rc" 1 "a group (in a clone): 1"
like "$err" "g is a <group>: name a primitive in a clone, or the clone" "... saying what to name"
q quiesce gclone
is "$rc" 1 "a clone of a group: 1"
like "$err" "clone gclone holds no primitive of its own: name the primitive" \
    "... asking for the primitive"
q quiesce st-clone
is "$rc" 1 "a clone whose agent has no quiesce (ocf:pacemaker:Stateful): 1"
like "$err" "ocf:pacemaker:Stateful \(agent of st\) does not support quiesce" "... naming the agent"
q quiesce idle
is "$rc" 1 "a clone with no active instance: 1"
like "$err" "no instance of idle-clone is active" "... saying so"
q quiesce nomon-clone
is "$rc" 1 "a primitive without a recurring monitor, no --timeout: 1"
like "$err" "nomon has no recurring monitor .*give --timeout" "... asking for --timeout"
CIB_file="$Q/no-such-cib.xml" q quiesce iws
is "$rc" 1 "the CIB unreachable: 1"
like "$err" "cibadmin --query --scope resources returned 105" \
    "... naming the command and its exit code"
is "$(requests)" 0 "none of them sent a request"
: >"$ATTRD/down"
q quiesce iws --timeout 5
is "$rc" 1 "pacemaker-attrd unreachable: 1"
like "$err" \
    "the request did not reach node1 \(attrd_updater -n iws-quiesce -U 'quiesce q[0-9]+-[0-9]+' -N node1 returned 102" \
    "... naming the node, the command and its exit code"
rm "$ATTRD/down"

# ---- every node answers: 0 --------------------------------------------------------------------
behaviours iws node1="answer 300" node2="pending 0 JOB1,JOB2 1500"
q quiesce iws --verbose
is "$rc" 0 "quiesce: node1 answers, node2 pending then quiesced: 0"
is "$out" "node1 quiesced
node2 quiesced" "... one line per node, in name order"
req1=$(cat "$ATTRD/node1/iws-quiesce")
like "$req1" '^quiesce q[0-9]{13}-[0-9]+$' "... the request on node1 is \"quiesce ID\" ($req1)"
is "$(cat "$ATTRD/node2/iws-quiesce")" "$req1" "... the same on node2"
[ ! -e "$ATTRD/node3/iws-quiesce" ]
ok $? "... and none on node3, where no instance runs"
like "$err" \
    "iws \(ocf:lhost:iws, clone iws-clone\): request \"$req1\" to 2 nodes; waiting up to 32 s" \
    "--verbose: the request and the default timeout (2 x 11 s + 10 s)"
like "$err" "node2 pending JOB1 JOB2 \(after" "--verbose: node2's pending jobs as they come"
like "$err" "node2 quiesced \(after" "... and its answer"
case $err in *"cannot read"*) false ;; esac
ok $? "... and no look at the answers failed, not even before any node had one (exit 78)"
[ "$elapsed_ms" -lt 5000 ]
ok $? "... done once every node answered (${elapsed_ms} ms)"

behaviours iws node1="answer 0" node2="answer 0"
q quiesce iws-clone
is "$rc" 0 "quiesce by the clone's id: 0"
is "$err" "" "... nothing on stderr when it is no terminal and without --verbose"
req2=$(cat "$ATTRD/node1/iws-quiesce")
[ "$req2" != "$req1" ]
ok $? "... a new request id for each call ($req2)"

q resume iws
is "$rc" 0 "resume: 0"
is "$out" "node1 resumed
node2 resumed" "... one line per node"
like "$(cat "$ATTRD/node2/iws-quiesce")" '^resume r[0-9]{13}-[0-9]+$' \
    "... the request is \"resume ID\""

behaviours gq node1="answer 0" node2="answer 0" node3="answer 0"
q quiesce gq --timeout 10
is "$rc" 0 "a primitive in a cloned group: 0"
is "$(echo "$out" | wc -l)" 1 "... asked on the one node of its clone"

# ---- the timeout passes: 3 and 4 ------------------------------------------------------------
behaviours iws node1="answer 0" node2="pending 0 JOB7"
q quiesce iws --timeout 2
is "$rc" 3 "node2 still pending at the timeout: 3"
is "$out" "node1 quiesced
node2 pending JOB7" "... its line names the running job"
like "$err" "the timeout passed with a node still pending" "... and stderr says why"
[ "$elapsed_ms" -ge 2000 ] && [ "$elapsed_ms" -lt 8000 ]
ok $? "... after the timeout, and not much later (${elapsed_ms} ms)"

behaviours iws node1="answer 0" node2="never"
q quiesce iws --timeout 2
is "$rc" 4 "node2 silent at the timeout: 4"
is "$out" "node1 quiesced
node2 no answer" "... its line says no answer"

behaviours iws node1="pending 0 JOB1" node2="never"
q quiesce iws --timeout 2
is "$rc" 4 "one node pending, one silent: 4 wins over 3"
is "$out" "node1 pending JOB1
node2 no answer" "... both lines"

behaviours iws node1="answer 0" node2="stale 0"
q quiesce iws --timeout 2
is "$rc" 4 "node2 answers with another request's id: not an answer, 4"
is "$(cat "$ATTRD/node2/iws-quiesce-state")" "q1-1 quiesced" \
    "... (its state holds the stale answer)"
is "$out" "node1 quiesced
node2 no answer" "... node2: no answer"

# ---- a node fails, or attrd goes away: 1 ----------------------------------------------------
behaviours iws node1="answer 0" node2="failed 0 conman: AWSBHU001E"
q quiesce iws --timeout 20
is "$rc" 1 "node2 answers failed: 1"
is "$out" "node1 quiesced
node2 failed conman: AWSBHU001E" "... its line gives the reason"
[ "$elapsed_ms" -lt 8000 ]
ok $? "... once every node answered for good, before the timeout (${elapsed_ms} ms)"

behaviours iws node1="down 500" node2="never"
q quiesce iws --timeout 3
is "$rc" 1 "pacemaker-attrd goes away during the wait: 1"
like "$err" "cannot read the answers: attrd_updater -Q -A -n iws-quiesce-state returned 102" \
    "... saying why"
rm -f "$ATTRD/down"

finish
