/* jmerge.c - merging nodes' journals (see lhost/jmerge.h and lhost-journal(5)): the
 * objects, the checks between a node's files, and the run. jmerge_scan.c reads each
 * file in the validating pass, jmerge_write.c writes once it found nothing wrong.
 *
 * The rules are checked in two places: inside a file as its records go by (each
 * SEQ the one before plus one: jmerge_scan.c), and here between the files of a node
 * once all are read and sorted by their first SEQ. A gap is excused only where
 * damaged lines were skipped: they may have held the numbers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "jmerge_private.h"

/* ---- the objects ---------------------------------------------------------------- */

static void damage_release(gpointer data)
{
    g_free(((jm_damage *)data)->why);
}

static jm_file *file_new(const char *path)
{
    jm_file *f = g_new0(jm_file, 1);

    f->path = g_strdup(path);
    f->name = g_path_get_basename(path);
    f->listed = g_array_new(FALSE, FALSE, sizeof(jm_damage));
    g_array_set_clear_func(f->listed, damage_release);
    f->torn_at = f->damage_before_first = f->damage_after_last = -1;
    f->broken = g_ptr_array_new_with_free_func(g_free);
    return f;
}

static void file_free(gpointer data)
{
    jm_file *f = data;

    g_free(f->path);
    g_free(f->name);
    g_free(f->node);
    g_free(f->other_node);
    g_array_unref(f->listed);
    g_ptr_array_unref(f->broken);
    g_free(f);
}

static jm_node *node_new(const char *name)
{
    jm_node *n = g_new0(jm_node, 1);

    n->name = g_strdup(name);
    n->files = g_ptr_array_new();
    n->head.node = g_string_new(NULL);
    return n;
}

static void node_free(gpointer data)
{
    jm_node *n = data;

    g_free(n->name);
    g_ptr_array_unref(n->files);
    /* Freed by hand: g_clear_pointer's size check reads as sizeof(struct *) to
     * clang-tidy (bugprone-sizeof-expression). */
    if (n->held_back != NULL) {
        g_ptr_array_unref(n->held_back);
    }
    lh_jreader_free(n->reader);
    g_string_free(n->head.node, TRUE);
    g_free(n);
}

lh_jmerge *lh_jmerge_new(lh_jmerge_report_fn report, gpointer data)
{
    lh_jmerge *m = g_new0(lh_jmerge, 1);

    m->report = report;
    m->report_data = data;
    m->inputs = g_ptr_array_new_with_free_func(file_free);
    m->priors = g_ptr_array_new_with_free_func(g_free);
    m->nodes = g_ptr_array_new_with_free_func(node_free);
    m->orphans = g_ptr_array_new();
    m->prior_held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return m;
}

void lh_jmerge_free(lh_jmerge *m)
{
    if (m == NULL) {
        return;
    }
    g_ptr_array_unref(m->nodes);
    g_ptr_array_unref(m->orphans);
    g_ptr_array_unref(m->inputs);
    g_ptr_array_unref(m->priors);
    g_hash_table_unref(m->prior_held);
    g_free(m->prior_name);
    g_free(m);
}

void lh_jmerge_add_input(lh_jmerge *m, const char *path)
{
    g_ptr_array_add(m->inputs, file_new(path));
}

void lh_jmerge_add_prior(lh_jmerge *m, const char *path)
{
    g_ptr_array_add(m->priors, g_strdup(path));
}

void lh__jmerge_problem(lh_jmerge *m, lh_jmerge_code code, const char *fmt, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    va_start(ap, fmt);
    message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (m->report != NULL) {
        m->report(message, m->report_data);
    }
    m->code = MAX(m->code, code);
}

/* ---- the nodes' series ----------------------------------------------------------- */

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp((*(const jm_node *const *)a)->name, (*(const jm_node *const *)b)->name);
}

/* By first SEQ; the path orders files that start alike, for the messages' sake. */
static gint by_first_seq(gconstpointer a, gconstpointer b)
{
    const jm_file *x = *(const jm_file *const *)a, *y = *(const jm_file *const *)b;

    if (x->first != y->first) {
        return x->first < y->first ? -1 : 1;
    }
    return strcmp(x->path, y->path);
}

static gint by_path(gconstpointer a, gconstpointer b)
{
    return strcmp((*(const jm_file *const *)a)->path, (*(const jm_file *const *)b)->path);
}

