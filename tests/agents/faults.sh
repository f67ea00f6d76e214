#!/usr/bin/env bash
# Faults, black-box: the real agent binaries against the JP1 emulator when things go
# wrong around them. Status commands that hang, die by a signal, flood their output,
# close it early or return any code 0..255; the agent itself SIGKILLed in the middle
# of start and of stop, as Pacemaker does at a timeout; a state directory that is
# read-only, full, or holds a damaged file or a planted link; concurrent actions; and
# the wall clock jumping under a running action.
#
# What every case must show: a defined OCF code with an exit reason (none for
# success, nor for "not running" in a probe), within the action's deadline
# (OCF_RESKEY_CRM_meta_timeout), nothing the agent started left behind, and the
# product in the state the answer says. Expected OCF codes come from PRODUCTS.md
# section 1, the OCF 1.1 spec and DESIGN.md.
. "$(dirname "$0")/lib.sh"

emu_world lhFb lhFi lhFj
"$EMU" setup lhFi "$world/shdsk/lhFi" --imdb >/dev/null
marker="faults-$$-$RANDOM" # in every agent's environment, so in its children's
bin="$world/bin"
mkdir -p "$bin"
base_env=(
    LHOST_FAULTS="$marker" HA_LOGFILE="$world/agent.log"
    OCF_RESKEY_logical_host=lhFb OCF_RESKEY_shared_dir="$world/shdsk/lhFb"
    OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=10000
)
agent_env=("${base_env[@]}")
agent_prefix=(timeout -k 2 60) # a hang of the agent itself fails, and ends
MON=OCF_RESKEY_CRM_meta_interval=30000
PROBE=OCF_RESKEY_CRM_meta_interval=0
statefile="$HA_RSCTMP/lhost-jp1base-rsc_jp1base.state" # lib/runtime/state.c: lhost-AGENT-RESOURCE.state

# Processes the agents started that are not the product's own daemons: status,
# start, stop or kill commands still alive, and whatever those left.
stray() {
    local daemons p
    daemons=" $("$EMU" ps | awk '{printf "%s ", $1}')"
    for p in $(marked_processes "LHOST_FAULTS=$marker"); do
        case $daemons in *" ${p%%(*} "*) ;; *) echo "$p" ;; esac
    done
}
# Killed commands are reaped at once, but give a SIGKILLed group a moment to go.
no_strays() { # no_strays DESCRIPTION
    local i left
    for i in 1 2 3 4 5 6 7 8 9 10; do
        left=$(stray)
        [ -z "$left" ] && break
        sleep 0.1
    done
    is "$left" "" "$1"
}
count() { "$EMU" ps "$1" | wc -l | tr -d ' '; }
script() { # script NAME BODY: a status command of our own in $bin
    printf '#!/bin/bash\n%s\n' "$2" >"$bin/$1"
    chmod +x "$bin/$1"
}
# A reason is due unless the answer is success, or "not running" in a probe.
reason_due() { # reason_due RC PROBE(yes|no); 8 (running promoted) is a success too
    [ "$1" -ne 0 ] && [ "$1" -ne 8 ] && ! { [ "$1" -eq 7 ] && [ "$2" = yes ]; }
}

echo "# $SECONDS s into the file"
# ---- status commands that misbehave, while the product runs -------------------------
agent jp1base start
is "$rc" 0 "start: the product runs (the status commands below lie about nothing else)"
real="$EMUBIN/jbs_spmd_status"
script killed9 'kill -KILL $$'
script killed11 'kill -SEGV $$'
script flood "head -c 8388608 /dev/zero; head -c 8388608 /dev/urandom >&2; exec '$real' \"\$@\""
script flood-forever 'exec yes "$(head -c 4096 /dev/zero | tr "\0" x)"'
script closes-early "exec >&- 2>&-; sleep 0.2; exec '$real' \"\$@\""
# Closes its output, ignores SIGTERM (so does the sleep it waits for): only the
# SIGKILL of its whole process group ends it.
script closes-and-hangs "exec >&- 2>&-; trap '' TERM; sleep 600"

