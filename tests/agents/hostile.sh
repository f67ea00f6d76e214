#!/usr/bin/env bash
# Hostile parameter values, black-box: the real agent binaries against the emulator.
#
# Every parameter of every agent, as its meta-data lists it, gets each value below
# twice: raw, and embedded in a valid value (a logical host "lhHb" + value, a shared
# directory + value, a command whose file name is the value). For each one:
#   - either validate-all refuses it with OCF_ERR_CONFIGURED (6) and one
#     ocf-exit-reason line naming the parameter, and nothing at all is run;
#   - or it validates (OCF_SUCCESS), and start, monitor and stop run with it. Every
#     command parameter points at a recording script (see make_recorder) that
#     writes its argv, NUL-separated, then runs the emulator's real command: every
#     call must equal a call made with the plain configuration, with the value as
#     one whole argv element where the plain value was (argv[0] for a command);
#   - a command-line parameter (an absolute path and its arguments, read as a shell
#     would quote them but never run through one: cmdline_args) gets each value also
#     as an argument, quoted and unquoted: quoting must survive intact, and every
#     shell metacharacter must arrive as a literal argument;
#   - an agent whose commands run only in some actions (agent_steps: a promotable
#     clone's promote, the Global's monitor, a CF lost) runs those actions;
#   - the empty value is "unset", as an empty instance attribute is in a CIB: the
#     answer must be the one given without the parameter;
# and always: no canary file exists (see the PATH trap below), no shell runs (see
# traced_programs), every run ends within a bound (timeout), and nothing started
# by the agent is left running once stop has run. Then the same values typed as
# --options by hand, and hostile values where the OCF environment, not a parameter,
# reaches a file name or a log line (the resource id, CRM_meta_timeout/interval).
. "$(dirname "$0")/lib.sh"

JP1EMU_TIME_SCALE=0.005 # start-up 15 ms, stop 5 ms: hundreds of starts and stops
emu_world lhHb lhHi lhHj
"$EMU" setup lhHi "$world/shdsk/lhHi" --imdb >/dev/null
timeout_ms=${HOSTILE_TIMEOUT_MS:-20000}
bound_s=$((timeout_ms / 1000 + 5)) # the action deadline, and time for the emulator
marker="hostile-$$-$RANDOM"        # in every agent's environment, so in its children's

# ---- the canary ---------------------------------------------------------------
# A value that got into a shell would run "touch CANARY" or ">CANARY". The agents run
# with a PATH whose first directory holds a "touch" that creates $canary (so the
# shell's own working directory does not matter), and from $cwd, where a
# redirection would create CANARY.
canary="$world/CANARY"
cwd="$world/cwd"
mkdir -p "$world/trap" "$cwd" "$world/calls" "$world/rec"
shopt -s nullglob
printf '#!/bin/sh\necho "$0 $*" >>%s\n' "'$canary'" >"$world/trap/touch"
chmod +x "$world/trap/touch"
cd "$cwd" || exit 1
canary_absent() { [ ! -e "$canary" ] && [ ! -e "$cwd/CANARY" ]; }

# ---- the recording commands --------------------------------------------------------
# make_recorder PATH ROLE TARGET [NARGS]: a script at PATH that writes its parent's
# name and its argv as NUL-terminated elements to a file of its own under $world/calls
# (named after ROLE, the parameter), then execs TARGET, the emulator's real command,
# with its arguments (with NARGS, only the first NARGS: a hostile argument recorded,
# not handed on). It uses bash builtins only, so that it runs nothing but TARGET.
make_recorder() {
    {
        echo '#!/bin/bash'
        printf 'calls=%q role=%q\n' "$world/calls" "$2"
        echo 'read -r parent </proc/$PPID/comm'
        echo 'printf "%s\0" "$parent" "$0" "$@" >"$calls/$role.$$.$RANDOM$RANDOM"'
        if [ -n "${4:-}" ]; then
            printf 'exec %q "${@:1:%d}"\n' "$3" "$4"
        else
            printf 'exec %q "$@"\n' "$3"
        fi
    } >"$1"
    chmod +x "$1"
}

# ---- no shell: what the agent executes ------------------------------------------
# strace -f follows the agent into every process it creates, and -b execve detaches
# from each at its execve, after printing it: the trace holds every program the agent
# or anything it forked executed itself, and nothing that those programs ran (the
# recorder, the emulator and its daemons are fixtures). system(), popen(), a spawn
# through "sh -c" or a shell found on PATH would all show as an execve of a shell
# binary. Every traced program must be one of the configured command paths, byte for
# byte (-xx prints every byte in hex). The recorder adds a second, weaker proof: its
# parent is the agent itself, not a shell in between.
if command -v strace >/dev/null 2>&1; then
    tracer=(strace -f -b execve -qq -xx -s 65536 -e trace=execve,execveat -o "$world/trace")
    # LeakSanitizer cannot run under ptrace: in a sanitized build the traced agents
    # keep ASan and UBSan, and leaks are left to the other suites and to memcheck.
    if ldd "$AGENTS/jp1base" 2>/dev/null | grep -q libasan; then
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    fi
else
    tracer=()
