#!/usr/bin/env bash
# OCF conformance of every agent in this provider tree, against the real tools:
# the OCF 1.1 RELAX NG schema, resource-agents' ocf-tester, Pacemaker's crm_resource.
. "$top_srcdir/tests/agents/lib.sh"

[ -f "${OCF_SCHEMA:-}" ] || skip_all "OCF 1.1 schema not found (configure --with-ocf-schema)"
[ "$(id -u)" -eq 0 ] || skip_all "crm_resource needs an agent under /usr/lib/ocf: run as root"

emu_world lhC
E=$EMUBIN
# Every agent's parameters for a logical host that can really start here.
params_jp1base=(logical_host=lhC shared_dir="$world/shdsk/lhC" start_cmd="$E/jbs_start.cluster"
    stop_cmd="$E/jbs_stop.cluster" kill_cmd="$E/jbs_killall.cluster" status_cmd="$E/jbs_spmd_status")
params_jp1im=(logical_host=lhC shared_dir="$world/shdsk/lhC" start_cmd="$E/jco_start.cluster"
    stop_cmd="$E/jco_stop.cluster" kill_cmd="$E/jco_killall.cluster" status_cmd="$E/jco_spmd_status"
    base_status_cmd="$E/jbs_spmd_status" use_imdb=true dbstatus_cmd="$E/jimdbstatus")
params_ajs3=(logical_host=lhC shared_dir="$world/shdsk/lhC" start_cmd="$E/jajs_start.cluster"
    stop_cmd="$E/jajs_stop.cluster" kill_cmd="$E/jajs_killall.cluster" status_cmd="$E/jajs_spmd_status"
    base_status_cmd="$E/jbs_spmd_status" scheduler_status_cmd="$E/ajsstatus")
"$EMU" setup lhC "$world/shdsk/lhC" --imdb >/dev/null

# A provider of our own under the real OCF root, for crm_resource; removed at exit.
provider="lhost-check-$$"
provider_dir="/usr/lib/ocf/resource.d/$provider"
mkdir -m 755 -p "$provider_dir"
iws_reset() { # the IWS installations' processes, at exit
    local r
    for r in "$world"/iws?/TWS/bin/iwsemu "$world"/ctm?/ctm_server/exe/ctmemu; do
        [ -x "$r" ] && "$r" reset >/dev/null 2>&1
    done
}
trap 'rm -rf "$provider_dir"; iws_reset; emu_teardown' EXIT

# crm_resource --force-* read the resource from a CIB file, as on a node without a cluster.
make_cib() { # make_cib AGENT PARAM=VALUE...
    local agent=$1 nv="" i=0 p
    shift
    for p in "$@"; do
        i=$((i + 1))
        nv+="<nvpair id=\"rsc-$agent-p$i\" name=\"${p%%=*}\" value=\"${p#*=}\"/>"
    done
    export CIB_file="$world/cib-$agent.xml"
    cibadmin --empty >"$CIB_file"
    cibadmin --create -o resources --xml-text "<primitive id=\"rsc_$agent\" class=\"ocf\" \
provider=\"$provider\" type=\"$agent\"><instance_attributes id=\"rsc_$agent-ia\">$nv\
</instance_attributes></primitive>"
}

force() { # force ACTION AGENT -> rc
    crm_resource "--force-$1" -r "rsc_$2" >/dev/null 2>&1
    rc=$?
}

bad_option=logical_host # a parameter of the agent that refuses the value '-rf'
check_agent() { # check_agent NAME PARAM=VALUE...
    local name=$1 opts=() p
    shift
    # Installed as make install would (mode 755 under the OCF root): ocf-tester runs
    # the agent as an unprivileged user, who may not reach a private build tree.
    install -m 755 "$AGENTS/$name" "$provider_dir/$name"

    "$AGENTS/$name" meta-data >"$world/$name.xml"
    "$XMLLINT" --noout --relaxng "$OCF_SCHEMA" "$world/$name.xml" 2>"$world/rng.err"
    ok $? "$name: meta-data validates against the OCF 1.1 schema"
    like "$(sed -n 3p "$world/$name.xml")" "<version>1.1</version>" "$name: meta-data declares OCF 1.1"

    for p in "$@"; do opts+=(-o "$p"); done
    "$OCF_TESTER" -n "rsc_$name" "${opts[@]}" "$provider_dir/$name" >"$world/tester.out" 2>&1
    failures=$(grep -c '^\* rc=' "$world/tester.out")
    is "$failures" 1 "$name: ocf-tester reports exactly one failure"
    like "$(grep '^\* rc=' "$world/tester.out")" "does not conform to ra-api-1.dtd" \
        "$name: ... the old-DTD meta-data check, which OCF 1.1 meta-data cannot pass"
    like "$(tail -1 "$world/tester.out")" "failed 1 tests" "$name: ... and ocf-tester counts nothing else"

    opts=()
    for p in "$@"; do opts+=(--option "$p"); done
    crm_resource --validate --class ocf --provider "$provider" --agent "$name" "${opts[@]}" >/dev/null 2>&1
    is "$?" 0 "$name: crm_resource --validate accepts the configuration"
    crm_resource --validate --class ocf --provider "$provider" --agent "$name" "${opts[@]}" \
        --option "$bad_option"='-rf' --output-as=xml >"$world/validate.xml" 2>&1
    like "$(grep -o 'agent-status code="[0-9]*"' "$world/validate.xml")" 'code="6"' \
        "$name: crm_resource --validate of a bad $bad_option: not configured"
    like "$(cat "$world/validate.xml")" "reason=\"parameter &apos;$bad_option&apos;|reason=\"parameter '$bad_option'" \
        "$name: ... with the agent's exit reason"

    make_cib "$name" "$@"
    force check "$name"; is "$rc" 7 "$name: crm_resource --force-check before start: not running"
    force start "$name"; is "$rc" 0 "$name: crm_resource --force-start"
    force check "$name"; is "$rc" 0 "$name: crm_resource --force-check: running"
    force stop "$name"; is "$rc" 0 "$name: crm_resource --force-stop"
    force check "$name"; is "$rc" 7 "$name: crm_resource --force-check after stop: not running"
}