# misbehave SCRIPT|hang EXPECTED_RC REASON_REGEX: monitor and probe, 2 s timeout.
misbehave() {
    local how=$1 want=$2 why=$3 cmd ctx
    cmd="$bin/$how"
    [ "$how" = hang ] && { cmd=$real; inject lhFb jbs_spmd_status hang hang; }
    for ctx in "$MON" "$PROBE"; do
        agent jp1base monitor "$ctx" OCF_RESKEY_status_cmd="$cmd" OCF_RESKEY_CRM_meta_timeout=2000
        is "$rc" "$want" "status command $how, ${ctx#*=} ms monitor: OCF $want"
        [ "$elapsed_ms" -lt 2000 ]
        ok $? "... within the 2000 ms timeout ($elapsed_ms ms)"
        if [ "$want" -ne 0 ]; then
            like "$(reason)" "$why" "... with the reason: $why"
        fi
        [ ${#err} -lt 4096 ]
        ok $? "... and a short stderr (${#err} bytes)"
    done
    no_strays "... nothing of the status command is left"
    clear_injections lhFb
}
misbehave killed9 1 'jbs_spmd_status was killed by signal 9'
misbehave killed11 1 'jbs_spmd_status was killed by signal 11'
misbehave hang 1 'jbs_spmd_status timed out'
misbehave flood 0 ''
misbehave flood-forever 1 'timed out'
misbehave closes-early 0 ''
misbehave closes-and-hangs 1 'timed out'

# A status command that dies at every call: start cannot see running, stop cannot see
# stopped. Both fail within their deadline, with the reason; stop still forces the
# logical host down, so the next start finds nothing.
agent jp1base stop
agent jp1base start OCF_RESKEY_status_cmd="$bin/killed11" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "start with a status command that always crashes: OCF_ERR_GENERIC"
[ "$elapsed_ms" -lt 3000 ]
ok $? "... within the 3000 ms timeout ($elapsed_ms ms)"
like "$(reason)" "did not reach running.*killed by signal 11" "... saying what the status command did"
agent jp1base stop OCF_RESKEY_status_cmd="$bin/killed11" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "stop with a status command that always crashes: OCF_ERR_GENERIC (it cannot verify)"
[ "$elapsed_ms" -lt 3000 ]
ok $? "... within the 3000 ms timeout ($elapsed_ms ms)"
like "$(reason)" "still not stopped.*killed by signal 11" "... saying why"
is "$(count lhFb)" 0 "... and the forced termination has run: nothing of the logical host is left"
no_strays "... nor any command"
agent jp1base monitor "$MON"
is "$rc" 7 "with a working status command again: not running"

# A status command that hangs and ignores SIGTERM: each run of it costs its deadline
# and a grace period before SIGKILL; start and stop must still end within their
# timeout, saying the last thing they really saw.
agent jp1base start OCF_RESKEY_status_cmd="$bin/closes-and-hangs" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "start with a status command that hangs and ignores SIGTERM: OCF_ERR_GENERIC"
[ "$elapsed_ms" -lt 3000 ]
ok $? "... within the 3000 ms timeout ($elapsed_ms ms)"
like "$(reason)" "did not reach running.*last check: jbs_spmd_status timed out after [0-9]{4,} ms" \
    "... reporting the check that ran, not one started at the deadline"
agent jp1base start
agent jp1base stop OCF_RESKEY_status_cmd="$bin/closes-and-hangs" OCF_RESKEY_CRM_meta_timeout=3000
is "$rc" 1 "stop with a status command that hangs and ignores SIGTERM: OCF_ERR_GENERIC (it cannot verify)"
[ "$elapsed_ms" -lt 3000 ]
ok $? "... within the 3000 ms timeout ($elapsed_ms ms)"
is "$(count lhFb)" 0 "... and the forced termination has run all the same: nothing of the logical host is left"
no_strays "... nor of the status command"
agent jp1base stop
is "$rc $(count lhFb)" "0 0" "... and a stop with a working status command finds nothing"

# The same with a status command that hangs: its own -t bounds each run (1 s + 2 s),
# and the stop and forced termination still get their share of the deadline.
agent jp1base start
inject lhFb jbs_spmd_status hang hang hang hang hang hang
agent jp1base stop OCF_RESKEY_status_timeout=1 OCF_RESKEY_CRM_meta_timeout=6000
is "$rc" 1 "stop with a hanging status command: OCF_ERR_GENERIC (it cannot verify)"
[ "$elapsed_ms" -lt 6000 ]
ok $? "... within the 6000 ms timeout ($elapsed_ms ms)"
like "$(reason)" "timed out" "... saying the status command timed out"
is "$(count lhFb)" 0 "... and the forced termination has run: nothing of the logical host is left"
no_strays "... nor any command"
clear_injections lhFb

echo "# $SECONDS s into the file"
# ---- every return code 0..255 ----------------------------------------------------------
# One token per code in the emulator's injection file, one monitor per token (no
# retries, so that each monitor consumes exactly one). Expected, PRODUCTS.md section 1:
# jbs/jco_spmd_status 0 running, 8 stopped, 1 (shared directory here), 4, 12 (out of
# retries) and every undocumented code a failure; jimdbstatus 0 running, 20 this
# node's installation (OCF_ERR_INSTALLED; in a probe a failure, since JP1/IM runs
# here), the rest failures; JP1/AJS3's scheduler check 0 running, any other code a
# failure (out of retries).
spmd_expect() { case $1 in 0) echo 0 ;; 8) echo 7 ;; *) echo 1 ;; esac; }
jimdb_expect() { # jimdb_expect CODE PROBE
    case $1 in 0) echo 0 ;; 20) [ "$2" = yes ] && echo 1 || echo 5 ;; *) echo 1 ;; esac
}
scheduler_expect() { case $1 in 0) echo 0 ;; *) echo 1 ;; esac; }
# sweep AGENT LOGICAL_HOST COMMAND EXPECT-FUNCTION VAR=value...
sweep() {
    local name=$1 lh=$2 cmd=$3 expect=$4 ctx probe code want bad slow runs
    shift 4
    for ctx in "$MON" "$PROBE"; do
        probe=no
        [ "$ctx" = "$PROBE" ] && probe=yes
        bad="" slow=""
        inject "$lh" "$cmd" $(seq 0 255)
        runs=$(emu_runs "$cmd")
        for code in $(seq 0 255); do
            agent "$name" monitor "$ctx" OCF_RESKEY_CRM_meta_timeout=5000 "$@"
            want=$("$expect" "$code" "$probe")
            [ "$rc" = "$want" ] || bad+=" $code->$rc(want $want)"
            if reason_due "$rc" "$probe"; then
                [ -n "$(reason)" ] || bad+=" $code:no-reason"
            fi
            [ "$elapsed_ms" -lt 5000 ] || slow+=" $code:${elapsed_ms}ms"
        done
        is "$bad" "" "$name: $cmd returning each code 0..255 in a ${ctx#*=} ms monitor: the expected OCF code, with a reason"
        is "$slow" "" "... each within the 5000 ms timeout"
        is "$(($(emu_runs "$cmd") - runs))" 256 "... after exactly one run of $cmd each"
    done
    clear_injections "$lh"
}
agent jp1base start
sweep jp1base lhFb jbs_spmd_status spmd_expect OCF_RESKEY_status_retries=0
agent jp1base stop

