/* fuzz_exitreason.c - what the lhost engine reads from a member agent's run
 * (lib/engine/lhengine.c): its exit reason on stderr and its exit status, and the
 * problem lines it sorts.
 *
 * A member agent is any OCF agent: its stderr is untrusted text. lhengine.c is
 * compiled in whole to reach its static readers. Input: one byte for how the run
 * ended (exited, signalled, timed out, not started), four for the exit code,
 * signal or errno, then the captured stderr (NUL bytes and all).
 * Asserts, beyond no crash:
 *   - the exit reason is the rest of the last line that opens with
 *     "ocf-exit-reason:", without its newline, and none when no line does;
 *   - the outcome's code is always an OCF exit code: the agent's own when it
 *     exited with one (with its exit reason), otherwise a failure (not installed
 *     when it could not start) described in words;
 *   - the order of problems (by_line) is a consistent one: antisymmetric, and
 *     each line in place with itself; sorting any lines ends.
 */
#include "config.h"

#include "../../lib/engine/lhengine.c"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

/* The last line of @text (a C string) that opens with the tag, after the tag. */
static char *expected_reason(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    const char *last = NULL;

    for (gsize i = 0; lines[i] != NULL; i++) {
        if (g_str_has_prefix(lines[i], "ocf-exit-reason:")) {
            last = lines[i] + strlen("ocf-exit-reason:");
        }
    }
    return g_strdup(last);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void check_order(const char *text)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", 16);

    for (gsize i = 0; lines[i] != NULL; i++) {
        g_ptr_array_add(problems, g_strdup(lines[i]));
    }
    for (guint i = 0; i < problems->len; i++) {
        gconstpointer a = &problems->pdata[i];

        FZ_ASSERT(by_line(a, a) == 0, "'%s' is not in place with itself",
                  (const char *)problems->pdata[i]);
        for (guint j = 0; j < problems->len; j++) {
            gconstpointer b = &problems->pdata[j];

            FZ_ASSERT(sign(by_line(a, b)) == -sign(by_line(b, a)), "'%s' and '%s' disagree",
                      (const char *)problems->pdata[i], (const char *)problems->pdata[j]);
        }
    }
    g_ptr_array_sort(problems, by_line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    lh_run_result res = LH_RUN_RESULT_INIT;
    lh_member_outcome o = {NULL, "monitor", LH_OCF_ERR_GENERIC, NULL, 0};
    g_autofree char *reason = NULL;
    g_autofree char *expected = NULL;
    guint32 number;

    res.end = (lh_run_end)(fz_byte(&in) % 4);
    number = fz_u32(&in);
    res.exit_code = res.end == LH_RUN_EXITED ? (int)(number % 512) : -1;
    res.term_signal = (int)(number % 65);
    res.start_errno = (int)(number % 200);
    res.err = g_string_new_len((const char *)in.data + in.at, (gssize)(in.size - in.at));
    res.out = g_string_new(NULL);

    reason = exit_reason(res.err);
    expected = expected_reason(res.err->str);
    FZ_ASSERT(g_strcmp0(reason, expected) == 0, "exit reason '%s', expected '%s'", reason,
              expected);
    FZ_ASSERT(reason == NULL || strchr(reason, '\n') == NULL, "a newline in the exit reason");

    outcome_from_run(&o, &res);
    FZ_ASSERT(is_ocf_code(o.code), "outcome %d", o.code);
    if (res.end == LH_RUN_EXITED && is_ocf_code(res.exit_code)) {
        FZ_ASSERT(o.code == (lh_ocf_code)res.exit_code && g_strcmp0(o.reason, reason) == 0,
                  "exit %d with '%s' became %d with '%s'", res.exit_code, reason, o.code,
                  o.reason);
    } else {
        FZ_ASSERT(o.code == (res.end == LH_RUN_NOT_STARTED ? LH_OCF_ERR_INSTALLED
                                                           : LH_OCF_ERR_GENERIC)
                      && o.reason != NULL,
                  "a run that ended %d (%d) became %d", res.end, res.exit_code, o.code);
    }
    check_order(res.err->str);
    lh_member_outcome_release(&o);
    lh_run_result_release(&res);
    return 0;
}
