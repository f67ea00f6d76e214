#!/usr/bin/env bash
# watch, black-box: the real ocf:lhost:watch agent running the real lhost-watchd,
# with a fake crm_resource (tests/agents/fakes/watch-crm_resource: one line per run in
# $LH_FAKE_CRM_LOG, "TIME ARGS"). Records are crafted around real sleep processes
# (the format of lhost/watchrec.h, written then renamed as the runtime does), then
# the real jp1base agent writes its own on the JP1 emulator. What is checked is what
# an admin would look at: the agent's OCF codes, the pidfile and the daemon's
# process, the failures told to Pacemaker (exactly one --fail line per death, none
# for a planned stop), the daemon's log (HA_LOGFILE) and its blackbox file. Every
# wait is bounded (10 s, for what the kernel tells at once); no timing is asserted.
. "$(dirname "$0")/lib.sh"

WATCHD="$top_builddir/agents/lhost-watchd"
# A path parameter may hold no "..": distcheck's top_srcdir (../..) is resolved first.
CRM="$(cd "$top_srcdir/tests/agents/fakes" && pwd)/watch-crm_resource"
[ -x "$WATCHD" ] || skip_all "no lhost-watchd in $top_builddir/agents"

emu_world lhW
marker="watch-$$-$RANDOM" # in the agents' environment, so in the daemon's
sleepers=()
watch_teardown() {
    local p
    for p in $(marked_processes "LHOST_WATCH_TEST=$marker" | sed 's/(.*//'); do
        kill -9 "$p" 2>/dev/null
    done
    for p in "${sleepers[@]}"; do kill -9 "$p" 2>/dev/null; done
    emu_teardown
}
trap watch_teardown EXIT

export LH_FAKE_CRM_LOG="$world/crm.log" HA_LOGFILE="$world/watchd.log" LHOST_WATCH_TEST="$marker"
pidfile="$world/watchd.pid"
blackbox="$world/bb/watchd.blackbox"
agent_env=(
    OCF_RESOURCE_INSTANCE=watch OCF_RESKEY_watchd="$WATCHD" OCF_RESKEY_crm_resource="$CRM"
    OCF_RESKEY_pidfile="$pidfile" OCF_RESKEY_blackbox="$blackbox"
    OCF_RESKEY_record_dir="$HA_RSCTMP" OCF_RESKEY_CRM_meta_timeout=20000
    HA_debug=1 # the daemon's debug lines too: a death it does not report is one
)
MON=OCF_RESKEY_CRM_meta_interval=10000
PROBE=OCF_RESKEY_CRM_meta_interval=0
: >"$LH_FAKE_CRM_LOG"

# ---- helpers ---------------------------------------------------------------------
wait_until() { # wait_until COMMAND...: TRUE once it succeeds, within 10 s
    local _
    for _ in $(seq 500); do
        "$@" && return 0
        sleep 0.02
    done
    return 1
}
sleeper() { # sleeper: a real process to record, its pid in $spid
    sleep 600 &
    spid=$!
    disown "$spid" # no "Killed" message from this shell when the test kills it
    sleepers+=("$spid")
}
record() { # record RES NODE PID...: the record of agent "test", written then renamed
    local res=$1 node=$2 f p
    shift 2
    f=$(watchrec_path test "$res")
    {
        echo "# lhost watch record 1"
        echo "agent test"
        echo "resource $res"
        echo "node $node"
        for p in "$@"; do watchrec_line "$p" sleep; done
    } >"$f.tmp"
    mv "$f.tmp" "$f"
}
reports() { grep -c -- "--fail --resource $1 --node $2\$" "$LH_FAKE_CRM_LOG"; } # reports RES NODE
all_reports() { wc -l <"$LH_FAKE_CRM_LOG" | tr -d ' '; }
has_report() { [ "$(reports "$1" "$2")" -ge 1 ]; }
logged() { grep -qF -- "$1" "$HA_LOGFILE" 2>/dev/null; }
daemon_pid() { cut -d' ' -f1 "$pidfile" 2>/dev/null; }
daemon_runs() { # the pidfile names a live lhost-watchd
    local p
    p=$(daemon_pid)
    [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = lhost-watchd ] \
        && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]
}
watched() { logged "$1 on $2: watching"; } # the daemon read a record of RES on NODE
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z' "/proc/$1/stat" 2>/dev/null; } # PID 1 reaps lazily
kill_and_wait() { # SIGKILL, returning once it is gone
    kill -9 "$1"
    wait_until gone "$1"
}