fi
agent_prefix=(timeout -k 2 "$bound_s" "${tracer[@]}")

hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
unhex() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }

# Programs executed (hex), except the agent itself, which strace started (line 1).
traced_programs() {
    sed -nE '1d; s/^[0-9]+ +execve(at)?\(([A-Z_]+, |[0-9]+, )?"([^"]*)".*/\3/; T; s/\\x//g; p' \
        "$world/trace"
}

# ---- one run, and what every run must satisfy ---------------------------------------
# run ACTION [VAR=value...]: the current agent with the current configuration ($cfg,
# $allowed). Appends what went wrong to $problems.
run() {
    local action=$1 p first
    shift
    rm -f "$world/trace"
    agent "$name" "$action" LHOST_HOSTILE="$marker" PATH="$world/trap:$PATH" \
        OCF_RESKEY_CRM_meta_timeout=$timeout_ms OCF_RESKEY_CRM_meta_interval=30000 "${cfg[@]}" "$@"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] || [ "$elapsed_ms" -ge $((bound_s * 1000)) ]; then
        problems+="$action did not end within ${bound_s} s; "
    fi
    if ! canary_absent; then # reported once: removed, so that the next runs are judged afresh
        problems+="$action: CANARY exists ($(cat "$canary" 2>/dev/null)); "
        rm -f "$canary" "$cwd/CANARY"
    fi
    if [ ${#tracer[@]} -gt 0 ]; then
        # The trace must exist and begin with the agent, or it proves nothing.
        first=""
        [ -e "$world/trace" ] && read -r first <"$world/trace"
        [[ $first == *"execve(\"$agent_traced\""* ]] || problems+="$action: no trace of the agent's execve; "
        for p in $(traced_programs); do
            case $allowed in
            *" $p "*) ;;
            *) problems+="$action executed $(unhex "$p" | cat -v), which is no configured command; " ;;
            esac
        done
    fi
}

# The recorded calls of one role, one per line, argv[1..] shell-quoted; argv[0] and
# the parent are checked apart. With PLAIN and VALUE, elements equal to PLAIN are
# replaced by VALUE first (the expected calls).
calls_of() { # calls_of DIR ROLE [PLAIN VALUE]
    local f a
    for f in "$1/$2".*; do
        [ -e "$f" ] || continue
        mapfile -d '' -t a <"$f"
        a=("${a[@]:2}")
        if [ $# -eq 4 ]; then
            local i
            for i in "${!a[@]}"; do [ "${a[$i]}" = "$3" ] && a[$i]=$4; done
        fi
        printf '%q ' "${a[@]}"
        echo
    done | sort -u
}

# Checks every recorded call of this run: its parent, argv[0], and the rest as
# in the plain run with the value substituted. For PARAM itself, argv[0] must be
# $cur_argv0 and, when $cur_args is set (a command line's arguments, as calls_of
# prints them), the rest must be exactly that.
check_calls() { # check_calls PARAM VALUE
    local param=$1 value=$2 f a role want0 expected
    for f in "$world/calls"/*; do
        [ -e "$f" ] || continue
        role=${f##*/}
        role=${role%%.*}
        mapfile -d '' -t a <"$f"
        [ "${a[0]}" = "$name" ] || problems+="$role ran under '${a[0]}', not under the agent; "
        want0=${argv0[$role]}
        [ "$role" = "$param" ] && want0=$cur_argv0
        [ "${a[1]}" = "$want0" ] || problems+="$role ran as argv[0] $(printf '%q' "${a[1]}"); "
    done
    for role in "${cmd_params[@]}"; do
        if [ "$role" = "$param" ] && [ -n "$cur_args" ]; then
            expected=$cur_args
        elif [ "$role" = "$param" ]; then
            expected=$(calls_of "$world/plaincalls.$name" "$role")
        else
            expected=$(calls_of "$world/plaincalls.$name" "$role" "${plain[$param]}" "$value")
        fi
        while IFS= read -r a; do
            [ -z "$a" ] && continue
            printf '%s\n' "$expected" | grep -qxF -- "$a" \
                || problems+="$role was called as [$a], expected one of [$(echo "$expected" | tr '\n' '|')]; "
        done <<<"$(calls_of "$world/calls" "$role")"
    done
}

# ---- the agents, their parameters, and a plain configuration ---------------------------
xpath() { "${XMLLINT:-xmllint}" --xpath "$1" - <<<"$md" 2>/dev/null; }