im_env=(
    OCF_RESKEY_logical_host=lhFi OCF_RESKEY_shared_dir="$world/shdsk/lhFi" OCF_RESKEY_use_imdb=true
    OCF_RESKEY_start_cmd="$EMUBIN/jco_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jco_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jco_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jco_spmd_status"
    OCF_RESKEY_dbstatus_cmd="$EMUBIN/jimdbstatus" OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status"
    OCF_RESKEY_status_retries=0 OCF_RESKEY_dbstatus_retries=0
)
"$EMUBIN/jbs_start.cluster" lhFi >/dev/null
agent jp1im start "${im_env[@]}"
is "$rc" 0 "jp1im start (JP1/Base of lhFi runs)"
sweep jp1im lhFi jco_spmd_status spmd_expect "${im_env[@]}"
sweep jp1im lhFi jimdbstatus jimdb_expect "${im_env[@]}"
agent jp1im stop "${im_env[@]}"
"$EMU" reset lhFi >/dev/null

ajs_env=(
    OCF_RESKEY_logical_host=lhFj OCF_RESKEY_shared_dir="$world/shdsk/lhFj"
    OCF_RESKEY_start_cmd="$EMUBIN/jajs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jajs_stop.cluster"
    OCF_RESKEY_kill_cmd="$EMUBIN/jajs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jajs_spmd_status"
    OCF_RESKEY_base_status_cmd="$EMUBIN/jbs_spmd_status" OCF_RESKEY_scheduler_status_cmd="$EMUBIN/ajsstatus"
    OCF_RESKEY_status_retries=0
)
"$EMUBIN/jbs_start.cluster" lhFj >/dev/null
agent ajs3 start "${ajs_env[@]}"
is "$rc" 0 "ajs3 start (JP1/Base of lhFj runs)"
sweep ajs3 lhFj jajs_spmd_status spmd_expect "${ajs_env[@]}"
sweep ajs3 lhFj ajsstatus scheduler_expect "${ajs_env[@]}"
agent ajs3 stop "${ajs_env[@]}"
"$EMU" reset lhFj >/dev/null

