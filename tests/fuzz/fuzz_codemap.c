/* fuzz_codemap.c - a vendor command's return codes through a code map (lib/runtime/codemap.c).
 *
 * A status command's return code is whatever the command exits with: any int.
 * Input: one byte choosing the map (the JP1 agents' real jbs_spmd_status,
 * jco_spmd_status and jimdbstatus maps, or one made from the input: up to eight
 * rows of rc and decisions), then queries of five bytes each: a return code, and
 * a byte for the context and whether the shared directory is present.
 * Asserts, beyond no crash, what codemap.h promises:
 *   - a code missing from the table is a documented-no failure, never "running",
 *     never passed through as an exit code; every verdict's OCF code is one of
 *     success, generic error, not installed, not running (never "promoted");
 *   - a documented code decides by its row: its own decision, its stop decision
 *     in a stop, its shared-absent decision where the shared directory is absent
 *     (which wins, as the printed table shows);
 *   - the context does what the header says: a monitor settles unless told to
 *     retry, a probe never reports "not installed", start settles only on running
 *     (success) or not-here, stop only on stopped or not-here (both success);
 *   - the printed tables have one line per row, one more per shared-absent case,
 *     a header and the catch-all row; the roff one is a tbl block.
 */
#include "config.h"

#include "fuzz.h"
#include "fuzz_agents.h"

#define MAX_ROWS 8

static const lh_codemap *const real_maps[] = {&jbs_spmd_status_map, &jco_spmd_status_map,
                                              &jimdbstatus_map};