# setup_agent AGENT: reads the agent's parameters from its meta-data and sets plain[]
# (a valid value of each: fixed[], else the default) and cmd_params (those that name
# a command, "*_cmd" by the agents' convention, each pointed at a plain recorder
# that runs the emulator command in target[]; argv0[] the recorder's path). A
# command line (cmdline_args[AGENT.PARAM], its plain arguments) is the recorder's
# path, quoted, and those arguments; recorder_for_args[] one that hands on only them.
setup_agent() {
    local n i p
    name=$1
    md=$("$AGENTS/$name" meta-data)
    agent_traced=$(hex "$AGENTS/$name" | sed 's/../\\x&/g') # as strace -xx prints it
    n=$(xpath 'count(//parameters/parameter)')
    params=()
    for i in $(seq 1 "$n"); do params+=("$(xpath "string(//parameters/parameter[$i]/@name)")"); done
    unset plain
    declare -gA plain=()
    unset argv0 recorder_for_args
    declare -gA argv0=() recorder_for_args=()
    cmd_params=()
    steps=(${agent_steps[$name]:-start monitor stop})
    want_codes=${agent_want[$name]:-0 0 0 0}
    for p in "${params[@]}"; do
        plain[$p]=$(xpath "string(//parameter[@name='$p']/content/@default)")
        case $p in
        *_cmd)
            [ -n "${target[$p]:-}" ] || { ok 1 "$name: command parameter $p has an emulator command"; continue; }
            cmd_params+=("$p")
            argv0[$p]="$world/rec/plain.$name.$p"
            plain[$p]=${argv0[$p]}
            make_recorder "${argv0[$p]}" "$p" "${target[$p]}"
            if [ -n "${cmdline_args[$name.$p]:-}" ]; then
                plain[$p]="$(shq "${argv0[$p]}") ${cmdline_args[$name.$p]}"
                recorder_for_args[$p]="$world/rec/args.$name.$p"
                make_recorder "${recorder_for_args[$p]}" "$p" "${target[$p]}" \
                    "$(wc -w <<<"${cmdline_args[$name.$p]}")"
            fi
            ;;
        esac
    done
    for p in "${!fixed[@]}"; do plain[$p]=${fixed[$p]}; done
}

# The configuration with PARAM set to VALUE (--unset: left out) in cfg, and in
# allowed the programs it lets the agent execute: its commands, in hex (a command
# line's: argv0[], or $cur_argv0 for PARAM; set by try).
declare -A hexof=()
cur_argv0="" cur_args=""
config() { # config PARAM VALUE|--unset
    local p v x
    cfg=()
    allowed=" "
    for p in "${params[@]}"; do
        if [ "$p" = "$1" ]; then
            [ "$2" = --unset ] && continue
            v=$2
        else
            v=${plain[$p]}
            [ -n "$v" ] || continue
        fi
        cfg+=("OCF_RESKEY_$p=$v")
        case $p in
        *_cmd)
            [ -n "$v" ] || continue # empty: the default path, which runs nothing here
            x=$v
            [ -n "${cmdline_args[$name.$p]:-}" ] && x=${argv0[$p]}
            [ "$p" = "$1" ] && [ -n "$cur_argv0" ] && x=$cur_argv0
            [ -n "${hexof[$x]:-}" ] || hexof[$x]=$(hex "$x")
            allowed+="${hexof[$x]} "
            ;;
        esac
    done
    for v in "${always_allowed[@]}"; do allowed+="$(hex "$v") "; done
}
always_allowed=() # programs an agent may run whatever its configuration (iws: the fake attrd)
# Command lines, AGENT.PARAM: their plain arguments (the rest are single paths); the
# actions after validate-all, AGENT: where they are not start, monitor and stop, and
# the codes they give with the plain configuration (validate-all's first).
declare -A cmdline_args=() agent_steps=() agent_want=()

# run_steps: after a validate-all that returned $rc, the agent's actions (steps: an
# action, or a function step_NAME of the agent's world); every code in $codes.
run_steps() {
    local s
    codes=$rc
    for s in "${steps[@]}"; do
        if declare -F "step_$s" >/dev/null; then "step_$s"; else run "$s"; fi
        codes+=" $rc"
    done
}