# IWS: conman's code in a monitor and a probe of a running master (its first command
# is showcpus, run once). An injected code ends conman before it prints anything: no
# showcpus table is a failure (1), never "not configured", whatever the code. The IWS
# emulator is given this world's emulator root (IWSEMU_ROOT) for its log and
# injections, so that inject and emu_runs serve it too (workstation LHFW).
iws_expect() { echo 1; }
"$top_builddir/tests/emulators/iwsemu" setup "$world/iws" LHFW "$world/iwsdom" --master >/dev/null
iws_env=(
    OCF_RESOURCE_INSTANCE=rsc_iws:0 OCF_RESKEY_twa_home="$world/iws" IWSEMU_ROOT="$JP1EMU_ROOT"
    IWSEMU_TIME_SCALE=0.05 LH_FAKE_ATTRD="$world/attrd" PATH="$top_srcdir/tests/agents/fakes:$PATH"
)
trap '"$world/iws/TWS/bin/iwsemu" reset >/dev/null 2>&1; emu_teardown' EXIT
agent iws start "${iws_env[@]}"
is "$rc" 0 "iws start (the master LHFW)"
agent iws monitor "$MON" "${iws_env[@]}"
is "$rc" 8 "iws monitor: the master, 8"
sweep iws LHFW conman iws_expect "${iws_env[@]}"
agent iws stop "${iws_env[@]}"
is "$rc:$("$world/iws/TWS/bin/iwsemu" ps | wc -l)" 0:0 "iws stop: nothing of LHFW is left"

# ctmplex: status_ctm's code in a monitor and a probe of a running Global (member
# LHFC, alone on its CF, automatic recovery off so that no CF attempt runs). The
# agent's status_codes table (the default, README.ctm): 0 global (8), 11 local (0),
# 12 standalone (191), 13 paused (190), 14 down and 15 shut (7); every other code is
# no role: a failure (1), never read as one. ctmemu is given this world's emulator
# root (CTMEMU_ROOT) for its log and injections, so inject and emu_runs serve it.
ctm_expect() {
    case $1 in 0) echo 8 ;; 11) echo 0 ;; 12) echo 191 ;; 13) echo 190 ;; 14 | 15) echo 7 ;; *) echo 1 ;; esac
}
"$top_builddir/tests/emulators/ctmemu" setup "$world/ctm" LHFC "$world/ctmcf" >/dev/null
ctm_env=(
    OCF_RESOURCE_INSTANCE=rsc_ctm:0 OCF_RESKEY_ctm_home="$world/ctm" OCF_RESKEY_recovert=0
    OCF_RESKEY_start_cmd= OCF_RESKEY_stop_cmd= OCF_RESKEY_status_cmd= # not jp1base's: the defaults
    CTMEMU_ROOT="$JP1EMU_ROOT" CTMEMU_TIME_SCALE=0.05 CTMEMU_TAKEOVER=0
    LH_FAKE_ATTRD="$world/attrd" PATH="$top_srcdir/tests/agents/fakes:$PATH"
)
trap '"$world/iws/TWS/bin/iwsemu" reset >/dev/null 2>&1; "$world/ctm/ctm_server/exe/ctmemu" reset >/dev/null 2>&1; emu_teardown' EXIT
agent ctmplex start "${ctm_env[@]}"
is "$rc" 0 "ctmplex start (the member LHFC)"
agent ctmplex promote "${ctm_env[@]}"
is "$rc" 0 "ctmplex promote: LHFC the Global"
agent ctmplex monitor "$MON" OCF_RESKEY_CRM_meta_role=Promoted "${ctm_env[@]}"
is "$rc" 8 "ctmplex monitor: the Global, 8"
sweep ctmplex LHFC status_ctm ctm_expect "${ctm_env[@]}"
agent ctmplex stop "${ctm_env[@]}"
is "$rc:$("$world/ctm/ctm_server/exe/ctmemu" ps | wc -l)" 0:0 "ctmplex stop: nothing of LHFC is left"
no_strays "after 3584 monitors, no status command is left"