static jm_node *node_of(lh_jmerge *m, GHashTable *index, const char *name)
{
    jm_node *n = g_hash_table_lookup(index, name);
    const guint64 *held = g_hash_table_lookup(m->prior_held, name);

    if (n == NULL) {
        n = node_new(name);
        n->in_prior = held != NULL;
        n->held = held != NULL ? *held : 0;
        g_hash_table_insert(index, n->name, n);
        g_ptr_array_add(m->nodes, n);
    }
    return n;
}

/* Every node with files, and every node the prior knows (it may have none now). */
static void group_by_node(lh_jmerge *m)
{
    g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer name;

    for (guint i = 0; i < m->inputs->len; i++) {
        jm_file *f = g_ptr_array_index(m->inputs, i);

        if (f->node == NULL) {
            g_ptr_array_add(m->orphans, f);
        } else {
            g_ptr_array_add(node_of(m, index, f->node)->files, f);
        }
    }
    g_hash_table_iter_init(&iter, m->prior_held);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        node_of(m, index, name);
    }
    g_ptr_array_sort(m->nodes, by_name);
    g_ptr_array_sort(m->orphans, by_path);
    for (guint i = 0; i < m->nodes->len; i++) {
        g_ptr_array_sort(((jm_node *)g_ptr_array_index(m->nodes, i))->files, by_first_seq);
    }
}

/* The numbers from @lo to @hi are missing before @f (after @p, NULL for the first
 * file): excused where either side skipped damaged lines, else a gap. */
static void check_missing(lh_jmerge *m, jm_node *n, const jm_file *p, jm_file *f, guint64 lo,
                          guint64 hi)
{
    gboolean before = p != NULL && p->damage_after_last >= 0;
    const jm_file *damaged = before ? p : f;
    goffset at = before ? p->damage_after_last : f->damage_before_first;

    if (at >= 0) {
        f->missing += hi - lo + 1;
        lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                           "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " missing before %s, where damaged lines were skipped (%s:%" G_GOFFSET_FORMAT
                           "): the merge is INCOMPLETE",
                           n->name, lo, hi, f->path, damaged->path, at);
    } else if (p == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "node %s: %s starts at SEQ %" G_GUINT64_FORMAT ": SEQ %" G_GUINT64_FORMAT
                           "..%" G_GUINT64_FORMAT " missing after the prior's last (%" G_GUINT64_FORMAT
                           ", %s) (a gap)",
                           n->name, f->path, f->first, lo, hi, n->held, m->prior_name);
    } else {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " missing between %s (last %" G_GUINT64_FORMAT ") and %s (first %" G_GUINT64_FORMAT
                           ") (a gap)",
                           n->name, lo, hi, p->path, p->last, f->path, f->first);
    }
}

/* How late a record of @n gets: behind the newest TIME before it, in its own file
 * or in the files before (each file's own lateness, and its oldest TIME against
 * the newest of the files before). */
static void node_lateness(jm_node *n)
{
    gboolean some = FALSE;
    gint64 newest = 0;

    for (guint i = 0; i < n->files->len; i++) {
        const jm_file *f = g_ptr_array_index(n->files, i);

        if (f->included == 0) {
            continue;
        }
        n->late_us = MAX(n->late_us, f->late_us);
        if (some) {
            n->late_us = MAX(n->late_us, newest - f->time_min);
        }
        newest = some ? MAX(newest, f->time_max) : f->time_max;
        some = TRUE;
    }
}

/* Between files: each starts where the one before ended, plus one. The first may
 * start anywhere (older files are pruned), unless the prior says where. "The one
 * before" is the one that reached furthest: a file inside another is a repeat,
 * not a gap after it. */
/* File @f against the one that reached furthest before it. */
static void check_file_follows(lh_jmerge *m, jm_node *n, const jm_file *furthest, jm_file *f)
{
    guint64 lo = MAX(furthest != NULL ? furthest->last + 1 : 0, n->held + 1);

    if (furthest != NULL && f->first <= furthest->last) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " repeated: in %s and in %s (a repeat)",
                           n->name, f->first, MIN(furthest->last, f->last), furthest->path,
                           f->path);
    } else if ((furthest != NULL || n->in_prior) && f->first > lo) {
        check_missing(m, n, furthest, f, lo, f->first - 1);
    }
}

static void check_node(lh_jmerge *m, jm_node *n)
{
    const jm_file *furthest = NULL;

    node_lateness(n);
    for (guint i = 0; i < n->files->len; i++) {
        jm_file *f = g_ptr_array_index(n->files, i);

        check_file_follows(m, n, furthest, f);
        if (furthest == NULL || f->last > furthest->last) {
            furthest = f;
        }
        if (f->included > 0) {
            n->first = n->records == 0 ? f->first_included : n->first;
            n->last = MAX(n->last, f->last);
            n->records += f->included;
        }
    }
}