# ---- parameters and meta-data ------------------------------------------------------
agent watch meta-data
is "$rc" 0 "meta-data: success"
like "$out" '<parameter name="record_dir"' "... it lists record_dir"
agent watch validate-all
is "$rc" 0 "validate-all accepts the configuration"
agent watch validate-all OCF_RESKEY_watchd=/nonexistent/lhost-watchd
is "$rc" 5 "validate-all with a missing watchd: OCF_ERR_INSTALLED"
like "$(reason)" "watchd" "... and the reason names it"
agent watch validate-all OCF_RESKEY_pidfile=run/watchd.pid
is "$rc" 6 "a relative pidfile is refused: OCF_ERR_CONFIGURED"

# The agent is glib-only like the others: libqb is the daemon's alone.
! { ldd "$AGENTS/watch" 2>/dev/null | grep -q libqb; } && ! grep -qa qb_log_init "$AGENTS/watch"
ok $? "the watch agent does not load or contain libqb"

# ---- start, monitor, stop ----------------------------------------------------------
agent watch monitor "$PROBE"
is "$rc" 7 "probe before start: not running"
agent watch start
is "$rc" 0 "start: success"
daemon_runs
ok $? "... the pidfile names a live lhost-watchd"
first=$(daemon_pid)
agent watch monitor "$MON"
is "$rc" 0 "monitor: running"
agent watch start
is "$rc" 0 "a second start: success"
is "$(daemon_pid)" "$first" "... and the same daemon runs (one, not two)"
is "$(pgrep -c -f -- "--pidfile $pidfile")" 1 "... one lhost-watchd with this pidfile"
logged "watching $HA_RSCTMP"
ok $? "... its log says what it watches"

# ---- a death is reported once ------------------------------------------------------
sleeper
a=$spid
record lhW-a node1 "$a"
wait_until watched lhW-a node1
ok $? "a record written while it runs is read (inotify)"
kill_and_wait "$a"
wait_until has_report lhW-a node1
ok $? "kill -9 of the recorded process: crm_resource --fail --resource lhW-a --node node1"
wait_until logged "lhW-a on node1: sleep (pid $a) died: failure reported to Pacemaker"
ok $? "... the log says so, with the process and the tool's exit code"
is "$(reports lhW-a node1)" 1 "... exactly one report"
is "$(all_reports)" 1 "... and nothing else reported"
[ -f "$(watchrec_path test lhW-a).failed" ] && [ ! -e "$(watchrec_path test lhW-a)" ]
ok $? "... the record is now RECORD.failed, for the admin"
[ -s "$blackbox" ]
ok $? "... and the blackbox was written to its file"
# qb-blackbox prints it; without libqb's tools, its records keep the format and the
# arguments of each line as text.
grep -qa "died: failure reported to Pacemaker" "$blackbox" && grep -qa "lhW-a" "$blackbox"
ok $? "... holding the report's log line and its resource"

# ---- two processes of one record: one report -----------------------------------------
sleeper
b1=$spid
sleeper
b2=$spid
record lhW-b node1 "$b1" "$b2"
wait_until watched lhW-b node1
kill -9 "$b1" "$b2"
wait_until has_report lhW-b node1
ok $? "both processes of a record killed: reported"
# The claim renamed the record away: once the watcher has let it go, nothing more
# can be reported for it.
wait_until logged "$(watchrec_path test lhW-b): removed, no longer watched"
ok $? "... the claimed record is let go"
is "$(reports lhW-b node1)" 1 "... and the failure was reported once"

# ---- a removed record: no report ---------------------------------------------------
sleeper
c=$spid
record lhW-c node1 "$c"
wait_until watched lhW-c node1
rm -f "$(watchrec_path test lhW-c)" # an action began (the runtime removes it first)
wait_until logged "$(watchrec_path test lhW-c): removed, no longer watched"
ok $? "a removed record is let go"
kill_and_wait "$c"
# A death after it, reported, shows the watcher had its turn at the first one.
sleeper
s=$spid
record lhW-sentinel node1 "$s"
wait_until watched lhW-sentinel node1
kill_and_wait "$s"
wait_until has_report lhW-sentinel node1
ok $? "a later death is reported ..."
is "$(reports lhW-c node1)" 0 "... but the process of the removed record was not"

