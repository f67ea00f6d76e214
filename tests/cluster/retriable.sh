#!/usr/bin/env bash
# Scenario: JP1/IM's status command answers 12 ("retriable error") on the active node.
#
# PRODUCTS.md: jco_spmd_status rc 12 means "repeat the check, as many times as
# configured, then failure" (Hitachi's own scripts retry twice, 1 s apart). The jp1im
# agent does the repeating inside one monitor (status_retries, status_retry_interval),
# so a passing 12 must cost nothing: no monitor failure, no restart, no fail count,
# no failover. A 12 that outlasts the retries is a failure like any other, which
# Pacemaker answers with a restart in place. Both halves run here against the same
# budget, read from the agent's meta-data (the lab sets no status_retries of its own),
# so that the budget is what separates them:
#   part 1, within the budget: one monitor sees 12 `status_retries` times then a real
#     answer, another sees one 12; every token is consumed (emulator log), each 12 is
#     followed by a retry status_retry_interval later, and the cluster sees nothing;
#   part 2, past the budget: 12 on status_retries + 1 runs in a row: the monitor fails
#     (exit reason: still 12), and only the manager is restarted, on the same node.
. "$(dirname "$0")/scenario.sh"

MANAGER="$LH-manager"
LOWER="$LH-disk $LH-ip $LH-base"

# A jp1im parameter's default, from the agent's own meta-data.
param_default() { # param_default NAME
    "$top_builddir/heartbeat/jp1im" meta-data \
        | xmllint --xpath "string(//parameter[@name='$1']/content/@default)" - 2>/dev/null
}

# "<epoch ms> <rc>" of every jco_spmd_status run on NODE from line MARK of its
# emulator log on; rc is "12i" for an injected 12.
status_runs() { # status_runs NODE MARK
    tail -n +"$(($2 + 1))" "$(lab_emu_log "$1")" | awk -v lh="$LH" '
        $3 == "jco_spmd_status" && $5 == lh {
            for (i = 6; i < NF; i++) if ($i == "->" && $(i + 1) == "rc") break
            if (i >= NF) next
            rc = $(i + 2)
            if ($(i + 3) == "(injected)") rc = rc "i"
            split($1, t, ".")
            printf "%.0f %s\n", t[1] * 1000 + substr(t[2], 1, 3), rc
        }'
}

