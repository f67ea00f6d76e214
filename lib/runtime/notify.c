/* notify.c - OCF_RESKEY_CRM_meta_notify_* into an lh_notify, once.
 *
 * The lists are a table of (variable, deprecated variable, field) rows: adding one
 * is a row, and parsing, freeing and the tests walk the same table.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <lhost/notify.h>

#define NOTIFY_PREFIX "OCF_RESKEY_CRM_meta_notify_"

typedef struct list_row {
    const char *name;     /* after the prefix: "start_uname" */
    const char *fallback; /* Pacemaker's deprecated name, or NULL */
    size_t offset;        /* of the GStrv in lh_notify */
} list_row;

#define LIST(name, fallback) {#name, fallback, offsetof(lh_notify, name)}

static const list_row lists[] = {
    LIST(start_uname, NULL),
    LIST(start_resource, NULL),
    LIST(stop_uname, NULL),
    LIST(stop_resource, NULL),
    LIST(promote_uname, NULL),
    LIST(promote_resource, NULL),
    LIST(demote_uname, NULL),
    LIST(demote_resource, NULL),
    LIST(active_uname, NULL),
    LIST(active_resource, NULL),
    LIST(promoted_uname, "master_uname"),
    LIST(promoted_resource, "master_resource"),
    LIST(unpromoted_uname, "slave_uname"),
    LIST(unpromoted_resource, "slave_resource"),
    LIST(inactive_uname, NULL),
    LIST(inactive_resource, NULL),
    LIST(available_uname, NULL),
    LIST(all_uname, NULL),
};

static const char *const type_names[] = {
    [LH_NOTIFY_TYPE_UNKNOWN] = "unknown",
    [LH_NOTIFY_PRE] = "pre",
    [LH_NOTIFY_POST] = "post",
};

static const char *const operation_names[] = {
    [LH_NOTIFY_OPERATION_UNKNOWN] = "unknown",
    [LH_NOTIFY_START] = "start",
    [LH_NOTIFY_STOP] = "stop",
    [LH_NOTIFY_PROMOTE] = "promote",
    [LH_NOTIFY_DEMOTE] = "demote",
};

static GStrv *list_field(lh_notify *notify, const list_row *row)
{
    return (GStrv *)(void *)((char *)notify + row->offset);
}

/* The value of OCF_RESKEY_CRM_meta_notify_<name> in @envp, or NULL when unset. */
static const char *notify_var(char *const *envp, const char *name)
{
    size_t prefix = strlen(NOTIFY_PREFIX), len = strlen(name);

    for (gsize i = 0; envp != NULL && envp[i] != NULL; i++) {
        const char *entry = envp[i];

        if (strncmp(entry, NOTIFY_PREFIX, prefix) == 0
            && strncmp(entry + prefix, name, len) == 0 && entry[prefix + len] == '=') {
            return entry + prefix + len + 1;
        }
    }
    return NULL;
}

/* "  a  b\tc " -> {"a", "b", "c", NULL}; NULL or blank -> {NULL}. */
static GStrv split_list(const char *text)
{
    GPtrArray *items = g_ptr_array_new();
    const char *p = text != NULL ? text : "";

    while (*p != '\0') {
        const char *end;

        while (g_ascii_isspace(*p)) {
            p++;
        }
        for (end = p; *end != '\0' && !g_ascii_isspace(*end); end++) {
        }
        if (end > p) {
            g_ptr_array_add(items, g_strndup(p, (gsize)(end - p)));
        }
        p = end;
    }
    g_ptr_array_add(items, NULL);
    return (GStrv)g_ptr_array_free(items, FALSE);
}

/* The index of @text in @names (n entries, 0 = unknown), 0 when absent. */
static int name_index(const char *const *names, int n, const char *text)
{
    for (int i = 1; i < n; i++) {
        if (strcmp(names[i], text) == 0) {
            return i;
        }
    }
    return 0;
}

lh_notify *lh_notify_parse(char *const *envp)
{
    lh_notify *notify = g_new0(lh_notify, 1);
    const char *type = notify_var(envp, "type");
    const char *operation = notify_var(envp, "operation");

    notify->type_text = g_strstrip(g_strdup(type != NULL ? type : ""));
    notify->operation_text = g_strstrip(g_strdup(operation != NULL ? operation : ""));
    notify->type = (lh_notify_type)name_index((const char *const *)type_names,
                                              G_N_ELEMENTS(type_names), notify->type_text);
    notify->operation = (lh_notify_operation)name_index(
        (const char *const *)operation_names, G_N_ELEMENTS(operation_names),
        notify->operation_text);
    for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
        const char *value = notify_var(envp, lists[i].name);

        if (value == NULL && lists[i].fallback != NULL) {
            value = notify_var(envp, lists[i].fallback);
        }
        *list_field(notify, &lists[i]) = split_list(value);
    }
    return notify;
}

void lh_notify_free(lh_notify *notify)
{
    if (notify == NULL) {
        return;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
        g_strfreev(*list_field(notify, &lists[i]));
    }
    g_free(notify->type_text);
    g_free(notify->operation_text);
    g_free(notify);
}

const char *lh_notify_type_name(lh_notify_type type)
{
    return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "unknown";
}

const char *lh_notify_operation_name(lh_notify_operation operation)
{
    return (guint)operation < G_N_ELEMENTS(operation_names) ? operation_names[operation]
                                                            : "unknown";
}
