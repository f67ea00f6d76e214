/* fuzz_watchrec.c - the watcher's record reader (lib/runtime/watchrec.c).
 *
 * Input: the bytes of a record file, read as the watcher reads one
 * (lh_watchrec_read). Asserts, beyond no crash:
 *   - a record read names a resource and a node, neither empty nor spanning lines,
 *     and every process has a pid above 0;
 *   - it round-trips: written (lh_watchrec_write, no temporary file left) and read
 *     again, it holds the same agent, resource, node and processes;
 *   - a claim succeeds for its first process exactly once (the record renamed to
 *     .failed) and for a process it does not name never.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <lhost/watchrec.h>

#include "fuzz.h"

static char *path;   /* the record */
static char *failed; /* <path>.failed */
static char *tmp;    /* <path>.tmp */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    path = lh_watchrec_path(fz_scratch_dir(), "fuzz", "r");
    failed = g_strconcat(path, ".failed", NULL);
    tmp = g_strconcat(path, ".tmp", NULL);
    return 0;
}

static void check_fields(const lh_watchrec *rec)
{
    FZ_ASSERT(rec->resource != NULL && *rec->resource != '\0', "a record without a resource");
    FZ_ASSERT(rec->node != NULL && *rec->node != '\0', "a record without a node");
    FZ_ASSERT(strchr(rec->resource, '\n') == NULL && strchr(rec->node, '\n') == NULL,
              "a value spans lines");
    for (guint i = 0; i < rec->procs->len; i++) {
        const lh_proc *p = rec->procs->pdata[i];

        FZ_ASSERT(p->pid > 0, "a process with pid %d", p->pid);
    }
}

static void check_round_trip(const lh_watchrec *rec)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(lh_watchrec) back = NULL;

    FZ_ASSERT(lh_watchrec_write(path, rec, &error), "write: %s", error->message);
    FZ_ASSERT(access(tmp, F_OK) != 0, "the temporary file was left");
    back = lh_watchrec_read(path, &error);
    FZ_ASSERT(back != NULL, "read back: %s", error->message);
    FZ_ASSERT(g_strcmp0(back->agent, rec->agent) == 0 || (rec->agent == NULL && *back->agent == '\0'),
              "agent '%s' became '%s'", rec->agent, back->agent);
    FZ_ASSERT(strcmp(back->resource, rec->resource) == 0, "resource changed");
    FZ_ASSERT(strcmp(back->node, rec->node) == 0, "node changed");
    FZ_ASSERT(back->procs->len == rec->procs->len, "%u processes became %u", rec->procs->len,
              back->procs->len);
    for (guint i = 0; i < rec->procs->len; i++) {
        const lh_proc *a = rec->procs->pdata[i];
        const lh_proc *b = back->procs->pdata[i];

        FZ_ASSERT(a->pid == b->pid && a->start_time == b->start_time &&
                      strcmp(a->name, b->name) == 0,
                  "process %u changed", i);
    }
}

static gboolean names(const lh_watchrec *rec, int pid, guint64 start_time)
{
    for (guint i = 0; i < rec->procs->len; i++) {
        const lh_proc *p = rec->procs->pdata[i];

        if (p->pid == pid && p->start_time == start_time) {
            return TRUE;
        }
    }
    return FALSE;
}

static void check_claim(const lh_watchrec *rec)
{
    const lh_proc *first;
    guint64 other;

    if (rec->procs->len == 0) {
        return;
    }
    first = rec->procs->pdata[0];
    other = first->start_time ^ 1; /* the same pid, reused by a later process */
    FZ_ASSERT(names(rec, first->pid, other) || !lh_watchrec_claim(path, first->pid, other),
              "claimed a process of another start time");
    FZ_ASSERT(lh_watchrec_claim(path, first->pid, first->start_time), "first claim refused");
    FZ_ASSERT(access(failed, F_OK) == 0 && access(path, F_OK) != 0, "not renamed to .failed");
    FZ_ASSERT(!lh_watchrec_claim(path, first->pid, first->start_time), "claimed twice");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(lh_watchrec) rec = NULL;

    lh_watchrec_remove(path);
    FZ_ASSERT(g_file_set_contents(path, (const char *)data, (gssize)size, &error), "%s",
              error->message);
    rec = lh_watchrec_read(path, NULL);
    if (rec != NULL) {
        check_fields(rec);
        check_round_trip(rec);
        check_claim(rec);
    }
    lh_watchrec_remove(path);
    return 0;
}
