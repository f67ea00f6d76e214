#!/usr/bin/env bash
# Scenario: IBM Workload Scheduler as a promotable clone (ocf:lhost:iws, issue 15) on
# the IWS emulator, one lab of 3 nodes with fencing for every round. Node N has its own
# installation (workstation TWSN, lab_iws_setup), all of them one master domain; TWS1
# starts as the master domain manager with the first plan. Rounds:
#   1. the master's node loses power: a backup is promoted, a plan made on it launches
#      its jobs (the emulator's log: loaded, launched), the node is fenced, the lab
#      boots it again and it comes back as a linked backup;
#   2. the master's Symphony is corrupted (a byte of the file): the agent's recovery
#      (IBM's procedure) ends with every workstation linked to a new master, one plan
#      of one size everywhere, every limit back, and nothing deleted (the corrupt plan
#      kept as Symphony.corrupt-* and Sinfonia.corrupt-*, the new master's Sinfonia as
#      Sinfonia.orig);
#   3. the same, but the agent running the new master's side is SIGKILLed in the middle
#      (StartUp hangs there, by injection, after the shutdown and the Sinfonia copy):
#      the next action completes the recovery;
#   4. a planned switch back: the promoted role moved to node1 (crm_resource --move
#      --promoted, then --clear): TWS1 the master again, every workstation linked;
#   5. `lhost quiesce iws` with a job running on one node: that node pending, then
#      quiesced once the job ended; `lhost resume iws` gives every limit back.
# Times: power cut -> jobs launching on the new master; corruption detected -> all
# linked again (and a few more), in tests/cluster/times.
# shellcheck disable=SC2317 # round1..round5 are called through $round
. "$(dirname "$0")/scenario.sh"

[ -x "$top_builddir/heartbeat/iws" ] || skip_all "this build has no ocf:lhost:iws agent"

lab_iws=1
IWSEMU="$top_builddir/tests/emulators/iwsemu"
LIMIT=100 # every workstation's limit, before and after each round

# ---- what IWS and the cluster say (the rest in lab.sh: lab_iws_*) ----------------------------
wait_settled() { # wait_settled NODE SECONDS: sets settled_ms; says why not, if not
    lab_iws_wait_settled "$@" && { settled_ms=$lab_iws_settled_ms; return 0; }
    echo "# not settled on $1: $lab_iws_why"
    return 1
}

# What conman showcpus says on each live node, checked line by line: the node's own
# line "I J", every other live workstation "LTI JW" where it is the master or seen
# from a backup, the master NODE shown MASTER everywhere; every LIMIT $LIMIT, one RUN.
sc_all_linked() { # sc_all_linked MASTER_NODE: prints what is wrong, nothing if all is well
    local n m out
    m=$(lab_iws_ws "$1")
    for n in $(lab_live_nodes); do
        out=$(lab_conman "$n" sc 2>&1 | awk '$1 ~ /^TWS[0-9]+$/')
        awk -v me="$(lab_iws_ws "$n")" -v m="$m" -v lim="$LIMIT" -v node="$n" '
            { st = ""; for (i = 9; i <= NF; i++) st = st (st == "" ? "" : " ") $i
              if ($5 != lim) print node ": " $1 " limit " $5
              runs[$2] = 1
              if (($1 == m) != ($4 == "MASTER")) print node ": " $1 " shown as " $4
              if ($1 == me && st != "I J") print node ": its own line " st
              if ($1 != me && (me == m || $1 == m) && st != "LTI JW") print node ": " $1 " " st }
            END { if (length(runs) != 1) print node ": runs differ" }' <<<"$out"
    done
}

# Lines NODE's emulator log got after line MARK.
emu_since() { tail -n +"$(($2 + 1))" "$(lab_iws_log "$1")"; }
# Epoch ms of a log line's first field (seconds.nanoseconds).
line_ms() { awk '{split($1, t, "."); printf "%d%s\n", t[1], substr(t[2] "000", 1, 3)}'; }

# The agent's own lines (its name "iws" in them) in NODE's pacemaker log after MARK.
agent_lines() { # agent_lines NODE MARK
    tail -n +"$(($2 + 1))" "$(lab_pacemaker_log "$1")" | grep -E ' iws\([^)]*\)\[[0-9]+\]:'
}