# The plain run: records the calls every hostile run is compared with.
plain_run() {
    local list
    problems=""
    rm -rf "${world:?}/calls"/*
    config "" ""
    run validate-all
    run_steps
    printf -v list ', %s' "${steps[@]}"
    is "$codes" "$want_codes" "$name, plain configuration: validate-all$list succeed"
    is "$problems" "" "$name, plain configuration: every run is clean"
    rm -rf "$world/plaincalls.$name"
    mv "$world/calls" "$world/plaincalls.$name"
    mkdir "$world/calls"
    for p in "${cmd_params[@]}"; do
        [ -n "$(calls_of "$world/plaincalls.$name" "$p")" ]
        ok $? "$name, plain configuration: $p was run"
    done
}

# ---- the hostile values ---------------------------------------------------------------
vals=()
labels=()
addv() { vals+=("$1"); labels+=("$2"); }
addv '; touch CANARY' 'semicolon'
addv '$(touch CANARY)' 'command substitution'
addv '`touch CANARY`' 'backticks'
addv '| touch CANARY' 'pipe'
addv '&& touch CANARY' 'and-list'
addv '>CANARY' 'redirection'
addv '*' 'glob'
addv $'x\ntouch CANARY' 'newline'
addv "it's \"quoted\"" 'quotes'
addv '--help' '--help'
addv '-h' '-h'
addv '../../../../../../../tmp/CANARY' 'path traversal'
addv "$(head -c 4097 /dev/zero | tr '\0' A)" '4097 bytes'
addv "$(head -c 65536 /dev/zero | tr '\0' A)" '64 KiB'
addv $'lh\xff\xfe\xc3' 'invalid UTF-8'
addv '' 'empty'

# Directory parameters that validate-all checks on disk: a value that is a valid path
# where nothing is installed is refused as OCF_ERR_INSTALLED (5), the reason naming
# the parameter, and nothing is run.
declare -A checked_on_disk=([twa_home]="iws's TWA_home")
# Parameters whose empty value is documented to turn something off, not to mean unset.
declare -A empty_means_off=([scheduler_status_cmd]="ajs3's scheduler-service check")

# Checks that fail because the agent is wrong (TAP TODO: make check passes while they
# fail, and fails once they pass, so that the mark goes with the fix), by description.
# None today.
declare -A known_defect=()

# A name a recorder can have: one path component.
file_name_ok() { [ -n "$1" ] && [ "${#1}" -le 255 ] && [[ $1 != */* ]] && [ "$1" != . ] && [ "$1" != .. ]; }

# Single quotes as a shell (and g_shell_parse_argv) reads them.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

okt() { ok "$1" "$2${todo:+ # TODO $todo}"; } # a known defect's check, marked