# The cluster commands' own codes prove nothing (PRODUCTS.md): only the start
# command's 1 (argument error) is an answer. Commands that do their job and then
# return a sample of codes; and a stop command and a first forced termination that
# do nothing at all (injected codes), which stop must see through.
for c in start stop killall; do
    script "jbs_$c" "\"$EMUBIN/jbs_$c.cluster\" \"\$@\"; exit \$LHOST_CODE"
done
codes_env=(OCF_RESKEY_start_cmd="$bin/jbs_start" OCF_RESKEY_stop_cmd="$bin/jbs_stop"
    OCF_RESKEY_kill_cmd="$bin/jbs_killall")
for code in 0 1 2 4 127 128 255; do
    agent jp1base start "${codes_env[@]}" LHOST_CODE="$code"
    if [ "$code" -eq 1 ]; then
        is "$rc" 5 "start command returning 1 (argument error): OCF_ERR_INSTALLED"
        like "$(reason)" "rejected logical host 'lhFb'" "... saying so"
    else
        is "$rc $(count lhFb)" "0 8" "start command returning $code: start polls the status command and succeeds"
    fi
    agent jp1base stop "${codes_env[@]}" LHOST_CODE="$code"
    is "$rc $(count lhFb)" "0 0" "stop and forced termination returning $code: stop verifies, nothing left"
    inject lhFb jbs_stop.cluster "$code"
    inject lhFb jbs_killall.cluster "$code" real
    agent jp1base start
    agent jp1base stop
    is "$rc $(count lhFb)" "0 0" "stop and a forced termination doing nothing but return $code: stop forces again, nothing left"
    clear_injections lhFb
done

