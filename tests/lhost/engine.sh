#!/usr/bin/env bash
# The lhost command running a real logical host: ocf:heartbeat:Filesystem over a
# loop device, ocf:heartbeat:IPaddr2 on a veth, jp1base and jp1im on the emulators,
# all inside a network and mount namespace this test makes (nothing outside it is
# touched but one loop device). The order of events is read from the members' own
# log lines: every member appends to one HA_LOGFILE (resource-agents' ocf_log and
# our agents alike), one write per line.
. "$(dirname "$0")/lib.sh"

lhost_ns_can_run || skip_all "$lhost_ns_missing"

LH=lhE
emu_world "$LH"
lhost_world
export HA_LOGFILE="$world/ha.log"
lhost_ns_up "$LH"
write_definition() { lhost_ns_definition "$LH" "$@"; }
setup_shared_disk() { lhost_ns_setup_shared_disk "$LH"; }
set_member_key() { # set_member_key MEMBER KEY VALUE: adds a line to [member MEMBER]
    sed -i "/^\[member $1\]/a $2 = $3" "$world/defs/$LH.conf"
}

# ---- what a user checks: mounted, address up, processes alive ---------------------
is_mounted() { in_ns grep -q " $world/shdsk " /proc/mounts; }
has_ip() { in_ns ip -o addr show dev lhv1 | grep -q ' 10.99.0.10/24 '; }
state() { # "disk ip base manager" flags: 1 up, 0 down
    local d=0 i=0 b=0 m=0
    is_mounted && d=1
    has_ip && i=1
    [ -n "$(emu_pids "$LH" jbs_spmd)" ] && b=1
    [ -n "$(emu_pids "$LH" jco_spmd)" ] && m=1
    echo "$d $i $b $m"
}
# The members in the order of their first log line for ACTION (start, stop; any:
# whatever the line) since the log was emptied. Each agent's own words are used:
# IPaddr2's send_arp, left in the background by a start, logs whenever it ends.
log_order() { # log_order start|stop|any
    local tag words
    for tag in "Filesystem($LH-disk)" "IPaddr2($LH-ip)" "jp1base($LH-base)" "jp1im($LH-manager)" \
        "ajs3($LH-ajs)"; do
        case "$1:${tag%%(*}" in
            start:Filesystem | stop:Filesystem) words="Running $1 for" ;;
            start:IPaddr2) words="Adding inet address" ;;
            stop:IPaddr2) words="IP status = " ;;
            start:jp1base | stop:jp1base) words="jbs_$1.cluster" ;;
            start:jp1im | stop:jp1im) words="jco_$1.cluster" ;;
            start:ajs3 | stop:ajs3) words="jajs_$1.cluster" ;;
            *) words="" ;;
        esac
        grep -n -F "$tag" "$HA_LOGFILE" | grep -F -- "$words" | head -1 | cut -d: -f1 \
            | sed "s/\$/ ${tag%%(*}/"
    done | sort -n | awk '{print $2}' | tr '\n' ' ' | sed 's/ $//'
}
fresh_log() { : >"$HA_LOGFILE"; }

# ---- a valid definition ------------------------------------------------------------
write_definition
lhost check "$LH"
is "$rc" 0 "check: the definition is valid against the members' own meta-data"
like "$out" "disk -> ip -> base -> manager" "... and names the members in order"

lhost monitor "$LH"
is "$rc" 7 "monitor before start: 7 (not running)"

fresh_log
lhost start "$LH"
is "$rc" 0 "start: 0"
is "$(state)" "1 1 1 1" "the disk is mounted, the IP is up, JP1/Base and JP1/IM run"
is "$(log_order start)" "Filesystem IPaddr2 jp1base jp1im" \
    "the members' own logs show the start order disk -> ip -> base -> manager"
jbs_line=$(grep -n ' jbs_start.cluster ' "$JP1EMU_ROOT/log" | tail -1 | cut -d: -f1)
jco_line=$(grep -n ' jco_start.cluster ' "$JP1EMU_ROOT/log" | tail -1 | cut -d: -f1)
[ -n "$jbs_line" ] && [ -n "$jco_line" ] && [ "$jbs_line" -lt "$jco_line" ]
ok $? "the emulator's own log: jbs_start.cluster ended before jco_start.cluster"
in_ns test -s "$world/shdsk/$LH/jp1base/emu/procs" && [ ! -e "$world/shdsk/$LH/jp1base/emu/procs" ]
ok $? "JP1/Base keeps its run state on the mounted shared disk (not visible outside the namespace)"

