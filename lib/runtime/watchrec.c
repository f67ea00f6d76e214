/* watchrec.c - the processes the watcher holds for a resource (lhost/watchrec.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lhost/log.h>
#include <lhost/watchrec.h>

#define DEFAULT_DIR "/run/resource-agents"
#define HEADER "# lhost watch record 1"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

lh_watchrec *lh_watchrec_new(const char *agent, const char *resource, const char *node)
{
    lh_watchrec *rec = g_new0(lh_watchrec, 1);

    rec->agent = g_strdup(agent);
    rec->resource = g_strdup(resource);
    rec->node = g_strdup(node);
    rec->procs = g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    return rec;
}

void lh_watchrec_free(lh_watchrec *rec)
{
    if (rec == NULL) {
        return;
    }
    g_free(rec->agent);
    g_free(rec->resource);
    g_free(rec->node);
    g_ptr_array_unref(rec->procs);
    g_free(rec);
}

const char *lh_watchrec_dir(const char *dir)
{
    if (dir == NULL || *dir == '\0') {
        dir = g_getenv("HA_RSCTMP");
    }
    return dir != NULL && *dir != '\0' ? dir : DEFAULT_DIR;
}

char *lh_watchrec_path(const char *dir, const char *agent, const char *resource)
{
    g_autofree char *name = g_strdup_printf("lhost-%s-%s" LH_WATCHREC_SUFFIX, agent, resource);

    g_strcanon(name, NAME_CHARS, '_');
    return g_build_filename(lh_watchrec_dir(dir), name, NULL);
}

gboolean lh_watchrec_is_record_name(const char *name)
{
    return g_str_has_prefix(name, "lhost-") && g_str_has_suffix(name, LH_WATCHREC_SUFFIX) &&
           strlen(name) > strlen("lhost-" LH_WATCHREC_SUFFIX);
}

/* A value on one line: a newline would make the record lie. */
static char *one_line(const char *text)
{
    return g_strdelimit(g_strdup(text != NULL ? text : ""), "\n", '_');
}

static char *format_record(const lh_watchrec *rec)
{
    GString *text = g_string_new(HEADER "\n");
    g_autofree char *agent = one_line(rec->agent);
    g_autofree char *resource = one_line(rec->resource);
    g_autofree char *node = one_line(rec->node);

    g_string_append_printf(text, "agent %s\nresource %s\nnode %s\n", agent, resource, node);
    for (guint i = 0; i < rec->procs->len; i++) {
        const lh_proc *p = rec->procs->pdata[i];
        g_autofree char *name = one_line(p->name);

        g_string_append_printf(text, "proc %d %" G_GUINT64_FORMAT " %s\n", p->pid, p->start_time,
                               name);
    }
    return g_string_free(text, FALSE);
}

gboolean lh_watchrec_write(const char *path, const lh_watchrec *rec, GError **error)
{
    g_autofree char *text = format_record(rec);
    g_autofree char *tmp = g_strdup_printf("%s.tmp", path);

    /* Whole or not at all: the watcher reacts to the rename, never to a half file. */
    if (!g_file_set_contents_full(tmp, text, -1, G_FILE_SET_CONTENTS_NONE, 0644, error)) {
        return FALSE;
    }
    if (rename(tmp, path) != 0) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot rename %s: %s",
                    tmp, g_strerror(saved));
        (void)unlink(tmp);
        return FALSE;
    }
    return TRUE;
}

static lh_proc *parse_proc(const char *fields)
{
    g_auto(GStrv) f = g_strsplit(fields, " ", 3);
    gint64 pid = 0;
    guint64 start = 0;
    lh_proc *p;

    if (g_strv_length(f) != 3 || !g_ascii_string_to_signed(f[0], 10, 1, G_MAXINT, &pid, NULL) ||
        !g_ascii_string_to_unsigned(f[1], 10, 0, G_MAXUINT64, &start, NULL)) {
        return NULL;
    }
    p = g_new0(lh_proc, 1);
    p->pid = (int)pid;
    p->start_time = start;
    p->name = g_strdup(f[2]);
    return p;
}