echo "# $SECONDS s into the file"
# ---- the agent SIGKILLed in the middle of start and of stop -----------------------------
# As pacemaker-execd at a timeout: the agent leads a process group of its own, and
# the whole group gets SIGKILL. Slower emulated products (start-up 900 ms, stop
# 300 ms) so that "the middle" lasts.
slow=(JP1EMU_TIME_SCALE=0.3)
# spawn_agent ACTION: the agent in a session of its own (so its own process group),
# in the background, not a child of ours; its pid (= its group) in $spawned.
spawn_agent() {
    spawned=$(env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=rsc_jp1base "${agent_env[@]}" \
        "${slow[@]}" setsid -f sh -c 'echo $$; exec "$0" "$1" >/dev/null 2>&1' "$AGENTS/jp1base" "$1")
}
wait_until() { # wait_until SECONDS COMMAND...: polls every 20 ms
    local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
    until "${@:2}"; do
        [ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
        sleep 0.02
    done
}
some_up() { [ "$(count lhFb)" -ge 1 ] && [ "$(count lhFb)" -lt 8 ]; }
stopping() { [ "$(count lhFb)" -lt 8 ]; }
commands_gone() { [ -z "$(stray)" ]; }

spawn_agent start
wait_until 10 some_up
ok $? "start under way: $(count lhFb) of 8 processes up"
kill -KILL -- "-$spawned"
agent jp1base stop "${slow[@]}" OCF_RESKEY_CRM_meta_timeout=20000
is "$rc" 0 "the agent SIGKILLed in the middle of start: the next stop succeeds"
is "$(count lhFb)" 0 "... and leaves the logical host clean"
sleep 1
is "$(count lhFb)" 0 "... which it still is a second later"
# The killed agent's start command ran on in a process group of its own (which is
# how lh_run keeps the product's daemons out of reach of an agent's death): the next
# action ends it first, from the record the killed agent left (lhost/inflight.h).
is "$(stray)" "" "... and the killed agent's start command is gone"
like "$(cat "$world/agent.log")" "left by agent [0-9]+, which is gone: ended" \
    "... ended by the stop, which says so in the log"
agent jp1base monitor "$MON"
is "$rc" 7 "... and the next monitor says not running"

agent jp1base start "${slow[@]}" OCF_RESKEY_CRM_meta_timeout=20000
is "$(count lhFb)" 8 "started again: all eight processes up"
spawn_agent stop
wait_until 10 stopping
ok $? "stop under way: $(count lhFb) of 8 processes left"
kill -KILL -- "-$spawned"
wait_until 20 commands_gone
n=$(count lhFb)
agent jp1base monitor "$MON"
case $n in 8) want=0 ;; 0) want=7 ;; *) want=1 ;; esac
is "$rc" "$want" "the agent SIGKILLed in the middle of stop: the next monitor tells the truth ($n processes: OCF $want)"
agent jp1base stop "${slow[@]}" OCF_RESKEY_CRM_meta_timeout=20000
is "$rc $(count lhFb)" "0 0" "... the next stop succeeds and leaves the logical host clean"
agent jp1base monitor "$MON"
is "$rc" 7 "... and the monitor after it says not running"
no_strays "... nothing of the killed agents is left"

echo "# $SECONDS s into the file"
# ---- the state directory --------------------------------------------------------------
# start records its time in the resource's state file (agents/jp1.c), stop too. The
# file is informative only: whatever is wrong with it, start and stop do their job,
# the log says why nothing was recorded, and nothing is written through a link.
agent jp1base start
is "$rc" 0 "start with a usable state directory"
[ -f "$statefile" ] && grep -q '^last_start=' "$statefile"
ok $? "... records last_start in $(basename "$statefile")"
agent jp1base stop
log_has() { grep -q -- "$1" "$world/agent.log" 2>/dev/null; }
# start_stop DESCRIPTION WARNING [VAR=value...]: start and stop with a damaged state.
start_stop() {
    local what=$1 warning=$2
    shift 2
    : >"$world/agent.log"
    agent jp1base start "$@"
    is "$rc $(count lhFb)" "0 8" "$what: start succeeds, the product runs"
    [ -z "$warning" ] || { log_has "$warning"; ok $? "... the log says: $warning"; }
    agent jp1base stop "$@"
    is "$rc $(count lhFb)" "0 0" "... stop succeeds, nothing left"
}

if [ "$(id -u)" -eq 0 ] && mkdir -p "$world/ro" "$world/full" \
    && mount -t tmpfs -o size=8k,mode=0755 tmpfs "$world/full" 2>/dev/null; then
    trap 'umount "$world/ro" "$world/full" 2>/dev/null; emu_teardown' EXIT
    mount -t tmpfs -o ro,size=8k tmpfs "$world/ro"
    start_stop "HA_RSCTMP read-only" "cannot record the last_start: cannot create $world/ro" \
        HA_RSCTMP="$world/ro"

    agent jp1base start HA_RSCTMP="$world/full"
    agent jp1base stop HA_RSCTMP="$world/full"
    cp "$world/full/$(basename "$statefile")" "$world/before"
    dd if=/dev/zero of="$world/full/filler" bs=1k count=64 2>/dev/null
    start_stop "HA_RSCTMP full" "cannot record the last_start: cannot write .*No space left" \
        HA_RSCTMP="$world/full"
    cmp -s "$world/before" "$world/full/$(basename "$statefile")"
    ok $? "... the state file from before is intact (the write was atomic)"
    is "$(find "$world/full" -name '*.tmp' | wc -l | tr -d ' ')" 0 "... and no temporary file is left"
    umount "$world/ro" "$world/full"
    trap emu_teardown EXIT
