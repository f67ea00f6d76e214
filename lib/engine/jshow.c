/* jshow.c - journal records for people (a line of text) and tools (a JSON line),
 * a node's journal files in order, and times as people write them (see
 * lhost/jmerge.h). GLib has no JSON writer and json-glib is not worth a
 * dependency for one object per line: the escaping is done here.
 */
#include "config.h"

#include <string.h>

#include <lhost/jmerge.h>

/* ---- text --------------------------------------------------------------------------- */

static gboolean needs_quotes(const char *value)
{
    if (*value == '\0') {
        return TRUE;
    }
    for (const guchar *c = (const guchar *)value; *c != '\0'; c++) {
        if (*c < 0x21 || *c > 0x7e || *c == '"' || *c == '\\') {
            return TRUE;
        }
    }
    return FALSE;
}

/* @value as it is, or as a quoted C string when it would not read as one word. */
static void append_word(GString *out, const char *value)
{
    g_autofree char *escaped = NULL;

    if (!needs_quotes(value)) {
        g_string_append(out, value);
        return;
    }
    escaped = g_strescape(value, NULL);
    g_string_append_printf(out, "\"%s\"", escaped);
}

char *lh_jrecord_text(const lh_jrecord *rec)
{
    char time[LH_JOURNAL_TIME_LEN + 1];
    GString *out = g_string_new(NULL);

    lh_journal_time_format(rec->time_us, time);
    g_string_append_printf(out, "%s ", time);
    append_word(out, rec->node);
    g_string_append_printf(out, " %" G_GUINT64_FORMAT " %s", rec->seq, rec->kind);
    for (guint i = 0; rec->keys != NULL && i < rec->keys->len; i++) {
        g_string_append_printf(out, " %s=", (const char *)g_ptr_array_index(rec->keys, i));
        append_word(out, g_ptr_array_index(rec->values, i));
    }
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

/* ---- JSON --------------------------------------------------------------------------- */

/* One character of a JSON string (RFC 8259: '"', '\\' and controls escaped). */
static void append_json_char(GString *out, gunichar c)
{
    switch (c) {
    case '"':
        g_string_append(out, "\\\"");
        break;
    case '\\':
        g_string_append(out, "\\\\");
        break;
    case '\n':
        g_string_append(out, "\\n");
        break;
    case '\t':
        g_string_append(out, "\\t");
        break;
    case '\r':
        g_string_append(out, "\\r");
        break;
    default:
        if (c < 0x20) {
            g_string_append_printf(out, "\\u%04x", (guint)c);
        } else {
            g_string_append_unichar(out, c);
        }
    }
}

/* @text as a JSON string; a byte that does not start valid UTF-8 becomes U+FFFD. */
static void append_json_string(GString *out, const char *text)
{
    const char *end = text + strlen(text);

    g_string_append_c(out, '"');
    while (text < end) {
        gunichar c = g_utf8_get_char_validated(text, end - text);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            append_json_char(out, 0xfffd);
            text++;
        } else {
            append_json_char(out, c);
            text = g_utf8_next_char(text);
        }
    }
    g_string_append_c(out, '"');
}