static const char *const meanings[MAX_ROWS] = {"zero", "one", "two", "three",
                                              "four", "five", "six", "seven"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

static const lh_code *first_row(const lh_codemap *map, int rc)
{
    for (size_t i = 0; i < map->n_codes; i++) {
        if (map->codes[i].rc == rc) {
            return &map->codes[i];
        }
    }
    return NULL;
}

static lh_decision expected_decision(const lh_code *row, lh_context context, gboolean shared)
{
    lh_decision d = row->decision;

    if (context == LH_CONTEXT_STOP && row->when_stopping != LH_DECIDE_NONE) {
        d = row->when_stopping;
    }
    if (!shared && row->if_shared_absent != LH_DECIDE_NONE) {
        d = row->if_shared_absent;
    }
    return d;
}

static void assert_context_rules(lh_verdict v, lh_context context)
{
    lh_ocf_code c = v.code;

    FZ_ASSERT(c == LH_OCF_SUCCESS || c == LH_OCF_ERR_GENERIC || c == LH_OCF_ERR_INSTALLED
                  || c == LH_OCF_NOT_RUNNING,
              "%s in %s gave OCF code %d", lh_decision_name(v.decision),
              lh_context_name(context), c);
    switch (context) {
    case LH_CONTEXT_MONITOR:
    case LH_CONTEXT_PROBE:
        FZ_ASSERT(v.settled == (v.decision != LH_DECIDE_RETRY), "monitor settled wrongly");
        FZ_ASSERT(c != LH_OCF_SUCCESS || v.decision == LH_DECIDE_RUNNING,
                  "%s reported running", lh_decision_name(v.decision));
        FZ_ASSERT(context != LH_CONTEXT_PROBE || c != LH_OCF_ERR_INSTALLED,
                  "a probe reported not installed");
        break;
    case LH_CONTEXT_START:
        FZ_ASSERT(v.settled == (v.decision == LH_DECIDE_RUNNING
                                || v.decision == LH_DECIDE_NOT_HERE),
                  "start settled on %s", lh_decision_name(v.decision));
        FZ_ASSERT(!v.settled || (c == LH_OCF_SUCCESS) == (v.decision == LH_DECIDE_RUNNING),
                  "start ended with %d on %s", c, lh_decision_name(v.decision));
        break;
    case LH_CONTEXT_STOP:
        FZ_ASSERT(v.settled == (v.decision == LH_DECIDE_STOPPED
                                || v.decision == LH_DECIDE_NOT_HERE),
                  "stop settled on %s", lh_decision_name(v.decision));
        FZ_ASSERT(v.settled == (c == LH_OCF_SUCCESS), "stop ended with %d", c);
        break;
    }
}

static void check_query(const lh_codemap *map, int rc, lh_context context, gboolean shared)
{
    const lh_code *row = first_row(map, rc);
    lh_verdict v = lh_codemap_decide(map, rc, context, shared);
    lh_verdict plain = lh_decision_verdict(v.decision, context);

    FZ_ASSERT(v.meaning != NULL && v.documented == (row != NULL),
              "rc %d: documented %d, row %p", rc, v.documented, (const void *)row);
    if (row == NULL) {
        FZ_ASSERT(v.decision == LH_DECIDE_FAILED, "undocumented rc %d decided %s", rc,
                  lh_decision_name(v.decision));
    } else {
        FZ_ASSERT(v.meaning == row->meaning, "rc %d: the meaning of another row", rc);
        FZ_ASSERT(v.decision == expected_decision(row, context, shared),
                  "rc %d in %s (shared %d) decided %s", rc, lh_context_name(context), shared,
                  lh_decision_name(v.decision));
    }
    FZ_ASSERT(v.code == plain.code && v.settled == plain.settled,
              "the verdict differs from its decision's");
    assert_context_rules(v, context);
}

static guint count_lines(const char *text)
{
    guint n = 0;

    for (const char *p = text; *p != '\0'; p++) {
        n += *p == '\n';
    }
    return n;
}

static void check_tables(const lh_codemap *map)
{
    g_autofree char *text = lh_codemap_table(map, FALSE);
    g_autofree char *roff = lh_codemap_table(map, TRUE);
    guint rows = 1; /* the catch-all */

    for (size_t i = 0; i < map->n_codes; i++) {
        rows += 1 + (map->codes[i].if_shared_absent != LH_DECIDE_NONE);
    }
    FZ_ASSERT(count_lines(text) == 1 + rows, "%u lines for %u rows", count_lines(text), rows);
    FZ_ASSERT(g_str_has_prefix(roff, ".TS\n") && g_str_has_suffix(roff, ".TE\n")
                  && count_lines(roff) == 4 + rows + 1,
              "the roff table is no tbl block of %u rows", rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    guint8 choice = fz_byte(&in);
    lh_code rows[MAX_ROWS];
    lh_codemap made = {"fuzzed_status", rows, 0, NULL};
    const lh_codemap *map = &made;

    if (choice % 4 < G_N_ELEMENTS(real_maps)) {
        map = real_maps[choice % 4];
    } else {
        made.n_codes = fz_byte(&in) % (MAX_ROWS + 1);
        for (size_t i = 0; i < made.n_codes; i++) {
            rows[i].rc = (int)fz_u32(&in);
            rows[i].meaning = meanings[i];
            rows[i].decision = (lh_decision)(1 + fz_byte(&in) % LH_DECIDE_NOT_HERE);
            rows[i].if_shared_absent = (lh_decision)(fz_byte(&in) % (LH_DECIDE_NOT_HERE + 1));
            rows[i].when_stopping = (lh_decision)(fz_byte(&in) % (LH_DECIDE_NOT_HERE + 1));
        }
    }
    do {
        int rc = (int)fz_u32(&in);
        guint8 how = fz_byte(&in);

        check_query(map, rc, (lh_context)(how % LH_CONTEXT_COUNT), (how & 4) != 0);
        /* Names of anything, in range or not, are never NULL. */
        FZ_ASSERT(lh_decision_name((lh_decision)rc) != NULL
                      && lh_context_name((lh_context)rc) != NULL,
                  "no name for %d", rc);
    } while (fz_more(&in));
    check_tables(map);
    return 0;
}