lh_jmerge_code lh__jmerge_node_status(const jm_node *n, char **why)
{
    const jm_file *newest = n->files->len > 0 ? g_ptr_array_index(n->files, n->files->len - 1) : NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    guint64 damaged = 0, torn = 0, missing = 0;

    for (guint i = 0; i < n->files->len; i++) {
        const jm_file *f = g_ptr_array_index(n->files, i);

        damaged += f->damaged;
        torn += f->torn_at >= 0;
        missing += f->missing;
    }
    if (newest == NULL) {
        g_string_append(text, ",no-input");
    } else if (newest->closed) {
        g_string_append(text, ",last-file-closed");
    }
    g_string_append(text, damaged > 0 ? ",damaged" : "");
    g_string_append(text, torn > 0 ? ",torn" : "");
    g_string_append(text, missing > 0 ? ",missing" : "");
    if (text->len == 0) {
        *why = g_strdup("reaches-open-file");
        return LH_JMERGE_COMPLETE;
    }
    *why = g_strdup(text->str + 1);
    return LH_JMERGE_INCOMPLETE;
}

/* ---- the whole -------------------------------------------------------------------- */

/* The first pass: the worst code so far (COMPLETE or INCOMPLETE when it may write). */
static lh_jmerge_code validate(lh_jmerge *m)
{
    if (m->priors->len > 1) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%u earlier merged files (--prior %s, --prior %s%s): at most one",
                           m->priors->len, (const char *)g_ptr_array_index(m->priors, 0),
                           (const char *)g_ptr_array_index(m->priors, 1),
                           m->priors->len > 2 ? ", ..." : "");
    } else if (m->priors->len == 1) {
        lh__jmerge_read_prior(m, g_ptr_array_index(m->priors, 0));
    }
    /* In path order: the messages are the same whatever the order given. */
    g_ptr_array_sort(m->inputs, by_path);
    for (guint i = 0; i < m->inputs->len; i++) {
        lh__jmerge_scan_file(m, g_ptr_array_index(m->inputs, i));
    }
    group_by_node(m);
    for (guint i = 0; i < m->nodes->len; i++) {
        jm_node *n = g_ptr_array_index(m->nodes, i);
        g_autofree char *why = NULL;

        check_node(m, n);
        if (lh__jmerge_node_status(n, &why) != LH_JMERGE_COMPLETE) {
            lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE, "node %s: INCOMPLETE (%s)", n->name, why);
        }
    }
    for (guint i = 0; i < m->orphans->len; i++) {
        const jm_file *f = g_ptr_array_index(m->orphans, i);

        /* (damage is reported as it is found; an empty file by this) */
        lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                           "%s: holds no valid record: it counts for no node, and the merge is "
                           "INCOMPLETE",
                           f->path);
    }
    if (m->newest_us == 0) {
        m->newest_us = m->prior_time_us;
    }
    return m->code;
}

static lh_jmerge_code write_file(lh_jmerge *m, const char *output)
{
    g_autofree char *tmp = g_strconcat(output, ".tmp", NULL);
    lh_jmerge_code code;
    FILE *out = NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return m->code;
    }
    code = lh__jmerge_write(m, out);
    if (code < LH_JMERGE_VIOLATION && (fflush(out) != 0 || fsync(fd) != 0)) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
    }
    if (fclose(out) != 0 && m->code < LH_JMERGE_VIOLATION) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
    }
    if (m->code < LH_JMERGE_VIOLATION && rename(tmp, output) != 0) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot rename it to %s: %s", tmp, output,
                           g_strerror(errno));
    }
    if (m->code >= LH_JMERGE_VIOLATION) {
        unlink(tmp);
    }
    return m->code;
}

lh_jmerge_code lh_jmerge_run(lh_jmerge *m, const char *output, FILE *stream)
{
    g_return_val_if_fail(!m->ran && (output != NULL || stream != NULL), LH_JMERGE_USAGE);
    m->ran = TRUE;
    if (validate(m) >= LH_JMERGE_VIOLATION) {
        return m->code;
    }
    if (output != NULL) {
        return write_file(m, output);
    }
    lh__jmerge_write(m, stream);
    if ((fflush(stream) != 0 || ferror(stream)) && m->code < LH_JMERGE_VIOLATION) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "cannot write the merge: %s", g_strerror(errno));
    }
    return m->code;
}