# ---- a stale record: the pid is someone else's now ---------------------------------
sleeper
d=$spid
f=$(watchrec_path test lhW-d)
printf '# lhost watch record 1\nagent test\nresource lhW-d\nnode node2\nproc %s 1 sleep\n' "$d" >"$f.tmp"
mv "$f.tmp" "$f" # the pid of a process that started long before this one: a reused pid
wait_until has_report lhW-d node2
ok $? "a record whose process has another start time: reported as dead"
kill -0 "$d"
ok $? "... and the process that has the pid now is left alone"

# ---- stop while watching; a death while stopped; the restart -------------------------
sleeper
e=$spid
record lhW-e node1 "$e"
wait_until watched lhW-e node1
before=$(all_reports)
agent watch stop
is "$rc" 0 "stop while watching: success"
[ ! -e "$pidfile" ] && gone "$first"
ok $? "... the daemon is gone, and its pidfile"
is "$(all_reports)" "$before" "... and stopping reported nothing"
agent watch monitor "$MON"
is "$rc" 7 "monitor after stop: not running"
agent watch stop
is "$rc" 0 "a second stop: success"
kill_and_wait "$e"
agent watch start
is "$rc" 0 "start again, after a recorded process died meanwhile"
wait_until has_report lhW-e node1
ok $? "... the death is reported at start-up"
agent watch stop
agent watch start
is "$rc" 0 "one more restart"
# A claim at start-up is logged before the pidfile is written, so before start returns.
is "$(grep -c -e "lhW-e on node1: sleep (pid $e) died: reporting" -e "lhW-a on node1: sleep (pid $a) died: reporting" "$HA_LOGFILE")" 2 \
    "... and no failure is claimed twice"
is "$(reports lhW-e node1):$(reports lhW-a node1)" "1:1" "... nor told to Pacemaker twice"

# ---- the daemon killed ---------------------------------------------------------------
dp=$(daemon_pid)
kill -9 "$dp"
wait_until gone "$dp"
agent watch monitor "$MON"
is "$rc" 1 "monitor after lhost-watchd was killed: failed (OCF_ERR_GENERIC)"
like "$(reason)" "lhost-watchd died" "... with the reason"
agent watch monitor "$PROBE"
is "$rc" 7 "a probe then: not running"
agent watch stop
is "$rc" 0 "stop: success"
[ ! -e "$pidfile" ]
ok $? "... the stale pidfile is gone"

# ---- a start that cannot watch ---------------------------------------------------------
agent watch start OCF_RESKEY_record_dir=/proc/lhost-watch-test
is "$rc" 1 "start with a records directory that cannot exist: failed"
like "$(reason)" "lhost-watchd did not start.*lhost-watch-test" "... and the reason says why"
daemon_runs
ok $((!$?)) "... and nothing runs"

# ---- the records directory goes away -----------------------------------------------
# The daemon cannot watch what is gone: it exits with an error and its blackbox, and
# the monitor says it died (Pacemaker then restarts it, which makes the directory).
agent watch start OCF_RESKEY_record_dir="$world/rec2"
is "$rc" 0 "start over a directory of its own (made by the daemon): success"
dp=$(daemon_pid)
rm -rf "$world/rec2"
wait_until gone "$dp"
ok $? "... the directory removed: the daemon exits"
wait_until logged "records directory went away"
ok $? "... saying why"
agent watch monitor "$MON"
is "$rc" 1 "... and the monitor reports it failed (the pidfile names a dead daemon)"
agent watch stop
is "$rc" 0 "... stop: success"

# ---- run by hand, in the foreground (as a bench runs it) -----------------------------
"$WATCHD" --foreground --dir "$world/rec3" --crm-resource "$CRM" --pidfile "$world/fg.pid" \
    --blackbox "$world/fg.bb" >/dev/null 2>"$world/fg.err" & # (libqb prints to stdout)
fg=$!
wait_until test -s "$world/fg.pid"
is "$(cut -d' ' -f1 "$world/fg.pid")" "$fg" "--foreground: the pidfile names the process started, once it watches"
kill -USR1 "$fg"
wait_until test -s "$world/fg.bb"
ok $? "... SIGUSR1 writes the blackbox"
kill -TERM "$fg"
wait "$fg"
is "$?" 0 "... SIGTERM: exit status 0"
[ ! -e "$world/fg.pid" ]
ok $? "... and the pidfile is removed"
grep -q "watching $world/rec3" "$world/fg.err"
ok $? "... it logged to stderr"
# crm_resource failing: the log says so, with its exit code and what it said.
fail_crm="$world/failing-crm_resource"
printf '#!/bin/sh\necho "Error performing operation: No such object" >&2\nexit 105\n' >"$fail_crm"
chmod +x "$fail_crm"
"$WATCHD" --foreground --dir "$world/rec4" --crm-resource "$fail_crm" --pidfile "$world/fg4.pid" \
    --blackbox "$world/fg4.bb" >/dev/null 2>"$world/fg4.err" &
