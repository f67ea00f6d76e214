# tests/bench/lib.sh: sourced by the benchmark scripts (never run by make check).
#
# A benchmark runs the same action four ways, side by side in one run:
#   floor   the vendor status command(s) alone: no agent can cost less
#   lhost   the lhost agent (heartbeat/jp1base, heartbeat/jp1im, heartbeat/ajs3),
#           its journal off (LHOST_JOURNAL_DIR=off, see bench_world)
#   dash    the baseline shell agent (baseline/jp1) under /bin/sh, i.e. dash
#   bash    the same baseline under bash
# against the JP1 emulator (tests/emulators), in a world of its own under /tmp.
#
# Products: base (JP1/Base), im (JP1/IM - Manager), imdb (JP1/IM with its database),
# ajs3 (JP1/AJS3 - Manager, its default scheduler service AJSROOT1).
bench_products=(base im imdb ajs3)

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
baseline="$bench_dir/baseline/jp1"
bench_kinds=(floor lhost dash bash)

# bench_world BUILD_DIR: the emulator's world, torn down (every logical host it set up
# killed) when the calling script exits.
bench_world() {
    build=$(cd "$1" && pwd)
    E="$build/tests/emulators/bin"
    [ -x "$build/heartbeat/jp1base" ] && [ -x "$E/jp1emu" ] \
        || { echo "bench: $build has no built agents or emulator" >&2; exit 1; }
    world=$(mktemp -d /tmp/lhost-bench.XXXXXX)
    bench_hosts=()
    export JP1EMU_ROOT="$world/emu" HA_RSCTMP="$world/rsc" HA_LOGFACILITY=none
    export JP1EMU_TIME_SCALE=0.02 # start-ups of 60 ms unless a benchmark says otherwise
    unset HA_LOGFILE HA_DEBUGLOG HA_debug
    # The agents journal by default, into the host's /var/lib/lhost/journal: off here,
    # so that a benchmark measures the agent as before and writes nothing outside its
    # world; a benchmark of the journal points LHOST_JOURNAL_DIR into $world itself.
    export LHOST_JOURNAL_DIR=off
    unset LHOST_JOURNAL_FILES LHOST_JOURNAL_FILE_SIZE
    mkdir -p "$world/rsc" "$world/shd"
    trap bench_teardown EXIT
}

bench_teardown() {
    local host
    for host in "${bench_hosts[@]}"; do
        "$E/jp1emu" reset "$host" >/dev/null 2>&1 || true
    done
    rm -rf "$world"
}

# bench_host NAME [--imdb]: a logical host set up on this "node", not started.
bench_host() {
    mkdir -p "$world/shd/$1"
    "$E/jp1emu" setup "$1" "$world/shd/$1" "${@:2}" >/dev/null
    bench_hosts+=("$1")
}

# bench_start_product HOST base|im|ajs3: started by its cluster command, as an admin
# would (im and ajs3 after base: they wait for JP1/Base of the same logical host).
bench_start_product() {
    case $2 in
    base) "$E/jbs_start.cluster" "$1" ;;
    ajs3) "$E/jajs_start.cluster" "$1" ;;
    *) "$E/jco_start.cluster" "$1" ;;
    esac
}

# bench_running HOST: the number of the emulator's processes alive for HOST.
bench_running() {
    "$E/jp1emu" ps "$1" | wc -l
}

# bench_agent_env HOST PRODUCT: the OCF environment of one resource, the same for the
# lhost agent and the baseline (they take the same parameters).
bench_agent_env() {
    local host=$1 product=$2 cmd=jco
    case $product in
    base) cmd=jbs ;;
    ajs3) cmd=jajs ;;
    esac
    printf '%s\n' OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="$host-$product" \
        OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000 \
        OCF_RESKEY_logical_host="$host" OCF_RESKEY_shared_dir="$world/shd/$host" \
        OCF_RESKEY_start_cmd="$E/${cmd}_start.cluster" OCF_RESKEY_stop_cmd="$E/${cmd}_stop.cluster" \
        OCF_RESKEY_kill_cmd="$E/${cmd}_killall.cluster" OCF_RESKEY_status_cmd="$E/${cmd}_spmd_status"
    if [ "$product" != base ]; then
        echo OCF_RESKEY_base_status_cmd="$E/jbs_spmd_status"
    fi
    if [ "$product" = imdb ]; then
        echo OCF_RESKEY_use_imdb=true OCF_RESKEY_dbstatus_cmd="$E/jimdbstatus"
    fi
    if [ "$product" = ajs3 ]; then
        echo OCF_RESKEY_scheduler_status_cmd="$E/ajsstatus" OCF_RESKEY_scheduler_services=AJSROOT1
    fi
}