/* One "KEY VALUE" line into @rec; FALSE when it is no line of a record. */
static gboolean parse_line(lh_watchrec *rec, const char *line)
{
    const char *space = strchr(line, ' ');
    g_autofree char *key = NULL;
    lh_proc *p;

    if (space == NULL) {
        return FALSE;
    }
    key = g_strndup(line, (gsize)(space - line));
    if (strcmp(key, "agent") == 0) {
        g_free(rec->agent);
        rec->agent = g_strdup(space + 1);
    } else if (strcmp(key, "resource") == 0) {
        g_free(rec->resource);
        rec->resource = g_strdup(space + 1);
    } else if (strcmp(key, "node") == 0) {
        g_free(rec->node);
        rec->node = g_strdup(space + 1);
    } else if (strcmp(key, "proc") == 0 && (p = parse_proc(space + 1)) != NULL) {
        g_ptr_array_add(rec->procs, p);
    } else {
        return FALSE;
    }
    return TRUE;
}

lh_watchrec *lh_watchrec_read(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    lh_watchrec *rec;

    if (!g_file_get_contents(path, &text, NULL, error)) {
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    if (lines[0] == NULL || strcmp(lines[0], HEADER) != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a watch record", path);
        return NULL;
    }
    rec = lh_watchrec_new(NULL, NULL, NULL);
    for (char **line = lines + 1; *line != NULL; line++) {
        if (**line != '\0' && !parse_line(rec, *line)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: bad line '%s'", path, *line);
            lh_watchrec_free(rec);
            return NULL;
        }
    }
    if (rec->resource == NULL || *rec->resource == '\0' || rec->node == NULL || *rec->node == '\0') {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no resource or node", path);
        lh_watchrec_free(rec);
        return NULL;
    }
    return rec;
}

void lh_watchrec_remove(const char *path)
{
    g_autofree char *failed = g_strdup_printf("%s.failed", path);

    (void)unlink(path);
    (void)unlink(failed);
}

static gboolean names_process(const lh_watchrec *rec, int pid, guint64 start_time)
{
    for (guint i = 0; i < rec->procs->len; i++) {
        const lh_proc *p = rec->procs->pdata[i];

        if (p->pid == pid && p->start_time == start_time) {
            return TRUE;
        }
    }
    return FALSE;
}

gboolean lh_watchrec_claim(const char *path, int pid, guint64 start_time)
{
    lh_watchrec *rec = lh_watchrec_read(path, NULL);
    gboolean named = rec != NULL && names_process(rec, pid, start_time);
    g_autofree char *failed = g_strdup_printf("%s.failed", path);

    lh_watchrec_free(rec);
    if (!named) {
        return FALSE; /* removed (an action began) or rewritten (one ended) */
    }
    /* The rename is the claim: of two claimants (a watcher and its restarted self)
     * one renames, the other finds nothing. */
    return rename(path, failed) == 0;
}

char *lh_watchrec_before_action(const char *agent, const char *resource)
{
    g_autofree char *path = lh_watchrec_path(NULL, agent, resource);
    lh_watchrec *rec = lh_watchrec_read(path, NULL);
    char *node = NULL;

    if (rec != NULL) {
        node = g_strdup(rec->node);
        lh_watchrec_free(rec);
    }
    lh_watchrec_remove(path);
    return node;
}

void lh_watchrec_after_action(const char *agent, const char *resource, const char *node,
                              GPtrArray *procs)
{
    g_autofree char *path = NULL;
    lh_watchrec *rec;
    g_autoptr(GError) error = NULL;

    if (node == NULL || *node == '\0' || procs == NULL || procs->len == 0) {
        return;
    }
    path = lh_watchrec_path(NULL, agent, resource);
    rec = lh_watchrec_new(agent, resource, node);
    for (guint i = 0; i < procs->len; i++) {
        const lh_proc *p = procs->pdata[i];
        lh_proc *copy = g_new0(lh_proc, 1);

        copy->pid = p->pid;
        copy->start_time = p->start_time;
        copy->name = g_strdup(p->name);
        g_ptr_array_add(rec->procs, copy);
    }
    if (!lh_watchrec_write(path, rec, &error)) {
        /* Detection falls back to the monitor: worth a warning, not a failure. */
        lh_warn("cannot record the processes to watch: %s", error->message);
    } else {
        lh_debug("recorded %u process(es) to watch in %s", procs->len, path);
    }
    lh_watchrec_free(rec);
}