else
    skip "not root, or no tmpfs here: a read-only and a full HA_RSCTMP"
fi

echo precious >"$world/victim"
victim_intact() { [ "$(cat "$world/victim")" = precious ] && [ ! -L "$world/victim" ]; }

printf '[sta' >"$statefile"
start_stop "a truncated state file" "state: corrupt $statefile"
grep -q '^last_start=' "$statefile"
ok $? "... a new state is written"
is "$(cat "$statefile.corrupt" 2>/dev/null)" "[sta" "... the damaged one is kept aside as .corrupt"

printf '[state]\nlast_start=\0\0\0' >"$statefile"
start_stop "a state file with NUL bytes" "contains NUL bytes"
head -c 70000 /dev/urandom >"$statefile"
start_stop "a 70 KB state file of random bytes" "state: corrupt"

rm -f "$statefile" "$statefile.corrupt"
ln -s "$world/victim" "$statefile"
start_stop "a symlink planted at the state file" "it is a symbolic link"
victim_intact
ok $? "... the link's target is untouched"
[ ! -L "$statefile" ]
ok $? "... the link itself is replaced by a state file of the agent's"

printf 'garbage' >"$statefile"
ln -sf "$world/victim" "$statefile.corrupt"
start_stop "a symlink planted where a corrupt state is set aside" "state: corrupt"
victim_intact
ok $? "... the link's target is untouched"

# The temporary file is "STATE.PID.tmp": plant a link under the very pid the agent
# will have (a shell that execs the agent keeps its pid).
rm -f "$statefile" "$statefile.corrupt"
env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=rsc_jp1base "${agent_env[@]}" timeout -k 2 60 \
    bash -c 'ln -s "$1" "$2.$$.tmp"; exec "$3" start' - "$world/victim" "$statefile" \
    "$AGENTS/jp1base" 2>/dev/null
is "$? $(count lhFb)" "0 8" "a symlink planted at the temporary state file: start succeeds"
victim_intact
ok $? "... the link's target is untouched"
grep -q '^last_start=' "$statefile"
ok $? "... and the state is recorded all the same"
agent jp1base stop
rm -f "$statefile".*.tmp

rm -f "$statefile"
mkfifo "$statefile"
out=$(OCF_RESOURCE_INSTANCE=rsc_jp1base timeout 10 "$AGENTS/jp1base" monitor --verbose \
    --logical-host lhFb --shared-dir "$world/shdsk/lhFb" --status-cmd "$EMUBIN/jbs_spmd_status" 2>&1)
is "$?" 7 "a FIFO planted at the state file: a monitor by hand, which reads the state, answers"
like "$out" "not a regular file" "... and says why it ignored the state"
start_stop "a FIFO planted at the state file" "not a regular file"
[ -f "$statefile" ] && [ ! -p "$statefile" ]
ok $? "... replaced by a state file (no reader ever blocked on it)"

rm -f "$statefile"
mkdir "$statefile"
start_stop "a directory planted at the state file" "cannot record the last_start"
rmdir "$statefile"

echo "# $SECONDS s into the file"
# ---- concurrent actions -------------------------------------------------------------
# bg_agent TAG ACTION [VAR=value...]: in the background; rc in $world/TAG.rc.
bg_agent() {
    local tag=$1 action=$2
    shift 2
    (
        env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=rsc_jp1base "${agent_env[@]}" "$@" \
            timeout -k 2 60 "$AGENTS/jp1base" "$action" >/dev/null 2>"$world/$tag.err"
        echo $? >"$world/$tag.rc"
    ) &
}
bg_agent a start "${slow[@]}"
bg_agent b start "${slow[@]}"
wait
is "$(cat "$world/a.rc") $(cat "$world/b.rc")" "0 0" "two starts at once: both succeed"
is "$(count lhFb) $("$EMU" ps lhFb | grep -c ' jbs_spmd ')" "8 1" "... one JP1/Base runs, all eight processes once"
grep -q '^\[state\]' "$statefile" && grep -q '^last_start=' "$statefile"
ok $? "... and the state file is whole"
agent jp1base monitor "$MON"
is "$rc" 0 "... the monitor says running"