# bench_command KIND HOST PRODUCT ACTION: sets the array `command` to the argv that
# runs ACTION the KIND way (env first, so no shell of ours is in the way). The floor
# of a monitor is the status command; imdb's and ajs3's floors are two commands, see
# bench_floor2.
bench_command() {
    local kind=$1 host=$2 product=$3 action=$4 agent=jp1im
    case $product in
    base) agent=jp1base ;;
    ajs3) agent=ajs3 ;;
    esac
    # shellcheck disable=SC2207 # the values hold no blanks: paths under $world
    local env=($(bench_agent_env "$host" "$product"))
    case $kind in
    floor)
        case $product in
        base) command=("$E/jbs_spmd_status" -h "$host" -t 5) ;;
        ajs3) command=("$E/jajs_spmd_status" -h "$host" -t 5) ;;
        *) command=("$E/jco_spmd_status" -h "$host" -t 5) ;;
        esac
        ;;
    lhost) command=(env "${env[@]}" "$build/heartbeat/$agent" "$action") ;;
    dash) command=(env "${env[@]}" /bin/sh "$baseline" "$action") ;;
    bash) command=(env "${env[@]}" /bin/bash "$baseline" "$action") ;;
    esac
}

# bench_floor2 HOST PRODUCT: the second status command in a monitor's floor, if any:
# sets the array `command` to its argv (empty: none) and `command_env` to the
# NAME=VALUE words it needs in its environment, to be exported by the caller (not run
# through env, whose own exec would count in the floor). ajs3's is the check of the
# default scheduler service, with JP1_HOSTNAME as the agent gives it.
bench_floor2() {
    command=() command_env=()
    case $2 in
    imdb) command=("$E/jimdbstatus" -h "$1") ;;
    ajs3) command=("$E/ajsstatus" -F AJSROOT1) command_env=(JP1_HOSTNAME="$1") ;;
    esac
}

# The three measures of one command (monitor-cost, iws-cost); $world and $runs set.
# instructions COMMAND...: summed over every process COMMAND starts.
instructions() {
    rm -f "$world"/cg.*
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$world/cg.%p" \
        "$@" >/dev/null 2>&1 || true
    cat "$world"/cg.* | awk '/^summary:/ { total += $2 } END { print total }'
}

# wall_ms COMMAND...: median wall time in ms over $runs runs, after a warm-up.
wall_ms() {
    hyperfine -N -i --style none --warmup 10 --runs "$runs" --export-csv "$world/hf.csv" \
        "$(printf '%q ' "$@")" >/dev/null 2>&1
    awk -F, 'NR == 2 { printf "%.3f\n", $4 * 1000 }' "$world/hf.csv"
}

# peak_kb COMMAND...: median over 30 runs of the largest resident set in the tree.
peak_kb() {
    local i
    for i in $(seq 30); do
        /usr/bin/time -f '%M' -o "$world/rss" "$@" >/dev/null 2>&1 || true
        tail -1 "$world/rss"
    done | median
}

# median: the median of the numbers on stdin, one per line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
        print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B with two decimals ("-" when either is missing).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0)
        print "-"; else printf "%.2f\n", a / b }'
}

# now: the wall clock in seconds, without a fork (bash 5).
now() {
    echo "$EPOCHREALTIME"
}

say() {
    printf '%s\n' "bench: $*" >&2
}

# bench_row FIGURE UNIT FLOOR LHOST DASH BASH [BUDGET [BUDGET_TEXT]]: one row of the
# results table, into $out/figures.tsv. "-" marks a figure that does not apply.
# BUDGET is an awk condition over f, l, d, b (floor, lhost, dash, bash), e.g.
# "l <= 3 * f"; the report prints "met" or "MISSED" from it.
bench_row() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" "${8:-}" \
        >>"$out/figures.tsv"
}
