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

# ---- a logical host on real members, in a namespace of its own (root) -----------------
# A network and mount namespace kept alive by a holder process: lhost runs inside it
# (lhost_prefix), and so do the members it starts. Mounts and addresses stay in it;
# outside, only a loop device is used. The disk is ext4 on that loop device, the IP
# network 10.99.0.0/24 on a veth pair lhv0/lhv1, and the JP1 emulator's state on the
# disk, as on a real logical host.

lhost_ns_can_run() {
    lhost_ns_missing=""
    [ "$(id -u)" -eq 0 ] || lhost_ns_missing="needs root (a network and mount namespace, a loop device)"
    local tool
    for tool in unshare nsenter losetup mkfs.ext4 ip; do
        command -v "$tool" >/dev/null || lhost_ns_missing="$tool is not installed"
    done
    [ -z "$lhost_ns_missing" ]
}

in_ns() { nsenter -t "$holder" -n -m "$@"; }

lhost_ns_up() { # lhost_ns_up LOGICAL_HOST: sets holder, disk; replaces the EXIT trap
    lhost_ns_host=$1
    unshare --net --mount --propagation private --fork sleep infinity &
    holder_parent=$!
    local _
    for _ in $(seq 100); do
        holder=$(pgrep -P "$holder_parent" || true)
        [ -n "$holder" ] && break
        sleep 0.05
    done
    lhost_prefix=(nsenter -t "$holder" -n -m)
    truncate -s 32M "$world/disk.img"
    disk=$(losetup -f --show "$world/disk.img")
    trap lhost_ns_down EXIT
    mkfs.ext4 -q "$disk"
    in_ns sh -c 'ip link set lo up && ip link add lhv0 type veth peer name lhv1 &&
        ip addr add 10.99.0.1/24 dev lhv1 && ip link set lhv0 up && ip link set lhv1 up'
    lhost_ns_setup_shared_disk "$1"
}

lhost_ns_down() {
    "$EMU" reset "$lhost_ns_host" >/dev/null 2>&1 || true
    # unshare --fork ignores SIGTERM while it waits: end its child, the holder; the
    # namespace and its mounts go with the last process in it.
    kill "$holder" 2>/dev/null
    wait "$holder_parent" 2>/dev/null
    losetup -d "$disk" 2>/dev/null
    emu_teardown
}

# The JP1 emulator's state of LOGICAL_HOST on the shared disk (again after a reset).
lhost_ns_setup_shared_disk() { # lhost_ns_setup_shared_disk LOGICAL_HOST
    in_ns mount "$disk" "$world/shdsk"
    in_ns mkdir -p "$world/shdsk/$1"
    in_ns "$EMU" setup "$1" "$world/shdsk/$1" >/dev/null
    in_ns umount "$world/shdsk"
}

# $world/defs/LOGICAL_HOST.conf: disk, IP, JP1/Base, JP1/IM - Manager.
lhost_ns_definition() { # lhost_ns_definition LOGICAL_HOST [DEVICE] [NIC]
    {
        printf '[logical-host]\nkill-timeout = 5s\n\n'
        printf '[member disk]\nagent = ocf:heartbeat:Filesystem\ndevice = %s\n' "${2:-$disk}"
        printf 'directory = %s\nfstype = ext4\n\n' "$world/shdsk"
        printf '[member ip]\nagent = ocf:heartbeat:IPaddr2\nip = 10.99.0.10\n'
        printf 'cidr_netmask = 24\n%s\n' "${3:+nic = $3}"
        jp1_members "$1" "$world/shdsk/$1"
    } >"$world/defs/$1.conf"
}