# try PARAM VALUE FORM LABEL [ARGV0 ARGS]: validate-all, then the steps if it passed.
# ARGV0 and ARGS: what a command line must run (ARGS as calls_of prints them).
try() {
    local param=$1 value=$2 form=$3 label=$4 what line reasons=0 named=no got unset codes left c
    local -a ran
    problems=""
    cur_argv0=${5-$value} cur_args=${6:-}
    ran=("$world/calls"/*)
    [ ${#ran[@]} -eq 0 ] || rm -f "${ran[@]}"
    config "$param" "$value"
    run validate-all
    what="$name $param = $label ($form)"
    local todo=${known_defect[$what]:-}
    while IFS= read -r line; do
        case $line in
        ocf-exit-reason:*)
            reasons=$((reasons + 1))
            [[ $line == *"parameter '$param'"* ]] && named=yes
        [ -n "${checked_on_disk[$param]:-}" ] && [ "$rc" -eq 5 ] && [[ $line == *"$param"* ]] && named=yes
            ;;
        esac
    done <<<"$err"
    if [ -z "$value" ] && [ -n "${empty_means_off[$param]:-}" ]; then
        # Empty is a value here: it turns that check off (the agent's man page).
        run_steps
        [ "$codes" = "$want_codes" ] || problems+="validate, ${steps[*]} = $codes; "
        [ -z "$(calls_of "$world/calls" "$param")" ] || problems+="$param ran all the same; "
        okt "$([ -z "$problems" ]; echo $?)" "$what: turns the check off (${empty_means_off[$param]}); it never runs"
    elif [ -z "$value" ]; then
        got="$rc $(reason)"
        config "$param" --unset
        run validate-all
        unset="$rc $(reason)"
        [ "$got" = "$unset" ] || problems+="empty gives '$got', unset gives '$unset'; "
        okt "$([ -z "$problems" ]; echo $?)" "$what: the same as unset (${got%% *})"
    elif [ "$rc" -eq 6 ] || { [ "$rc" -eq 5 ] && [ -n "${checked_on_disk[$param]:-}" ]; }; then
        [ "$reasons" -eq 1 ] || problems+="$reasons ocf-exit-reason lines; "
        [ $named = yes ] || problems+="the reason does not name $param: $(reason | head -c 200); "
        ran=("$world/calls"/*)
        [ ${#ran[@]} -eq 0 ] || problems+="commands ran: ${ran[*]}; "
        if [ "$rc" -eq 5 ]; then
            okt "$([ -z "$problems" ]; echo $?)" "$what: not installed there, OCF_ERR_INSTALLED naming the parameter"
        else
            okt "$([ -z "$problems" ]; echo $?)" "$what: refused, OCF_ERR_CONFIGURED naming the parameter"
        fi
    elif [ "$rc" -eq 0 ]; then
        # A logical host name that validates is run for real: the emulator knows it.
        [ "$param" = logical_host ] && lhost_up "$value"
        run_steps
        case $codes in
        *" 0") ;;
        *) problems+="stop returned ${codes##* }; " ;;
        esac
        if [ -n "${target[$param]:-}" ] && [ "$codes" != "$want_codes" ]; then
            problems+="the command with this name did not work: validate, ${steps[*]} = $codes; "
        fi
        for c in $codes; do # 0-7, and what the plain run gives (a promotable agent's 8)
            [[ " 0 1 2 3 4 5 6 7 $want_codes " == *" $c "* ]] || problems+="undefined OCF code $c; "
        done
        check_calls "$param" "$value"
        if [ -n "${target[$param]:-}" ]; then
            [ -n "$(calls_of "$world/calls" "$param")" ] || problems+="$param never ran; "
        fi
        left=$(marked_processes "LHOST_HOSTILE=$marker")
        [ -z "$left" ] || { problems+="left running: $left; "; "${reset_cmd[@]}" >/dev/null 2>&1; }
        [ "$param" = logical_host ] && "$EMU" reset "$value" >/dev/null
        okt "$([ -z "$problems" ]; echo $?)" "$what: accepted; every command ran as planned ($codes)"
    else
        problems+="validate-all returned $rc: $(reason | head -c 200); "
        okt 1 "$what: neither refused (6) nor accepted"
    fi
    [ -z "$problems" ] || printf '#   %s\n' "$(printf '%s' "$problems" | tr '\n' ' ' | head -c 2000)"
    cur_argv0="" cur_args=""
}

# try_line PARAM FORM LABEL PROGRAM TAIL [WORD...]: PARAM, a command line, set to
# PROGRAM (quoted), its plain arguments and TAIL as typed; it must run PROGRAM with
# the plain arguments and the WORDs, each one literal argument.
try_line() {
    local param=$1 form=$2 label=$3 program=$4 tail=$5 args
    shift 5
    read -r -a args <<<"${cmdline_args[$name.$param]}"
    try "$param" "$(shq "$program") ${cmdline_args[$name.$param]}$tail" "$form" "$label" \
        "$program" "$(printf '%q ' "${args[@]}" "$@")"
}

hostile_agent() {
    local p i
    plain_run
    for p in "${params[@]}"; do
        for i in "${!vals[@]}"; do
            try "$p" "${vals[$i]}" raw "${labels[$i]}"
            [ -z "${vals[$i]}" ] && continue
            if [ -n "${target[$p]:-}" ]; then
                local dir="$world/rec/$name.$p.$i"
                mkdir -p "$dir"
                file_name_ok "${vals[$i]}" && make_recorder "$dir/${vals[$i]}" "$p" "${target[$p]}"
                if [ -n "${cmdline_args[$name.$p]:-}" ]; then
                    local -a words=()
                    read -r -d '' -a words <<<"${vals[$i]}" || true
                    try_line "$p" "as a command's file name" "${labels[$i]}" "$dir/${vals[$i]}" ""
                    try_line "$p" "as an argument, quoted" "${labels[$i]}" \
                        "${recorder_for_args[$p]}" " $(shq "${vals[$i]}")" "${vals[$i]}"
                    try_line "$p" "as an argument, unquoted" "${labels[$i]}" \
                        "${recorder_for_args[$p]}" " ${vals[$i]}" "${words[@]}"
                else
                    try "$p" "$dir/${vals[$i]}" "as a command's file name" "${labels[$i]}"
                fi
            elif [ -n "${plain[$p]}" ]; then
                try "$p" "${plain[$p]}${vals[$i]}" "after a valid value" "${labels[$i]}"
            fi
        done
    done
}

# ---- the agents' worlds ------------------------------------------------------------------
# What each command parameter really runs (the recorders exec it), the plain values
# that are not defaults, and how to make a validated logical host name real.
jp1base_world() {
    declare -gA target=(
        [start_cmd]="$EMUBIN/jbs_start.cluster" [stop_cmd]="$EMUBIN/jbs_stop.cluster"
        [kill_cmd]="$EMUBIN/jbs_killall.cluster" [status_cmd]="$EMUBIN/jbs_spmd_status"
        [event_status_cmd]="$EMUBIN/jevstat"
    )
    declare -gA fixed=(
        [logical_host]=lhHb [shared_dir]="$world/shdsk/lhHb" [status_retry_interval]=0
        [use_event_service]=true
    )
    reset_cmd=("$EMU" reset lhHb)
    lhost_up() { mkdir -p "$world/shdsk/$1" && "$EMU" setup "$1" "$world/shdsk/$1" >/dev/null; }
    setup_agent jp1base
}

# JP1/Base of the logical host runs throughout, outside the agent.
jp1im_world() {
    declare -gA target=(
        [start_cmd]="$EMUBIN/jco_start.cluster" [stop_cmd]="$EMUBIN/jco_stop.cluster"
        [kill_cmd]="$EMUBIN/jco_killall.cluster" [status_cmd]="$EMUBIN/jco_spmd_status"
        [dbstatus_cmd]="$EMUBIN/jimdbstatus" [base_status_cmd]="$EMUBIN/jbs_spmd_status"
    )
    declare -gA fixed=(
        [logical_host]=lhHi [shared_dir]="$world/shdsk/lhHi" [use_imdb]=true
        [status_retry_interval]=0 [dbstatus_retry_interval]=0
    )
    reset_cmd=("$EMUBIN/jco_killall.cluster" lhHi)
    lhost_up() {
        mkdir -p "$world/shdsk/$1" && "$EMU" setup "$1" "$world/shdsk/$1" --imdb >/dev/null \
            && "$EMUBIN/jbs_start.cluster" "$1" >/dev/null
    }
    setup_agent jp1im
}
# JP1/Base of the logical host runs throughout, outside the agent.
ajs3_world() {
    declare -gA target=(
        [start_cmd]="$EMUBIN/jajs_start.cluster" [stop_cmd]="$EMUBIN/jajs_stop.cluster"
        [kill_cmd]="$EMUBIN/jajs_killall.cluster" [status_cmd]="$EMUBIN/jajs_spmd_status"
        [base_status_cmd]="$EMUBIN/jbs_spmd_status" [scheduler_status_cmd]="$EMUBIN/ajsstatus"
    )
    declare -gA fixed=(
        [logical_host]=lhHj [shared_dir]="$world/shdsk/lhHj" [status_retry_interval]=0
    )
    reset_cmd=("$EMUBIN/jajs_killall.cluster" lhHj)
    lhost_up() {
        mkdir -p "$world/shdsk/$1" && "$EMU" setup "$1" "$world/shdsk/$1" >/dev/null \
            && "$EMUBIN/jbs_start.cluster" "$1" >/dev/null
    }
    setup_agent ajs3
}
# IWS: the agent's installation (workstation BHB, a backup) in a domain whose master
# (MHM, another installation) runs throughout, outside the agent; node attributes go
# to the fake attrd, whose two commands are the only other programs it may run.
IWSEMU="$top_builddir/tests/emulators/iwsemu"
iws_home="$world/iws/b"
"$IWSEMU" setup "$world/iws/m" MHM "$world/iws/dom" --master >/dev/null
"$IWSEMU" setup "$iws_home" BHB "$world/iws/dom" >/dev/null
iws_world() {
    declare -gA target=([conman_cmd]="$iws_home/TWS/bin/conman" [startup_cmd]="$iws_home/TWS/bin/StartUp")
    declare -gA fixed=([twa_home]="$iws_home" [link_wait]=1 [switch_settle]=1)
    reset_cmd=("$iws_home/TWS/bin/iwsemu" reset)
    setup_agent iws
}
iws_begin() { # the fake attrd, the master started, shorter deadlines (a start waits for them)
    export IWSEMU_TIME_SCALE=0.01 LH_FAKE_ATTRD="$world/attrd" PATH="$top_srcdir/tests/agents/fakes:$PATH"
    always_allowed=("$top_srcdir/tests/agents/fakes/attrd_updater" "$top_srcdir/tests/agents/fakes/crm_attribute")
    "$world/iws/m/TWS/bin/StartUp" >/dev/null && "$world/iws/m/TWS/bin/conman" start >/dev/null
    timeout_ms=${HOSTILE_IWS_TIMEOUT_MS:-8000} bound_s=$((timeout_ms / 1000 + 5))
}
iws_end() {
    "$world/iws/m/TWS/bin/iwsemu" reset >/dev/null 2>&1
    "$iws_home/TWS/bin/iwsemu" reset >/dev/null 2>&1
    always_allowed=()
    timeout_ms=${HOSTILE_TIMEOUT_MS:-20000} bound_s=$((timeout_ms / 1000 + 5))
}
# ctmplex: a promotable clone; its installation (node1, member M1) is alone on its CF,
# with Control-M's own takeover off. Its two CF commands are command lines, and run
# only in the Global's monitor (cf_check_cmd) and in one made after the CF is lost
# (cf_connect_cmd, with recovert 1: an attempt is due at once, the count taken up from
# another node's P-plex-attempts); plex_cmd runs in promote (GLOBAL). So: start,
# promote, the Global's monitor (8), the CF lost and rebuilt at the first attempt (8),
# stop. Node attributes go to the fake attrd, as for iws.
CTMEMU="$top_builddir/tests/emulators/ctmemu"
ctm_home="$world/ctm/n1" ctm_cf="$world/ctm/cf"
ctm_exe="$ctm_home/ctm_server/exe"
"$CTMEMU" setup "$ctm_home" M1 "$ctm_cf" --priority 99 >/dev/null
cmdline_args+=([ctmplex.cf_check_cmd]=check [ctmplex.cf_connect_cmd]=connect)
agent_steps+=([ctmplex]="start promote gmonitor cflost stop")
agent_want+=([ctmplex]="0 0 0 8 8 0")
ctmplex_world() {
    declare -gA target=(
        [start_cmd]="$ctm_exe/start_ctm" [stop_cmd]="$ctm_exe/shut_ctm"
        [status_cmd]="$ctm_exe/status_ctm" [plex_cmd]="$ctm_exe/ctmplex"
        [cf_check_cmd]="$ctm_exe/ctmcf" [cf_connect_cmd]="$ctm_exe/ctmcf"
    )
    declare -gA fixed=([ctm_home]="$ctm_home" [priority]=99 [recovert]=1)
    reset_cmd=(ctm_reset)
    step_gmonitor() { run monitor OCF_RESKEY_CRM_meta_role=Promoted; }
    step_cflost() {
        "$ctm_exe/ctmemu" cf fail 1 >/dev/null
        mkdir -p "$LH_FAKE_ATTRD/node9"
        printf 'lost=%s made=0 last=0 why=hostile.sh' $((${EPOCHREALTIME/./} / 1000 - 60000)) \
            >"$LH_FAKE_ATTRD/node9/rsc_ctmplex-plex-attempts"
        run monitor OCF_RESKEY_CRM_meta_role=Promoted
        rm -f "$LH_FAKE_ATTRD/node9/rsc_ctmplex-plex-attempts"
        [ ! -e "$ctm_cf/FAILED" ] || "$ctm_exe/ctmemu" cf restore >/dev/null
    }
    setup_agent ctmplex
}
ctm_reset() { "$ctm_exe/ctmemu" reset && "$ctm_exe/ctmemu" cf restore; }
# ctmplex runs beside the other agents (its own emulator, fake attrd and marker): in
# the background, with a world directory of its own for the calls, recorders and
# traces; its TAP lines are numbered into the others' once it is done.
ctmplex_all() {
    local up=$world
    world="$up/ctmplex" marker="$marker-ctmplex"
    mkdir -p "$world/calls" "$world/rec" "$world/attrd"
    ln -s "$up/trap" "$world/trap"
    export CTMEMU_TIME_SCALE=0 CTMEMU_TAKEOVER=0 LH_FAKE_ATTRD="$world/attrd"
    export PATH="$top_srcdir/tests/agents/fakes:$PATH"
    always_allowed=("$top_srcdir/tests/agents/fakes/attrd_updater" "$top_srcdir/tests/agents/fakes/crm_attribute")
    timeout_ms=${HOSTILE_IWS_TIMEOUT_MS:-8000} bound_s=$((timeout_ms / 1000 + 5))
    [ ${#tracer[@]} -eq 0 ] || tracer[-1]="$world/trace" # strace -o: a trace of its own
    agent_prefix=(timeout -k 2 "$bound_s" "${tracer[@]}")
    agent_env=(OCF_RESKEY_CRM_meta_on_node=node1)
    ctmplex_world
    hostile_agent
    same_through_options ctmplex
    ctm_home_defaults "$up"
    ctm_reset >/dev/null 2>&1 # cleaning up: each run checked what it left
    : >"$up/ctmplex.done"
}
# ctm_home holding each value (an installation there), every command at its default
# (CTM_HOME/ctm_server/exe/...): validate-all must find them all (0), or refuse the
# value naming ctm_home. The CF commands' defaults are command lines made from ctm_home.
ctm_home_defaults() { # ctm_home_defaults WORLD
    local i h got
    for i in "${!vals[@]}"; do
        file_name_ok "${vals[$i]}" || continue
        h="$1/ctm/h$i/${vals[$i]}"
        "$CTMEMU" setup "$h" M1 "$1/ctm/cfh" >/dev/null 2>&1 || continue
        cfg=("OCF_RESKEY_ctm_home=$h") allowed=" "
        problems=""
        run validate-all
        got="$rc $(reason)"
        case $got in
        "0 ") ;;
        "6 "*"parameter 'ctm_home'"*) ;;
        *) problems+="validate-all: $got; " ;;
        esac
        what="ctmplex ctm_home = ${labels[$i]} (an installation there, the commands at their defaults): found"
        ok "$([ -z "$problems" ]; echo $?)" "$what"
        [ -z "$problems" ] || printf '#   %s\n' "$(printf '%s' "$problems" | head -c 400)"
    done
}
merge_tap() { # merge_tap FILE: its TAP lines renumbered after ours
    local line
    while IFS= read -r line; do
        case $line in
        "ok "[0-9]*) ok 0 "${line#* - }" ;;
        "not ok "[0-9]*) ok 1 "${line#* - }" ;;
        *) printf '%s\n' "$line" ;;
        esac
    done <"$1"
}
trap 'ctm_reset >/dev/null 2>&1; emu_teardown' EXIT

"$EMUBIN/jbs_start.cluster" lhHi >/dev/null
"$EMUBIN/jbs_start.cluster" lhHj >/dev/null

# ---- the same values through --options, as an admin types them ---------------------------
# parse_option takes the word after --name as its value, whatever it looks like: the
# answer must be the one the OCF environment gets.
same_through_options() { # same_through_options AGENT
    name=$1
    "${name}_world" >/dev/null
    for p in "${params[@]}"; do
        for v in --help -h --verbose '; touch CANARY'; do
            problems=""
            config "$p" "$v"
            run validate-all
            want="$rc $(reason)"
            config "$p" --unset
            opt=${p//_/-}
            agent_args=("--$opt" "$v")
            run validate-all
            agent_args=()
            got="$rc $(reason)"
            [ "$got" = "$want" ] || problems+="--$opt gives '$got', OCF_RESKEY_$p gives '$want'; "
            ok "$([ -z "$problems" ]; echo $?)" "$name --$opt '$v': the same answer as OCF_RESKEY_$p (${want%% *})"
            [ -z "$problems" ] || printf '#   %s\n' "$problems"
        done
    done
}

ctmplex_all >"$world/ctmplex.tap" 2>&1 &
ctmplex_job=$!
jp1base_world
hostile_agent
jp1im_world
hostile_agent
ajs3_world
hostile_agent
iws_begin
iws_world
hostile_agent

for name in jp1base jp1im ajs3 iws; do
    same_through_options "$name"
done

iws_end
wait "$ctmplex_job" 2>/dev/null # its status may be gone already: the file says it ended well
[ -e "$world/ctmplex.done" ]
ok $? "ctmplex: its checks, in the background, ran to the end"
merge_tap "$world/ctmplex.tap"

# ---- not parameters, but from the environment all the same: the resource id -------------
# OCF_RESOURCE_INSTANCE names the state file and tags every log line: a hostile id
# must neither put a file outside HA_RSCTMP nor forge a line of HA_LOGFILE.
jp1base_world >/dev/null
config "" ""
ids=('../../../../../../tmp/CANARY' '; touch CANARY' $'rsc\nforged line' $'rsc\xff\xfe' "$(head -c 65536 /dev/zero | tr '\0' A)" '-h')
for i in "${!ids[@]}"; do
    problems=""
    rm -rf "${HA_RSCTMP:?}"/* "$world/log"
    cfg+=(OCF_RESOURCE_INSTANCE="${ids[$i]}" HA_LOGFILE="$world/log")
    run start
    codes=$rc
    run stop
    codes+=" $rc"
    [ "$codes" = "0 0" ] || problems+="start, stop: $codes; "
    bad=$(find "$world" /tmp/CANARY.state -name 'lhost-jp1base-*' ! -path "$HA_RSCTMP/*" -print 2>/dev/null)
    [ -z "$bad" ] || problems+="state outside HA_RSCTMP: $bad; "
    bad=$(find "$HA_RSCTMP" -mindepth 1 \( -type d -o -type l \) -print)
    [ -z "$bad" ] || problems+="HA_RSCTMP holds $bad; "
    bad=$(grep -cvE '^[^ ]+ [ 0-9][0-9] [0-9:]{8}  jp1base\(' "$world/log")
    [ "$bad" -eq 0 ] || problems+="$bad forged lines in HA_LOGFILE: $(grep -vE '^[^ ]+ [ 0-9][0-9] [0-9:]{8}  ' "$world/log" | head -2 | cat -v); "
    ok "$([ -z "$problems" ]; echo $?)" "jp1base with resource id #$i: start and stop work, state and log stay in place"
    [ -z "$problems" ] || printf '#   %s\n' "$problems"
done

# The operation's timeout and interval: a value that is no number of milliseconds is
# ignored (with a warning) for the default; it must neither forge a log line nor
# stretch or shorten the operation.
config "" ""
tms=('1
forged line' '-5' '0' '99999999999999999999999' '$(touch CANARY)' "$(head -c 65536 /dev/zero | tr '\0' 9)")
for i in "${!tms[@]}"; do
    problems=""
    rm -f "$world/log"
    for v in OCF_RESKEY_CRM_meta_timeout OCF_RESKEY_CRM_meta_interval; do
        cfg+=(HA_LOGFILE="$world/log" "$v=${tms[$i]}")
        run monitor
        [ "$rc" -eq 7 ] || problems+="$v: monitor returned $rc; "
        cfg=("${cfg[@]:0:${#cfg[@]}-2}")
        if [ $v = OCF_RESKEY_CRM_meta_timeout ]; then
            grep -q 'WARNING: ignoring OCF_RESKEY_CRM_meta_timeout=' "$world/log" 2>/dev/null \
                || problems+="no warning that the timeout was ignored; "
        fi
    done
    bad=$(grep -cvE '^[^ ]+ [ 0-9][0-9] [0-9:]{8}  jp1base\(' "$world/log" 2>/dev/null)
    [ "${bad:-0}" -eq 0 ] || problems+="$bad forged lines in HA_LOGFILE: $(grep -vE '^[^ ]+ [ 0-9][0-9] [0-9:]{8}  ' "$world/log" | head -2 | cat -v); "
    ok "$([ -z "$problems" ]; echo $?)" "jp1base with CRM_meta timeout and interval #$i: not running (7), a warning, no forged log line"
    [ -z "$problems" ] || printf '#   %s\n' "$problems"
done

[ ${#tracer[@]} -gt 0 ] || skip "strace is not installed: no trace of what the agents executed"
finish
