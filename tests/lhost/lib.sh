# tests/lhost/lib.sh - helpers for tests of the lhost command: everything of
# tests/agents/lib.sh (TAP, a private emulator world), plus an OCF root where the
# real resource-agents and the freshly built lhost agents sit side by side, and
# definition files for emulated JP1 logical hosts.
# shellcheck shell=bash

. "$(dirname "${BASH_SOURCE[0]}")/../agents/lib.sh"

LHOST="$top_builddir/agents/lhost"
# What lhost runs under: empty, or e.g. (nsenter -t PID -n -m) to run it, and the
# members it starts, inside test namespaces.
lhost_prefix=()
SYSTEM_OCF_ROOT=${SYSTEM_OCF_ROOT:-/usr/lib/ocf}

# $world/ocf: resource.d/heartbeat and lib from the system's resource-agents,
# resource.d/lhost from the build; $world/defs for definitions. Call after emu_world.
lhost_world() {
    mkdir -p "$world/ocf/resource.d" "$world/defs" "$world/state"
    ln -s "$SYSTEM_OCF_ROOT/lib" "$world/ocf/lib"
    ln -s "$SYSTEM_OCF_ROOT/resource.d/heartbeat" "$world/ocf/resource.d/heartbeat"
    ln -s "$top_builddir/heartbeat" "$world/ocf/resource.d/lhost"
}

# Runs the lhost command on the test world. Sets rc, out, err, elapsed_ms.
lhost() { # lhost ARGS...
    local start end
    start=$(date +%s%N)
    out=$("${lhost_prefix[@]}" "$LHOST" -d "$world/defs" --ocf-root "$world/ocf" --state-dir "$world/state" "$@" \
        2>"$world/stderr")
    rc=$?
    end=$(date +%s%N)
    elapsed_ms=$(((end - start) / 1000000))
    err=$(cat "$world/stderr")
}

# The [member ...] groups of JP1/Base and JP1/IM - Manager on the emulator.
# Prints them; a definition is made of these and whatever else a test needs.
jp1_members() { # jp1_members LOGICAL_HOST SHARED_DIR [IM_MEMBER_EXTRA_LINES]
    local lh=$1 dir=$2
    cat <<DEF

[member base]
agent = ocf:lhost:jp1base
logical_host = $lh
shared_dir = $dir
start_cmd = $EMUBIN/jbs_start.cluster
stop_cmd = $EMUBIN/jbs_stop.cluster
kill_cmd = $EMUBIN/jbs_killall.cluster
status_cmd = $EMUBIN/jbs_spmd_status
status_retry_interval = 0

[member manager]
agent = ocf:lhost:jp1im
logical_host = $lh
shared_dir = $dir
start_cmd = $EMUBIN/jco_start.cluster
stop_cmd = $EMUBIN/jco_stop.cluster
kill_cmd = $EMUBIN/jco_killall.cluster
status_cmd = $EMUBIN/jco_spmd_status
base_status_cmd = $EMUBIN/jbs_spmd_status
status_retry_interval = 0
${3:-}
DEF
}