lhost start "$LH"
is "$rc" 0 "start again while running: 0 (idempotent)"
lhost monitor "$LH"
is "$rc" 0 "monitor: 0 (every member running)"
lhost status "$LH"
is "$(printf '%s\n' "$out" | grep -c " running ")" 4 "status: four members running"
like "$out" "$LH +running" "status: the logical host is running"

# ---- a member fails while running ----------------------------------------------------
kill -9 $(emu_pids "$LH" jcamain)
lhost monitor "$LH"
is "$rc" 1 "a JP1/IM process killed: monitor gives 1"
like "$err" "3 of 4 members running: manager \(ocf:lhost:jp1im\) monitor returned OCF_ERR_GENERIC" \
    "... naming the member and what its agent said"
lhost status "$LH"
like "$(printf '%s\n' "$out" | grep ' manager ')" "FAILED" "status: the manager FAILED, the rest running"

# ---- stop, in reverse ----------------------------------------------------------------
fresh_log
lhost stop "$LH"
is "$rc" 0 "stop: 0"
is "$(state)" "0 0 0 0" "nothing mounted, no address, no JP1 process"
is "$(log_order stop)" "jp1im jp1base IPaddr2 Filesystem" "the members' logs show the stop order reversed"
lhost monitor "$LH"
is "$rc" 7 "monitor after stop: 7"
lhost stop "$LH"
is "$rc" 0 "stop again: 0 (idempotent)"

# ---- a start failure at each member in turn: rollback ---------------------------------
start_fails_at() { # start_fails_at MEMBER EXPECTED-ORDER DESCRIPTION
    fresh_log
    lhost start "$LH"
    start_err=$err
    [ "$rc" -ne 0 ]
    ok $? "$3: start fails (rc $rc)"
    like "$err" "start $LH: .*$1 \(ocf:[^)]*\) start returned" "... naming member $1"
    is "$(state)" "0 0 0 0" "... and nothing is left running"
    is "$(log_order any)" "$2" "... members ran in the order $2"
    is "$(log_order stop)" "$(echo "$2" | tr ' ' '\n' | tac | tr '\n' ' ' | sed 's/ $//')" \
        "... and were stopped in reverse"
    lhost monitor "$LH"
    is "$rc" 7 "... monitor afterwards: 7"
}

write_definition /dev/lhE-no-such-disk
start_fails_at disk "Filesystem" "the shared disk is missing"
like "$start_err" "the operation's log is in $world/state/$LH.blackbox" "... and says where its log is"
lhost blackbox "$LH"
like "$out" "start disk: OCF_ERR_INSTALLED .*Couldn't find device" \
    "lhost blackbox: the flight recording has the member's result"
like "$out" "start $LH: OCF_ERR_INSTALLED" "... and the operation's"

write_definition "$disk" lhE-no-nic
start_fails_at ip "Filesystem IPaddr2" "the IP's interface is missing"
# Order alone does not show the rollback: the disk must have been stopped after the IP.
grep -q "Filesystem($LH-disk).*unmounted" "$HA_LOGFILE"
ok $? "... the disk mounted before it was unmounted again"

write_definition
set_member_key base op.start.timeout 3s
inject_flag "$LH" jp1base.start-never-completes
start_fails_at base "Filesystem IPaddr2 jp1base" "JP1/Base never completes its start"
clear_injections "$LH"

write_definition
set_member_key manager op.start.timeout 3s
inject_flag "$LH" jp1cons.start-never-completes
start_fails_at manager "Filesystem IPaddr2 jp1base jp1im" "JP1/IM never completes its start"
grep -q "jbs_killall.cluster $LH" "$HA_LOGFILE"
ok $? "... JP1/Base, started before it, went through its stop and forced termination"
clear_injections "$LH"

# ---- a stop failure does not keep the other members up --------------------------------
write_definition
set_member_key manager op.stop.timeout 3s
lhost start "$LH"
is "$rc" 0 "start again"
inject "$LH" jco_stop.cluster 0
inject "$LH" jco_killall.cluster 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
lhost stop "$LH"
is "$rc" 1 "JP1/IM cannot be stopped (its stop and killall do nothing): stop gives 1"
like "$err" "1 of 4 members did not stop: manager" "... naming the manager"
is "$(state)" "0 0 0 1" "... JP1/Base, the IP and the disk were stopped all the same"
clear_injections "$LH"
"$EMU" reset "$LH" >/dev/null