counted_files() { # counted_files NODE PATTERN: how many TWS/PATTERN files NODE has
    find "$(lab_iws_dir "$1")/TWS" -maxdepth 1 -name "$2" | wc -l
}

# The new master's Sinfonia from before the recovery (step 4 renames it) is kept, as
# Sinfonia.orig (or Sinfonia.orig-TIME, when a later step 4 renamed that one again).
kept_sinfonia() { # kept_sinfonia NEW_MASTER ROUND
    local f found=""
    if [ -z "${sinfonia[$1]}" ]; then
        ok 0 "$2: $1 had no Sinfonia before the recovery: nothing to keep"
        return
    fi
    for f in "$(lab_iws_dir "$1")"/TWS/Sinfonia.orig*; do
        [ -f "$f" ] && [ "$(md5sum <"$f" | cut -d' ' -f1)" = "${sinfonia[$1]}" ] && found=${f##*/}
    done
    ok "$([ -n "$found" ] && echo 0 || echo 1)" "$2: $1 kept its Sinfonia from before the recovery (${found:-not found})"
}

failed_ops() { # the failed actions crm_mon lists, "op_key node exitstatus" (reads mon.xml)
    lab_xpath "$LAB/mon.xml" '//failures/failure' | grep -o 'op_key="[^"]*" node="[^"]*" exitstatus="[^"]*"' || true
}

cleanup() { lab_exec "$(lab_live_nodes | head -1)" crm_resource --cleanup -r iws-clone >/dev/null 2>&1; }

# Marks every live node's emulator log (emark[NODE]) and pacemaker log (pmark[NODE]).
mark_logs() {
    local n
    declare -gA emark=() pmark=()
    for n in $(lab_live_nodes); do
        emark[$n]=$(lab_mark "$(lab_iws_log "$n")")
        pmark[$n]=$(lab_mark "$(lab_pacemaker_log "$n")")
    done
}

# Marks the logs and corrupts NODE's Symphony: sets corrupt_ms and $before (the
# corrupted file's md5).
corrupt_round() { # corrupt_round NODE
    local n f
    mark_logs
    declare -gA sinfonia=() # each node's Sinfonia's md5 before, empty if it had none
    for n in $(lab_live_nodes); do
        f="$(lab_iws_dir "$n")/TWS/Sinfonia"
        sinfonia[$n]=$([ -f "$f" ] && md5sum <"$f" | cut -d' ' -f1)
    done
    lab_iws_corrupt "$1"
    corrupt_ms=$(lab_now_ms)
    before=$(md5sum <"$(lab_iws_symphony "$1")" | cut -d' ' -f1)
}

# Each round starts with the clone settled, promoted on $master, and returns 0 when
# it ends so again (with $master the node promoted then).

# ---- round 1: the master loses power -------------------------------------------------------
round1() {
    local old=$master rc
    mark_logs
    cut_ms=$(lab_now_ms)
    lab_power_off "$old"
    ok $? "round 1: power cut on $old, the master"
    new="" promoted_ms=""
    while [ $(($(lab_now_ms) - cut_ms)) -lt 60000 ]; do
        if lab_iws_mon; then
            new=$(lab_iws_promoted)
            [ -n "$new" ] && [ "$new" != "$old" ] && [ "$(lab_iws_master)" = "$(lab_iws_ws "$new")" ] \
                && { promoted_ms=$(($(lab_now_ms) - cut_ms)); break; }
        fi
        new=""
        sleep 0.1
    done
    ok "$([ -n "$new" ] && echo 0 || echo 1)" "round 1: ${new:-no node} promoted, its workstation the domain's master, $(lab_secs "${promoted_ms:-0}") s after the cut"
    [ -n "$promoted_ms" ] && scenario_time "power cut to backup promoted" "$promoted_ms"
    if [ -n "$new" ]; then
        # The night's plan, made on the new master as an operator's (or cron's) JnextPlan
        # would: only the master can, and its batchman launches the plan's jobs.
        plan=$(lab_iws_exec "$new" "$(lab_iws_bin JnextPlan)" 2>&1)
        like "$plan" "^JnextPlan: Symphony run [0-9]+" "round 1: JnextPlan runs on $new, the new master ($plan)"
        launched=""
        for _ in $(seq 100); do
            launched=$(emu_since "$new" "${emark[$new]}" | grep -m1 " jobman event launched $(lab_iws_ws "$new")#")
            [ -n "$launched" ] && break
            sleep 0.1
        done
        ok "$([ -n "$launched" ] && echo 0 || echo 1)" "round 1: jobs launch on $new (emulator log: ${launched#* })"
        if [ -n "$launched" ]; then
            jobs_ms=$(($(line_ms <<<"$launched") - cut_ms))
            scenario_time "power cut to jobs launching on new master" "$jobs_ms"
        fi
        like "$(lab_conman "$new" sj | awk '$1 ~ /^TWS/ {print $4}' | tr '\n' ' ')" "(INTRO|EXEC|SUCC)" \
            "round 1: conman sj on $new lists the new plan's jobs launched"
    fi
    # The fencing, and the node's return.
    fenced=""
    for _ in $(seq 150); do
        [ "$(cat "$LAB/pdu/$old" 2>/dev/null)" = off ] && { fenced=1; break; }
        sleep 0.1
    done
    ok "$([ -n "$fenced" ] && echo 0 || echo 1)" "round 1: the cluster fenced $old (fence_dummy switched its outlet off)"
    lab_boot "$old"
    ok $? "round 1: the lab boots $old again"
    [ -n "$new" ] || return 1
    wait_settled "$new" 60
    rc=$?
    ok $rc "round 1: $old is back as a backup: unpromoted, linked with the new master, the same plan"
    [ $rc = 0 ] || return 1
    master=$new
    is "$(sc_all_linked "$new")" "" "round 1: conman sc on each node: $(lab_iws_ws "$new") the master, all linked, limits $LIMIT"
    lab_iws_mon
    is "$(failed_ops)" "" "round 1: no failed actions"
}

# ---- round 2: the master's Symphony is corrupted --------------------------------------------
round2() {
    corrupt_round "$master"
    "$IWSEMU" symphony "$(lab_iws_symphony "$master")" >/dev/null 2>&1
    is $? 1 "round 2: $master's Symphony corrupted (iwsemu symphony: AWSBHU001E)"
    detect_ms=""
    for _ in $(seq 200); do
        line=$(emu_since "$master" "${emark[$master]}" | grep -m1 ' conman .*(AWSBHU001E)')
        [ -n "$line" ] && { detect_ms=$(line_ms <<<"$line"); break; }
        sleep 0.1
    done
    ok "$([ -n "$detect_ms" ] && echo 0 || echo 1)" \
        "round 2: the agent's conman met AWSBHU001E on $master $(lab_secs $((${detect_ms:-$corrupt_ms} - corrupt_ms))) s after the corruption"
    new2=""
    deadline=$(($(lab_now_ms) + 60000))
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        lab_iws_mon && new2=$(lab_iws_promoted) && [ -n "$new2" ] && [ "$new2" != "$master" ] && break
        new2=""
        sleep 0.1
    done
    ok "$([ -n "$new2" ] && echo 0 || echo 1)" "round 2: a backup (${new2:-none}) is promoted"
    [ -n "$new2" ] || return 1
    wait_settled "$new2" 45
    settled_ok=$?
    ok $settled_ok "round 2: recovered: all linked with $(lab_iws_ws "${new2:-none}"), one plan everywhere ($(lab_iws_plans | sort -u | tr '\n' ' ')), every limit $LIMIT"
    if [ $settled_ok = 0 ] && [ -n "$detect_ms" ]; then
        scenario_time "corruption detected to all linked" $((settled_ms - detect_ms))
    fi
    is "$(sc_all_linked "${new2:-none}")" "" "round 2: conman sc on each node: all linked, limits $LIMIT, one run"
    is "$(counted_files "$master" 'Symphony.corrupt-*')/$(counted_files "$master" 'Sinfonia.corrupt-*')" 1/1 \
        "round 2: $master kept its corrupt Symphony and Sinfonia (Symphony.corrupt-*, Sinfonia.corrupt-*)"
    kept=$(find "$(lab_iws_dir "$master")/TWS" -maxdepth 1 -name 'Symphony.corrupt-*' | head -1)
    is "$(md5sum <"${kept:-/dev/null}" | cut -d' ' -f1)" "$before" "round 2: ... the very file that was corrupted, unchanged"
    kept_sinfonia "$new2" "round 2"
    # The new master's side in the order of IBM's procedure, as its emulator log shows it.
    steps=$(emu_since "${new2:-none}" "${emark[${new2:-none}]:-0}" | awk -v old="$(lab_iws_ws "$master")" '
        / conman switchm[a-z]* / && !s {s = 1; printf "switchmgr "}
        index($0, " conman limit cpu=" old ";0") && !l {l = 1; printf "limit-0 "}
        / conman shut/ && !h {h = 1; printf "shut "}
        / StartUp -> / && h && !u {u = 1; printf "StartUp "}
        / conman star?t? -> / && u && !t {t = 1; printf "start "}
        index($0, " conman link " old) && t && !k {k = 1; printf "link-old "}')
    is "$steps" "switchmgr limit-0 shut StartUp start link-old " \
        "round 2: $new2's emulator log: switchmgr, old master's limit 0, shut, StartUp, start, link the old master, in that order"
    lab_iws_mon
    like "$(failed_ops)" "^op_key=\"iws_monitor_3000\" node=\"$master\" exitstatus=\"[^\"]*\"\$" \
        "round 2: the only failed action is the promoted monitor on $master ($(failed_ops | tr '\n' ' '))"
    like "$(lab_xpath "$LAB/mon.xml" 'string(//failures/failure/@exitreason)')" "AWSBHU001E" "round 2: ... its reason names AWSBHU001E"
    [ $settled_ok = 0 ] || return 1
    master=$new2
    cleanup
    wait_settled "$master" 20
}

# ---- round 3: the agent SIGKILLed in the middle of the recovery --------------------------------
round3() {
    local hung="" agent="" action="" n pid ppid startup new3=""
    # Whichever backup is promoted hangs in its StartUp: after the new master's shutdown and
    # its Sinfonia refreshed, before it starts again.
    for n in $(others "$master"); do echo hang >"$(lab_iws_inject_dir "$n")/StartUp.codes"; done
    corrupt_round "$master"
    deadline=$(($(lab_now_ms) + 45000))
    while [ -z "$agent" ] && [ "$(lab_now_ms)" -lt "$deadline" ]; do
        for n in $(others "$master"); do
            for pid in $(lab_node_pids "$n"); do
                [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = StartUp ] || continue
                hung=$n
                ppid=$(awk '{print $4}' "/proc/$pid/stat")
                [ "$(cat "/proc/$ppid/comm" 2>/dev/null)" = iws ] || continue
                agent=$ppid startup=$pid
                action=$(tr '\0' ' ' <"/proc/$ppid/cmdline" | awk '{print $2}')
            done
        done
        sleep 0.1
    done
    ok "$([ -n "$agent" ] && echo 0 || echo 1)" "round 3: the agent's $action on $hung hangs in StartUp (injected), mid-recovery"
    if [ -n "$agent" ]; then
        kill_ms=$(lab_now_ms)
        kill -KILL "$agent" "$startup"
        ok $? "round 3: SIGKILL to the agent (pid $agent, $action) and its StartUp"
        echo "# emulator log of $hung before the kill: $(emu_since "$hung" "${emark[$hung]}" | awk '$3 != "jobmon" {print $3, $4}' | grep -v '^conman sc$' | tr '\n' ',')"
    fi
    for n in $(others "$master"); do rm -f "$(lab_iws_inject_dir "$n")/StartUp.codes"; done
    deadline=$(($(lab_now_ms) + 60000))
    while [ "$(lab_now_ms)" -lt "$deadline" ]; do
        lab_iws_mon && new3=$(lab_iws_promoted) && [ -n "$new3" ] && [ "$new3" != "$master" ] && lab_iws_settled "$new3" && break
        new3=""
        sleep 0.2
    done
    ok "$([ -n "$new3" ] && echo 0 || echo 1)" "round 3: the recovery completed: ${new3:-no node} promoted, all linked, one plan, every limit $LIMIT${lab_iws_why:+ (last: $lab_iws_why)}"
    [ -n "$new3" ] && [ -n "$agent" ] && scenario_time "SIGKILL mid-recovery to all linked" $(($(lab_now_ms) - kill_ms))
    is "$(sc_all_linked "${new3:-none}")" "" "round 3: conman sc on each node: all linked, limits $LIMIT, one run"
    if [ -n "$agent" ]; then
        # How it was completed, for the reader: what the controller ran on $hung after the
        # kill, and whether an action resumed the recovery from its state or ran it again.
        echo "# after the kill, on $hung: $(tail -n +"$((pmark[$hung] + 1))" "$(lab_pacemaker_log "$hung")" \
            | sed -n "s/.*Result of \([a-z]*\) operation for iws on $hung: \([^|(]*\).*/\1 (\2)/p" \
            | grep -v '^notify\|^monitor' | sed -n '/Killed\|Error/,$p' | tr '\n' ',' | sed 's/ )/)/g')"
        echo "# the agent on $hung: $(agent_lines "$hung" "${pmark[$hung]}" | grep -E 'resuming after step|recovery of [A-Z0-9]+: ' \
            | sed 's/.*INFO: //' | tr '\n' ',')"
    fi
    is "$(counted_files "$master" 'Symphony.corrupt-*')/$(counted_files "$master" 'Sinfonia.corrupt-*')" 1/1 \
        "round 3: $master kept its corrupt Symphony and Sinfonia"
    kept_sinfonia "$new3" "round 3"
    [ -n "$new3" ] || return 1
    master=$new3
    cleanup
    wait_settled "$master" 20
}

# ---- round 4: a planned switch back to node1 ------------------------------------------------------
round4() {
    local move_ms moved rc
    move_ms=$(lab_now_ms)
    lab_exec node1 crm_resource --move --promoted -r iws-clone -N node1 >/dev/null 2>&1
    ok $? "round 4: crm_resource --move --promoted -r iws-clone -N node1"
    wait_settled node1 60
    moved=$?
    ok $moved "round 4: node1 promoted, TWS1 the master, all linked"
    [ $moved = 0 ] || return 1
    master=node1
    [ $moved = 0 ] && scenario_time "move promoted role to all linked" $((settled_ms - move_ms))
    lab_exec node1 crm_resource --clear -r iws-clone >/dev/null 2>&1
    ok $? "round 4: the move's constraint cleared"
    sleep 4 # a monitor of each instance after the clear: nothing moves back
    wait_settled node1 20
    rc=$?
    ok $rc "round 4: ... node1 stays promoted"
    [ $rc = 0 ] || return 1
    is "$(sc_all_linked node1)" "" "round 4: conman sc on each node: TWS1 the master, all linked, limits $LIMIT"
    lab_iws_mon
    is "$(failed_ops)" "" "round 4: no failed actions"
}

# ---- round 5: quiesce and resume ------------------------------------------------------------
round5() {
    local busy=node3 n out rc plan job_ms
    if ! "$LAB_LHOST" --help 2>&1 | grep -qE '^ *quiesce\b'; then
        skip "round 5: this lhost has no quiesce command"
    else
        mark_logs
        # One job per workstation, of 10 s (at the lab's time scale); every job but busy's
        # is ended at once (SIGTERM to its jobmon: ABEND).
        plan=$(lab_iws_exec "$master" IWSEMU_JOBS=1 IWSEMU_JOB_MS=100000 "$(lab_iws_bin JnextPlan)" 2>&1)
        job_ms=$(lab_now_ms)
        like "$plan" "^JnextPlan: Symphony run" "round 5: a plan of one 10 s job per workstation ($plan)"
        for n in $(lab_live_nodes); do
            for _ in $(seq 50); do
                emu_since "$n" "${emark[$n]}" | grep -q " jobman event launched $(lab_iws_ws "$n")#JOB1" && break
                sleep 0.1
            done
            [ "$n" = "$busy" ] && continue
            lab_exec "$n" sh -c "p=\$($(lab_iws_bin iwsemu) ps | awk '\$2 == \"jobmon\" {print \$1}'); [ -z \"\$p\" ] || kill \$p"
        done
        sleep 0.3
        is "$(for n in $(lab_live_nodes); do lab_conman "$n" sj | awk -v n="$n" '$1 ~ /^TWS/ {print n ":" $3 ":" $4}'; done | tr '\n' ' ')" \
            "node1:JOB1:ABEND node2:JOB1:ABEND node3:JOB1:EXEC " "round 5: JOB1 runs on $busy only"
        out=$(lab_exec node1 "$LAB_LHOST" quiesce iws --timeout 6 2>&1)
        rc=$?
        echo "$out" | sed 's/^/#   /'
        is "$rc" 3 "round 5: lhost quiesce iws --timeout 6: exit 3, a node pending"
        like "$out" "$busy pending .*JOB1" "round 5: ... $busy pending JOB1"
        is "$(grep -cE '^node[12] quiesced$' <<<"$out")" 2 "round 5: ... node1 and node2 quiesced"
        is "$(lab_iws_limits | tr '\n' ' ')" "TWS1 0 TWS2 0 TWS3 0 " "round 5: every limit is 0"
        out=$(lab_exec node1 "$LAB_LHOST" quiesce iws --timeout 30 2>&1)
        rc=$?
        echo "$out" | sed 's/^/#   /'
        is "$rc/$(grep -c ' quiesced$' <<<"$out")" 0/3 "round 5: lhost quiesce again, once the job ended: exit 0, all three quiesced"
        [ "$(lab_now_ms)" -gt $((job_ms + 10000)) ]
        ok $? "round 5: ... after the job's 10 s"
        is "$(lab_conman "$busy" sj | awk '$1 ~ /^TWS/ {print $3 ":" $4}')" JOB1:SUCC "round 5: JOB1 ended SUCC on $busy"
        out=$(lab_exec node1 "$LAB_LHOST" resume iws --timeout 30 2>&1)
        rc=$?
        echo "$out" | sed 's/^/#   /'
        is "$rc/$(grep -c ' resumed$' <<<"$out")" 0/3 "round 5: lhost resume iws: exit 0, all three resumed"
        is "$(lab_iws_limits | tr '\n' ' ')" "TWS1 $LIMIT TWS2 $LIMIT TWS3 $LIMIT " "round 5: every limit is $LIMIT again"
        is "$(sc_all_linked "$master")" "" "round 5: conman sc on each node: all linked, limits $LIMIT"
    fi
}

# ---- the lab ------------------------------------------------------------------------------
t_start=$(lab_now_ms)
lab_up 3 "$top_builddir" fencing
ok $? "a 3-node cluster with fencing is up ($(lab_secs "${lab_up_ms:-0}") s)"
lab_iws_setup
ok $? "IWS installed on every node (TWS1 the master), the first plan made on TWS1"
lab_iws_cib
ok $? "the promotable clone iws-clone (ocf:lhost:iws) loads into the CIB"
wait_settled node1 60
rc=$?
ok $rc "iws promoted on node1, unpromoted on node2 and node3, every workstation linked with TWS1 ($(lab_secs $(($(lab_now_ms) - t_start))) s since the lab started)"
broken=$([ $rc = 0 ] || echo "the clone never settled")
is "$(sc_all_linked node1)" "" "conman sc on each node: TWS1 the master, all linked, limits $LIMIT"
master=node1
# A round that ends unsettled leaves nothing sound for the next ones: they are skipped
# (so a broken agent costs CI one round's wait, not five).
for round in round1 round2 round3 round4 round5; do
    if [ -n "$broken" ]; then
        skip "${round/round/round }: not run, $broken"
        continue
    fi
    $round || broken="the cluster did not settle after ${round/round/round }"
done

echo "# whole scenario before teardown: $(lab_secs $(($(lab_now_ms) - t_start))) s"
scenario_end