bg_agent c stop "${slow[@]}"
seen=""
while [ ! -e "$world/c.rc" ]; do
    agent jp1base monitor "$MON"
    seen+=" $rc"
done
bad=$(echo "$seen" | tr ' ' '\n' | grep -vxE '0|1|7|' | tr '\n' ' ')
is "$bad" "" "monitors during a stop answer running, failed or not running (saw:$seen)"
is "$(cat "$world/c.rc") $(count lhFb)" "0 0" "... the stop succeeds, nothing left"
agent jp1base monitor "$MON"
is "$rc" 7 "... and the monitor after it says not running"

agent jp1base start "${slow[@]}"
bg_agent d stop
bg_agent e stop
wait
is "$(cat "$world/d.rc") $(cat "$world/e.rc") $(count lhFb)" "0 0 0" "two stops at once: both succeed, nothing left"
no_strays "... and nothing of the concurrent agents is left"

echo "# $SECONDS s into the file"
# ---- the wall clock jumps ---------------------------------------------------------------
# Every deadline is on the monotonic clock (lib/runtime/deadline.c): proven from outside by
# preloading tests/agents/clockjump.so, which makes the wall clock jump a day
# forward, then backward, 300 ms into the run. A wait measured on the wall clock
# would end at once (forward) or never (backward, until `timeout`); on the monotonic
# clock the action ends at its deadline as usual. The log line's date shows the shim
# was active inside the agent.
shim="$top_builddir/tests/agents/clockjump.so"
# A static agent (the default build) loads no preload: tests/hardening/run runs this
# file again in its build of dynamic agents, where the shim reaches them.
if [ ! -f "$shim" ] || ldd "$AGENTS/jp1base" | grep -q 'libasan'; then
    skip "no clockjump.so, or a sanitized build (its runtime must be loaded first)"
elif file -L "$AGENTS/jp1base" | grep -q 'static-pie linked\|statically linked'; then
    skip "static agents load no LD_PRELOAD shim: run in a --disable-static-agents build"
else
    for by in 86400 -86400; do
        jump=(LD_PRELOAD="$shim" CLOCKJUMP_AFTER_MS=300 CLOCKJUMP_BY_S=$by)
        : >"$world/agent.log"
        inject lhFb jbs_spmd_status hang
        agent jp1base monitor "$MON" "${jump[@]}" OCF_RESKEY_CRM_meta_timeout=3000
        is "$rc" 1 "the wall clock jumps ${by} s during a monitor whose status command hangs: OCF_ERR_GENERIC"
        [ "$elapsed_ms" -ge 2000 ] && [ "$elapsed_ms" -lt 3000 ]
        ok $? "... at its deadline all the same (${elapsed_ms} ms of 3000)"
        grep -q "^$(date -d "@$(($(date +%s) + by))" '+%b %d') " "$world/agent.log"
        ok $? "... and the agent did see the jump (its log line is dated $(head -c 6 "$world/agent.log"))"
        clear_injections lhFb
        inject_flag lhFb jp1base.start-never-completes
        agent jp1base start "${jump[@]}" OCF_RESKEY_CRM_meta_timeout=3000
        is "$rc" 1 "the wall clock jumps ${by} s during a start that never completes: OCF_ERR_GENERIC"
        [ "$elapsed_ms" -ge 2000 ] && [ "$elapsed_ms" -lt 3000 ]
        ok $? "... at its deadline all the same (${elapsed_ms} ms of 3000)"
        clear_injections lhFb
        agent jp1base stop
    done
fi

is "$(count lhFb)" 0 "in the end nothing of lhFb runs"
no_strays "... and nothing any agent started is left"
finish