static gboolean key_seen_before(const lh_jrecord *rec, guint index)
{
    const char *key = g_ptr_array_index(rec->keys, index);

    for (guint i = 0; i < index; i++) {
        if (strcmp(g_ptr_array_index(rec->keys, i), key) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

/* "key":"value", or "key":["value",...] for a key the record gives more than once. */
static void append_json_field(GString *out, const lh_jrecord *rec, guint index)
{
    const char *key = g_ptr_array_index(rec->keys, index);
    guint count = 0;

    for (guint i = index; i < rec->keys->len; i++) {
        count += strcmp(g_ptr_array_index(rec->keys, i), key) == 0;
    }
    append_json_string(out, key);
    g_string_append_c(out, ':');
    if (count == 1) {
        append_json_string(out, g_ptr_array_index(rec->values, index));
        return;
    }
    g_string_append_c(out, '[');
    for (guint i = index, n = 0; i < rec->keys->len; i++) {
        if (strcmp(g_ptr_array_index(rec->keys, i), key) == 0) {
            g_string_append(out, n++ > 0 ? "," : "");
            append_json_string(out, g_ptr_array_index(rec->values, i));
        }
    }
    g_string_append_c(out, ']');
}

char *lh_jrecord_json(const lh_jrecord *rec)
{
    char time[LH_JOURNAL_TIME_LEN + 1];
    GString *out = g_string_new(NULL);
    gboolean first = TRUE;

    lh_journal_time_format(rec->time_us, time);
    g_string_append_printf(out, "{\"seq\":%" G_GUINT64_FORMAT ",\"time\":\"%s\",\"node\":",
                           rec->seq, time);
    append_json_string(out, rec->node);
    g_string_append(out, ",\"kind\":");
    append_json_string(out, rec->kind);
    g_string_append(out, ",\"fields\":{");
    for (guint i = 0; rec->keys != NULL && i < rec->keys->len; i++) {
        if (!key_seen_before(rec, i)) {
            g_string_append(out, first ? "" : ",");
            append_json_field(out, rec, i);
            first = FALSE;
        }
    }
    g_string_append(out, "}}\n");
    return g_string_free(out, FALSE);
}

/* ---- which records ------------------------------------------------------------------- */

/* An action under way on a node: the SEQ of its begin, and its resource. */
typedef struct action {
    guint64 begin;
    char *resource;
} action;

/* Actions whose result was lost (a damaged line) would stay "under way": beyond
 * this many per node, the oldest are forgotten. */
#define ACTIONS_KEPT 64

static void action_release(gpointer data)
{
    g_free(((action *)data)->resource);
}

static GArray *actions_of(lh_jfilter *filter, const char *node)
{
    GArray *actions;

    if (filter->actions == NULL) {
        filter->actions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)g_array_unref);
    }
    if ((actions = g_hash_table_lookup(filter->actions, node)) == NULL) {
        actions = g_array_new(FALSE, FALSE, sizeof(action));
        g_array_set_clear_func(actions, action_release);
        g_hash_table_insert(filter->actions, g_strdup(node), actions);
    }
    return actions;
}

/* The action @seq belongs to: actions are runs of consecutive SEQ numbers, so the
 * one with the latest begin at or before it. -1 when none is known. */
static gint action_index(GArray *actions, guint64 seq)
{
    gint found = -1;

    for (guint i = 0; i < actions->len; i++) {
        const action *a = &g_array_index(actions, action, i);

        if (a->begin <= seq && (found < 0 || a->begin > g_array_index(actions, action, found).begin)) {
            found = (gint)i;
        }
    }
    return found;
}

/* Follows the actions of @rec's node; TRUE when @rec is one of @resource's. */
static gboolean of_resource(lh_jfilter *filter, const lh_jrecord *rec)
{
    GArray *actions = actions_of(filter, rec->node);
    gboolean match;
    gint i;

    if (strcmp(rec->kind, "begin") == 0) {
        action a = {rec->seq, g_strdup(lh_jrecord_get(rec, "resource"))};

        if (actions->len >= ACTIONS_KEPT) {
            g_array_remove_index(actions, 0);
        }
        g_array_append_val(actions, a);
    }
    if ((i = action_index(actions, rec->seq)) < 0) {
        return FALSE;
    }
    match = g_strcmp0(g_array_index(actions, action, i).resource, filter->resource) == 0;
    if (strcmp(rec->kind, "result") == 0) {
        g_array_remove_index(actions, (guint)i);
    }
    return match;
}

gboolean lh_jfilter_match(lh_jfilter *filter, const lh_jrecord *rec)
{
    /* The actions are followed whatever the time: an action may begin before --since. */
    gboolean resource = filter->resource == NULL || of_resource(filter, rec);

    return resource && rec->time_us >= filter->since_us && rec->time_us <= filter->until_us;
}

void lh_jfilter_release(lh_jfilter *filter)
{
    if (filter->actions != NULL) {
        g_hash_table_unref(filter->actions);
        filter->actions = NULL;
    }
}

/* ---- files and times ---------------------------------------------------------------- */

/* journal-NNNNNNNNNNNNNNNNNNNN.lhj, twenty digits (lhost/journal.h). */
static gboolean is_journal_name(const char *name)
{
    static const char prefix[] = "journal-", suffix[] = ".lhj";
    gsize len = strlen(name);

    if (len != strlen(prefix) + 20 + strlen(suffix) || !g_str_has_prefix(name, prefix)
        || !g_str_has_suffix(name, suffix)) {
        return FALSE;
    }
    for (gsize i = strlen(prefix); i < strlen(prefix) + 20; i++) {
        if (!g_ascii_isdigit(name[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

static gint by_string(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *lh_journal_files(const char *dir, char **why)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    GPtrArray *files;
    const char *name;

    if (d == NULL) {
        *why = g_strdup(error->message);
        return NULL;
    }
    files = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d)) != NULL) {
        if (is_journal_name(name)) {
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
        }
    }
    /* Twenty digits of the first SEQ: name order is creation order. */
    g_ptr_array_sort(files, by_string);
    return files;
}

/* @text as GLib's ISO 8601 parser takes it (the caller frees): a date alone is its
 * midnight, a space may stand for the 'T' (as RFC 3339 allows), and the seconds,
 * which people leave out and GLib wants, are added. */
static char *iso8601_of(const char *text)
{
    g_autofree char *iso = strlen(text) == 10 ? g_strconcat(text, "T00:00:00", NULL)
                                               : g_strdup(text);

    g_strdelimit(iso, " ", 'T');
    if (strlen(iso) >= 16 && iso[10] == 'T' && iso[13] == ':' && iso[16] != ':') {
        return g_strdup_printf("%.16s:00%s", iso, iso + 16);
    }
    return g_steal_pointer(&iso);
}

gboolean lh_journal_time_parse_loose(const char *text, gint64 *time_us)
{
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) when = NULL;
    g_autofree char *iso = NULL;

    if (lh_journal_time_parse(text, time_us)) {
        return TRUE;
    }
    iso = iso8601_of(text);
    if ((when = g_date_time_new_from_iso8601(iso, utc)) == NULL) {
        return FALSE;
    }
    *time_us = g_date_time_to_unix(when) * G_USEC_PER_SEC + g_date_time_get_microsecond(when);
    return TRUE;
}