# ---- kill: forced termination even when a stop command hangs ---------------------------
write_definition
setup_shared_disk # the reset cleared this node's emulator state
lhost start "$LH"
is "$rc" 0 "start again"
inject "$LH" jco_stop.cluster hang
inject "$LH" jbs_stop.cluster hang
fresh_log
lhost kill "$LH"
is "$rc" 0 "kill with both JP1 stop commands hanging: 0"
is "$(state)" "0 0 0 0" "... everything is down"
is "$(log_order stop)" "jp1im jp1base IPaddr2 Filesystem" "... in reverse order"
# kill-timeout is 5 s per member; the two hanging members use most of theirs.
[ "$elapsed_ms" -lt 20000 ]
ok $? "... within the members' kill-timeouts (took ${elapsed_ms} ms, bound 4 x 5 s)"
clear_injections "$LH"

# ---- JP1/AJS3 - Manager as the fifth member, after JP1/IM ---------------------------
ajs_member() { # the [member ajs] group on the emulator
    printf '\n[member ajs]\nagent = ocf:lhost:ajs3\nlogical_host = %s\n' "$LH"
    printf 'shared_dir = %s\nstart_cmd = %s/jajs_start.cluster\n' "$world/shdsk/$LH" "$EMUBIN"
    printf 'stop_cmd = %s/jajs_stop.cluster\nkill_cmd = %s/jajs_killall.cluster\n' "$EMUBIN" "$EMUBIN"
    printf 'status_cmd = %s/jajs_spmd_status\nbase_status_cmd = %s/jbs_spmd_status\n' "$EMUBIN" "$EMUBIN"
    printf 'scheduler_status_cmd = %s/ajsstatus\nstatus_retry_interval = 0\n' "$EMUBIN"
}
write_definition
ajs_member >>"$world/defs/$LH.conf"
lhost check "$LH"
is "$rc" 0 "check: five members, JP1/AJS3 after JP1/IM"
like "$out" "disk -> ip -> base -> manager -> ajs" "... named in order"
lhost cib "$LH"
is "$(printf '%s' "$out" | grep -o '<primitive id="[^"]*"' | cut -d'"' -f2 | tr '\n' ' ')" \
    "$LH-disk $LH-ip $LH-base $LH-manager $LH-ajs " "cib: the Pacemaker group orders JP1/AJS3 last"
fresh_log
lhost start "$LH"
is "$rc" 0 "start with JP1/AJS3: 0"
is "$(log_order start)" "Filesystem IPaddr2 jp1base jp1im ajs3" "... JP1/AJS3 starts last"
[ -n "$(emu_pids "$LH" jajs_schd)" ]
ok $? "... and its scheduler service runs"
lhost monitor "$LH"
is "$rc" 0 "monitor: all five running"
kill -9 $(emu_pids "$LH" jajs_schd)
lhost monitor "$LH"
is "$rc" 1 "the scheduler service killed alone: monitor gives 1"
like "$err" "4 of 5 members running: ajs \(ocf:lhost:ajs3\) monitor returned OCF_ERR_GENERIC" \
    "... naming the AJS3 member"
fresh_log
lhost stop "$LH"
is "$rc" 0 "stop: 0"
is "$(log_order stop)" "ajs3 jp1im jp1base IPaddr2 Filesystem" "... JP1/AJS3 stops first"
# AJS3 placed before JP1/IM: the file and line of the misplaced member.
write_definition
ajs_member >"$world/ajs.member"
awk -v ajs="$world/ajs.member" '/^\[member manager\]/ { while ((getline l < ajs) > 0) print l; print "" } { print }' \
    "$world/defs/$LH.conf" >"$world/defs/$LH.conf.new" && mv "$world/defs/$LH.conf.new" "$world/defs/$LH.conf"
line=$(grep -n '^\[member ajs\]' "$world/defs/$LH.conf" | cut -d: -f1)
fresh_log
lhost start "$LH"
is "$rc" 6 "JP1/AJS3 before JP1/IM: start gives 6 and runs nothing"
like "$err" "$LH.conf:$line: member 'ajs' \(ocf:lhost:ajs3\) comes before 'manager'" \
    "... with the file and line of the AJS3 member"
[ ! -s "$HA_LOGFILE" ]
ok $? "... and no member ran"

# ---- a bad definition runs nothing ------------------------------------------------------
write_definition
sed -i '/^ip = /d' "$world/defs/$LH.conf"
fresh_log
lhost start "$LH"
is "$rc" 6 "a definition without the IP's address: start gives 6 (not configured)"
line=$(grep -n '^\[member ip\]' "$world/defs/$LH.conf" | cut -d: -f1)
like "$err" "$LH.conf:$line: member 'ip' \(ocf:heartbeat:IPaddr2\) lacks the required parameter 'ip'" \
    "... with the file and line of the member"
[ ! -s "$HA_LOGFILE" ]
ok $? "... and no member ran"
is "$(state)" "0 0 0 0" "... nothing was started"

finish