fg=$!
wait_until test -s "$world/fg4.pid"
sleeper
f=$(watchrec_path test lhW-f)
f=$world/rec4/${f##*/}
{ echo "# lhost watch record 1"; echo "agent test"; echo "resource lhW-f"; echo "node node1"
    watchrec_line "$spid" sleep; } >"$f.tmp"
mv "$f.tmp" "$f"
wait_until grep -q "lhW-f on node1: watching" "$world/fg4.err"
kill_and_wait "$spid"
wait_until grep -q "reporting the failure to Pacemaker failed" "$world/fg4.err"
like "$(grep "reporting the failure to Pacemaker failed" "$world/fg4.err")" \
    "lhW-f on node1: sleep \(pid $spid\) died: .*exit code 105\): Error performing operation: No such object; the next monitor" \
    "crm_resource failing: logged with its exit code and its message"
kill -TERM "$fg"
wait "$fg"
"$WATCHD" --no-such-option 2>/dev/null
is "$?" 2 "a bad option: exit status 2"

# ---- lhost-watchd(8) -------------------------------------------------------------------
page="$top_srcdir/man/lhost-watchd.8"
is "$(LC_ALL=C.UTF-8 groff -man -ww -z "$page" 2>&1)" "" "lhost-watchd(8) renders without a warning"
missing=""
for o in $("$WATCHD" --help | grep -o -- '--[a-z-]*' | grep -v -- '--help'); do
    grep -qF -- "${o//-/\\-}" "$page" || missing+="$o " # roff writes -- as \-\-
done
is "$missing" "" "... and names every option of lhost-watchd --help"

# ---- the real jp1base agent -----------------------------------------------------------
# Under Pacemaker (CRM_meta_on_node) jp1base records the logical host's jbs_spmd; its
# death is reported at once; a stop removes the record before it acts, and is never
# reported.
if ! grep -q watched "$top_srcdir/agents/jp1base.c"; then
    skip "jp1base does not record its processes yet"
else
    jp1_env=(
        OCF_RESKEY_logical_host=lhW OCF_RESKEY_shared_dir="$world/shdsk/lhW"
        OCF_RESKEY_start_cmd="$EMUBIN/jbs_start.cluster" OCF_RESKEY_stop_cmd="$EMUBIN/jbs_stop.cluster"
        OCF_RESKEY_kill_cmd="$EMUBIN/jbs_killall.cluster" OCF_RESKEY_status_cmd="$EMUBIN/jbs_spmd_status"
        OCF_RESKEY_status_retry_interval=0 OCF_RESKEY_CRM_meta_timeout=20000
        OCF_RESOURCE_INSTANCE=lhW-base OCF_RESKEY_CRM_meta_on_node=nodeW
    )
    jp1() { local agent_env=("${jp1_env[@]}"); agent jp1base "$@"; }
    agent watch start
    is "$rc" 0 "watch started for jp1base"
    jp1 start
    is "$rc" 0 "jp1base start under Pacemaker: running"
    wait_until watched lhW-base nodeW
    ok $? "... the watcher reads jp1base's record"
    emu_kill lhW jbs_spmd
    wait_until has_report lhW-base nodeW
    ok $? "jbs_spmd killed: crm_resource --fail --resource lhW-base --node nodeW"
    jp1 stop
    jp1 start
    is "$rc" 0 "jp1base started again"
    wait_until logged "lhW-base on nodeW: watching"
    before=$(all_reports)
    jp1 stop
    is "$rc" 0 "jp1base stop: success"
    emu_pids lhW | grep -q .
    ok $((!$?)) "... JP1/Base is down"
    # A death after it, reported, shows the watcher had its turn at jbs_spmd's.
    sleeper
    record lhW-sentinel2 nodeW "$spid"
    wait_until watched lhW-sentinel2 nodeW
    kill_and_wait "$spid"
    wait_until has_report lhW-sentinel2 nodeW
    is "$(($(all_reports) - before))" 1 "... and the planned stop was not reported (only the later death was)"
    is "$(reports lhW-base nodeW)" 1 "... one report for jp1base in all"
    agent watch stop
fi
finish