check_agent jp1base "${params_jp1base[@]}"
# JP1/IM - Manager starts only where JP1/Base of its logical host runs.
"$E/jbs_start.cluster" lhC
check_agent jp1im "${params_jp1im[@]}"
# JP1/AJS3 - Manager too.
check_agent ajs3 "${params_ajs3[@]}"

# IWS, a promotable clone: the agent's installation is a backup master (BCF) of a
# domain whose master MCF runs outside it, so that a started instance monitors 0 and
# ocf-tester's promote/demote cycle (which it runs on a started resource, checking
# the codes of promote and demote only) switches to BCF and back to MCF. Node
# attributes go to the fake attrd (tests/agents/fakes), this node's name being its
# host name, as neither tool says which node it is.
IWSEMU="$top_builddir/tests/emulators/iwsemu"
"$IWSEMU" setup "$world/iwsm" MCF "$world/iwsdom" --master >/dev/null
"$IWSEMU" setup "$world/iwsb" BCF "$world/iwsdom" >/dev/null
export IWSEMU_TIME_SCALE=0.05 LH_FAKE_ATTRD="$world/attrd" PATH="$top_srcdir/tests/agents/fakes:$PATH"
"$world/iwsm/TWS/bin/StartUp" >/dev/null && "$world/iwsm/TWS/bin/conman" start >/dev/null
"$world/iwsm/TWS/bin/JnextPlan" >/dev/null
bad_option=tws_user
check_agent iws twa_home="$world/iwsb" switch_settle=1 link_wait=3
is "$(grep -cE 'does not support the (notify|demote|promote) action|partially supports' "$world/tester.out")" 0 \
    "iws: ocf-tester found promote, demote and notify"
like "$(awk '$3 == "conman" && $4 ~ /^switchm/ { printf "%s ", $5 }' "$world/iwsb/emu/log")" \
    "MASTERDM;BCF .*MASTERDM;MCF" "iws: ... its promote switched to BCF, its demote back to MCF"
is "$("$world/iwsm/TWS/bin/conman" sc | awk '$4 == "MASTER" { print $1 }')" MCF \
    "iws: ... and after its promote/demote cycle MCF is the master again"

# ctmplex, a promotable clone: the agent's installation (member MC1) alone on its CF,
# automatic recovery off; ocf-tester's promote/demote cycle makes it the Global
# (ctmplex GLOBAL) and a Local again (ctmplex LOCAL), checked in the emulator's log.
# The refused value goes to status_codes ('-rf' is no ROLE=CODE).
"$top_builddir/tests/emulators/ctmemu" setup "$world/ctmc" MC1 "$world/ctmcf" >/dev/null
export CTMEMU_TIME_SCALE=0.05 CTMEMU_TAKEOVER=0
bad_option=status_codes
check_agent ctmplex ctm_home="$world/ctmc" recovert=0
is "$(grep -cE 'does not support the (notify|demote|promote) action|partially supports' "$world/tester.out")" 0 \
    "ctmplex: ocf-tester found promote, demote and notify"
like "$(awk '$3 == "ctmplex" && $5 == "->" { printf "%s ", $4 }' "$world/ctmc/emu/log")" \
    "GLOBAL .*LOCAL" "ctmplex: ... its promote ran GLOBAL, its demote LOCAL"
# watch: lhost-watchd from this build over a records directory of the world's (no
# record in it, so no crm_resource is run); its pidfile and blackbox there too. The
# refused value goes to pidfile ('-rf' is no absolute path).
bad_option=pidfile
check_agent watch watchd="$top_builddir/agents/lhost-watchd" record_dir="$world/watchrec" \
    pidfile="$world/watchd.pid" blackbox="$world/watchd.blackbox"
finish
