# tests/agents/lib.sh - black-box agent tests: TAP output, a private JP1 emulator
# world per test file, and one way to run an agent the way pacemaker-execd does.
#
# A test file sources this, calls `emu_world lhA`, then `agent ACTION [VAR=value...]`
# which leaves the OCF exit code in $rc, stderr in $err, stdout in $out and the
# wall time in $elapsed_ms. Assertions print TAP lines; `finish` prints the plan.
# shellcheck shell=bash

set -u

: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"

EMU="$top_builddir/tests/emulators/jp1emu"
EMUBIN="$top_builddir/tests/emulators/bin"
AGENTS="$top_builddir/heartbeat"

tap_n=0
tap_failed=0

ok() { # ok CONDITION-STATUS DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

is() { # is ACTUAL EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        echo "#   got: '$1'"
        echo "#   expected: '$2'"
        [ -n "${err:-}" ] && echo "#   stderr: $(echo "$err" | head -5 | tr '\n' '|')"
    fi
}

like() { # like TEXT REGEX DESCRIPTION
    if printf '%s' "$1" | grep -qE -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        echo "#   '$(printf '%s' "$1" | head -3 | tr '\n' '|')' does not match /$2/"
    fi
}

finish() {
    echo "1..$tap_n"
    exit 0 # failures are reported per line by TAP
}

skip() { # skip DESCRIPTION: a TAP line for a check this machine cannot make
    tap_n=$((tap_n + 1))
    echo "ok $tap_n # SKIP $*"
}

skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# A private emulator world: node-local root, a shared directory, time scaled down.
# make check runs test files in parallel, and a forced termination finds processes
# by name and logical host across the whole node, as the real one does: so every
# test file uses logical host names of its own.
emu_world() { # emu_world LOGICAL_HOST...
    world=$(mktemp -d /tmp/lhost-test.XXXXXX)
    export JP1EMU_ROOT="$world/emu" JP1EMU_TIME_SCALE="${JP1EMU_TIME_SCALE:-0.02}"
    export HA_RSCTMP="$world/rsctmp" HA_LOGFACILITY=none
    export LHOST_JOURNAL_DIR="$world/journal" # never the node's /var/lib/lhost/journal
    mkdir -p "$world/shdsk" "$HA_RSCTMP"
    world_hosts="$*"
    local lh
    for lh in $world_hosts; do
        mkdir -p "$world/shdsk/$lh"
        "$EMU" setup "$lh" "$world/shdsk/$lh" >/dev/null
    done
    trap emu_teardown EXIT
}

emu_teardown() {
    local lh
    for lh in $world_hosts; do
        "$EMU" reset "$lh" >/dev/null 2>&1 || true
    done
    rm -rf "$world"
}

# Injects a sequence of return codes (or hang, hang:MS, real) for one command.
inject() { # inject LOGICAL_HOST COMMAND TOKEN...
    local lh=$1 cmd=$2
    shift 2
    mkdir -p "$JP1EMU_ROOT/inject/$lh"
    echo "$*" >"$JP1EMU_ROOT/inject/$lh/$cmd.codes"
}

inject_flag() { # inject_flag LOGICAL_HOST FLAG  (e.g. jp1base.ignore-term)
    mkdir -p "$JP1EMU_ROOT/inject/$1"
    : >"$JP1EMU_ROOT/inject/$1/$2"
}

clear_injections() { rm -rf "$JP1EMU_ROOT/inject/$1"; }

# How many times a command ran, from the emulator's log.
emu_runs() { # emu_runs COMMAND
    grep -c " $1 " "$JP1EMU_ROOT/log" 2>/dev/null || true
}

# Pids of the emulated processes of a logical host, optionally one name only. Only
# this world's: `jp1emu ps` sees one emulated node (our pid namespace and
# JP1EMU_ROOT), while the host's /proc also shows the cluster scenarios' nodes,
# which run a logical host of the same name at the same time.
emu_pids() { # emu_pids LOGICAL_HOST [NAME]
    "$EMU" ps "$1" | awk -v name="${2:-}" 'name == "" || $2 == name { print $1 }'
}

# SIGKILL to processes of a logical host, returning once they are dead (a zombie or
# gone): the signal lands when a process next runs, and a fast monitor run right
# after kill(1) could still see it alive.
emu_kill() { # emu_kill LOGICAL_HOST NAME...
    local lh=$1 name pids=() alive _
    shift
    for name in "$@"; do
        pids+=($(emu_pids "$lh" "$name"))
    done
    [ ${#pids[@]} -eq 0 ] || kill -9 "${pids[@]}" 2>/dev/null
    for _ in $(seq 100); do
        alive=""
        for name in "$@"; do
            alive+=$(emu_pids "$lh" "$name")
        done
        [ -z "$alive" ] && return 0
        sleep 0.02
    done
}

# Words run in front of the agent (e.g. timeout, strace), empty by default: the
# agent runs under them with its environment already set.
agent_prefix=()
# Words after the action (--options, as typed by hand), empty by default.
agent_args=()

# Live processes whose environment holds NAME=VALUE, as "pid(comm)": put a marker in
# an agent's environment, and this finds everything it started (its commands, and
# what they started in turn, daemons included), zombies excepted.
marked_processes() { # marked_processes NAME=VALUE
    local f pid
    for f in $(grep -l -a -x -z -F -- "$1" /proc/[0-9]*/environ 2>/dev/null); do
        pid=${f#/proc/}
        pid=${pid%/environ}
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
        [ -e "/proc/$pid" ] && echo "$pid($(cat "/proc/$pid/comm" 2>/dev/null))"
    done
}

# Runs the agent as pacemaker-execd would: OCF environment, parameters as
# OCF_RESKEY_*, extra VAR=value words first. Sets rc, out, err, elapsed_ms.
agent() { # agent NAME ACTION [VAR=value ...]
    local name=$1 action=$2 start end
    shift 2
    start=${EPOCHREALTIME/./} # microseconds, without a process of its own
    out=$(env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="rsc_$name" \
        OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 \
        "${agent_env[@]}" "$@" "${agent_prefix[@]}" "$AGENTS/$name" "$action" "${agent_args[@]}" 2>"$world/stderr")
    rc=$?
    end=${EPOCHREALTIME/./}
    elapsed_ms=$(((end - start) / 1000))
    err=$(<"$world/stderr")
}

# ---- the watcher's record (lhost/watchrec.h) ---------------------------------------
# Of AGENT's resource RES, in this world's HA_RSCTMP (never the node's
# /run/resource-agents), both names reduced to [A-Za-z0-9._-] as the runtime does.
watchrec_path() { # watchrec_path AGENT RES
    local a=${1//[^A-Za-z0-9._-]/_} r=${2//[^A-Za-z0-9._-]/_}
    echo "$HA_RSCTMP/lhost-$a-$r.watch"
}

# "proc PID STARTTIME NAME", what a record says of a live process: the start time is
# field 22 of /proc/PID/stat, read here on its own (after the comm, which may hold
# spaces: field 3 is the first after its ')').
watchrec_line() { # watchrec_line PID NAME
    local st
    st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)
    echo "proc $1 ${st:-gone} $2"
}

# The record of AGENT's resource RES names agent, resource and node NODE, and its
# proc lines are exactly EXPECTED (watchrec_line lines, one a line, any order).
watchrec_is() { # watchrec_is AGENT RES NODE EXPECTED DESCRIPTION
    local f
    f=$(watchrec_path "$1" "$2")
    if [ ! -f "$f" ]; then
        ok 1 "$5"
        echo "#   no record $f"
        return
    fi
    is "$(grep -E '^(agent|resource|node) ' "$f" | sort | tr '\n' ';')$(grep '^proc ' "$f" | sort | tr '\n' ';')" \
        "agent $1;node $3;resource $2;$(printf '%s\n' "$4" | grep . | sort | tr '\n' ';')" "$5"
}

# ... names LINE among its proc lines, and every one of them a process named as LINE's.
# For the JP1 products, found by name and logical host: a test file run from another
# build at the same time has a parent of the same name and logical host on this node,
# which the agent cannot tell from this world's and records too.
watchrec_names() { # watchrec_names AGENT RES NODE LINE DESCRIPTION
    local f procs
    f=$(watchrec_path "$1" "$2")
    if [ ! -f "$f" ]; then
        ok 1 "$5"
        echo "#   no record $f"
        return
    fi
    procs=$(grep '^proc ' "$f")
    is "$(grep -E '^(agent|resource|node) ' "$f" | sort | tr '\n' ';')$(printf '%s\n' "$procs" | grep -cxF -- "$4"):$(printf '%s\n' "$procs" | awk '{ print $4 }' | sort -u)" \
        "agent $1;node $3;resource $2;1:${4##* }" "$5"
}

watchrec_none() { # watchrec_none AGENT RES DESCRIPTION
    [ ! -e "$(watchrec_path "$1" "$2")" ]
    ok $? "$3"
}

# A JP1 agent's record through a life (each agent's parameters in $agent_env): under
# Pacemaker a start records PARENT of LHOST alone (the emulator's pid, its start
# time), a monitor leaves the record, a stop removes it; a start by hand records
# nothing (no cluster to tell).
jp1_watchrec_life() { # jp1_watchrec_life AGENT LHOST RES PARENT
    local W=(OCF_RESOURCE_INSTANCE="$3" OCF_RESKEY_CRM_meta_on_node=nodeX) line
    agent "$1" start "${W[@]}"
    is "$rc" 0 "start under Pacemaker: running"
    line=$(watchrec_line "$(emu_pids "$2" "$4")" "$4")
    watchrec_names "$1" "$3" nodeX "$line" \
        "... the record names node, resource and the parent $4 alone (the emulator's pid, its start time)"
    agent "$1" monitor OCF_RESKEY_CRM_meta_interval=10000 "${W[@]}"
    is "$rc" 0 "a monitor: running"
    watchrec_names "$1" "$3" nodeX "$line" "... and the record stays"
    agent "$1" stop "${W[@]}"
    is "$rc" 0 "stop under Pacemaker: success"
    watchrec_none "$1" "$3" "... and the record is gone"
    agent "$1" start OCF_RESOURCE_INSTANCE="$3"
    is "$rc" 0 "start by hand (no CRM_meta_on_node): running"
    watchrec_none "$1" "$3" "... and nothing is recorded: no cluster to tell"
    agent "$1" stop OCF_RESOURCE_INSTANCE="$3"
}

# The exit reason the agent gave (empty when none).
reason() { printf '%s\n' "$err" | sed -n 's/^ocf-exit-reason://p' | tail -1; }