# Waits until NODE's injected codes for jco_spmd_status are used up, then until one
# more status run than that, so that the monitor that took the last token has ended.
wait_consumed() { # wait_consumed NODE MARK SECONDS
    local deadline=$(($(lab_now_ms) + $3 * 1000)) codes runs=""
    codes="$LAB/node${1#node}/opt/jp1emu/inject/$LH/jco_spmd_status.codes"
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        if [ -z "$runs" ] && [ -z "$(tr -d ' \n' <"$codes")" ]; then
            runs=$(status_runs "$1" "$2" | wc -l)
        elif [ -n "$runs" ] && [ "$(status_runs "$1" "$2" | wc -l)" -gt "$runs" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Checks that every injected 12 on NODE since MARK was followed by another status run
# at least the retry interval later and sooner than the next monitor could come: a
# retry inside the same monitor. Prints the offending gaps (ms), nothing when all fit.
bad_retry_gaps() { # bad_retry_gaps NODE MARK
    status_runs "$1" "$2" | awk -v lo="$retry_ms" -v hi="$mon_ms" '
        prev != "" { gap = $1 - prev; if (gap < lo || gap >= hi) printf "%d ", gap; prev = "" }
        $2 == "12i" { prev = $1 }
        END { if (prev != "") printf "no-run-after-last-12 " }'
}

retries=$(param_default status_retries)
retry_s=$(param_default status_retry_interval)
[ "${retries:-0}" -ge 1 ] 2>/dev/null && [ "${retry_s:-0}" -ge 1 ] 2>/dev/null
ok $? "jp1im meta-data: status_retries defaults to ${retries:-?} (at least 1), status_retry_interval to ${retry_s:-?} s"
retries=${retries:-1}
retry_ms=$((${retry_s:-1} * 1000))
twelves() { local _; for _ in $(seq "$1"); do printf '12 '; done; } # twelves N: "12 12 ... " N times

scenario_up 3
home=$active
mon_ms=$(monitor_ms "$MANAGER" "$home")
is "$(lab_exec "$home" crm_resource -r "$MANAGER" -g status_retries 2>/dev/null)" "" \
    "the manager sets no status_retries of its own: the default budget of $retries retries applies"

# ---- part 1: 12 within the retry budget -----------------------------------------------------
calls=$(member_calls "$home" $LOWER)
old_call=$(lab_last_op "$MANAGER" "$home" | cut -d' ' -f4)
lab_mark_logs
emark=$(lab_mark "$(lab_emu_log "$home")")
# One monitor uses the whole budget, the next one needs a single retry.
tokens="$(twelves "$retries")real 12 real"
lab_inject "$home" "$LH" jco_spmd_status "$tokens"
# Bound: two monitors 2 s apart, each with up to $retries retries.
wait_consumed "$home" "$emark" 30
ok $? "part 1: the monitors on $home used up the injected answers ($tokens)"
is "$(status_runs "$home" "$emark" | grep -c ' 12i$')" $((retries + 1)) \
    "part 1: emulator log: jco_spmd_status returned 12 $((retries + 1)) times"
gaps=$(bad_retry_gaps "$home" "$emark")
is "$gaps" "" \
    "part 1: each 12 was followed by a retry ${retry_ms} ms or more later, before the next monitor (${mon_ms} ms)"
# What the retries cost: from the first 12 to the real answer that ended that monitor.
first_12=$(status_runs "$home" "$emark" | awk '$2 == "12i" {print $1; exit}')
answer=$(status_runs "$home" "$emark" | awk '$2 == "12i" {seen = 1; next} seen {print $1; exit}')
[ -z "$gaps" ] && [ -n "$first_12" ] && [ -n "$answer" ] \
    && scenario_time "monitor answer delayed by $retries retries" $((answer - first_12))

lab_status
is "$(lab_last_op "$MANAGER" "$home" | cut -d' ' -f4)" "$old_call" "part 1: the manager was not restarted (call id $old_call unchanged)"
is "$(member_calls "$home" $LOWER)" "$calls" "part 1: disk, IP and JP1/Base not restarted ($calls)"
for node in $(lab_live_nodes); do
    is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "part 1: $node started or stopped nothing of $LH"
done
is "$(grep -c "Result of monitor operation for $MANAGER on $home: error" \
    <(tail -n +"$((lab_marks[$home] + 1))" "$(lab_pacemaker_log "$home")"))" 0 \
    "part 1: $home's controller recorded no failed monitor of the manager"
is "$(lab_failcount "$MANAGER" "$home")" 0 "part 1: the manager's fail count on $home is 0"
lab_wait_group "$LH" 5
is "$lab_where" "$home" "part 1: $LH still runs on $home"
no_failed_actions "part 1: crm_mon lists no failed actions"

# ---- part 2: 12 past the retry budget ---------------------------------------------------------
lab_mark_logs
emark=$(lab_mark "$(lab_emu_log "$home")")
# From here on, against the state part 2 starts from (whatever part 1 left).
calls=$(member_calls "$home" $LOWER)
old_call=$(lab_last_op "$MANAGER" "$home" | cut -d' ' -f4)
failures=$(lab_failcount "$MANAGER" "$home")
tokens=$(twelves $((retries + 1)))
t0=$(lab_now_ms)
lab_inject "$home" "$LH" jco_spmd_status "$tokens"
# Bound: a monitor within 2 s, its retries, a stop and a start.
wait_restarted "$MANAGER" "$home" "$old_call" 30
restarted=$?
elapsed=$(($(lab_now_ms) - t0))
ok $restarted "part 2: after 12 on $((retries + 1)) runs in a row the manager was restarted (call id $old_call -> ${new_call:-none}) on $home"
[ $restarted = 0 ] && scenario_time "12 past $retries retries to manager restarted" "$elapsed"
is "$(status_runs "$home" "$emark" | grep -c ' 12i$')" $((retries + 1)) \
    "part 2: emulator log: jco_spmd_status returned 12 $((retries + 1)) times, every token used"
is "$(status_runs "$home" "$emark" | awk '$2 == "12i" {n++; next} n {exit} END {print n + 0}')" $((retries + 1)) \
    "part 2: ... all of them in one run of retries, before any other answer"
is "$(tail -n +"$((lab_marks[$home] + 1))" "$(lab_pacemaker_log "$home")" \
    | grep -c "Result of monitor operation for $MANAGER on $home: error")" 1 \
    "part 2: $home's controller recorded one failed monitor of the manager"
is "$(lab_ops_since "$home" "${lab_marks[$home]}" "$LH" | tr '\n' ' ')" "stop $MANAGER start $MANAGER " \
    "part 2: $home's controller stopped and started the manager only"
for node in $(others "$home"); do
    is "$(lab_ops_since "$node" "${lab_marks[$node]}" "$LH")" "" "part 2: $node started or stopped nothing of $LH"
done
is "$(member_calls "$home" $LOWER)" "$calls" "part 2: disk, IP and JP1/Base not restarted ($calls)"
is "$(lab_failcount "$MANAGER" "$home")" $((failures + 1)) "part 2: the manager's fail count on $home went from $failures to $((failures + 1))"
lab_mon
is "$(lab_failed_actions)" "op_key=\"${MANAGER}_monitor_${mon_ms}\" node=\"$home\" exitstatus=\"error\"" \
    "part 2: the only failed action crm_mon lists is the manager's monitor on $home"
like "$(lab_xpath "$LAB/mon.xml" "string(//failures/failure/@exitreason)")" \
    "jco_spmd_status returned 12 .*still after $((retries + 1)) runs" \
    "part 2: its exit reason says the status command still answered 12 after $((retries + 1)) runs"

scenario_end
