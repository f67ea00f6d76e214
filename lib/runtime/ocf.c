/* ocf.c - OCF exit codes and action results. */
#include "config.h"

#include <lhost/ocf.h>

typedef struct code_row {
    int code;
    const char *name;
    const char *text;
} code_row;

/* The one table of OCF codes (OCF Resource Agent API 1.1, "Return codes"). */
static const code_row ocf_codes[] = {
    {LH_OCF_SUCCESS, "OCF_SUCCESS", "success"},
    {LH_OCF_ERR_GENERIC, "OCF_ERR_GENERIC", "generic error"},
    {LH_OCF_ERR_ARGS, "OCF_ERR_ARGS", "invalid arguments"},
    {LH_OCF_ERR_UNIMPLEMENTED, "OCF_ERR_UNIMPLEMENTED", "action not implemented"},
    {LH_OCF_ERR_PERM, "OCF_ERR_PERM", "insufficient permissions"},
    {LH_OCF_ERR_INSTALLED, "OCF_ERR_INSTALLED", "not installed"},
    {LH_OCF_ERR_CONFIGURED, "OCF_ERR_CONFIGURED", "not configured"},
    {LH_OCF_NOT_RUNNING, "OCF_NOT_RUNNING", "not running"},
    {LH_OCF_RUNNING_PROMOTED, "OCF_RUNNING_PROMOTED", "running, promoted"},
    {LH_OCF_FAILED_PROMOTED, "OCF_FAILED_PROMOTED", "failed, promoted"},
    {LH_OCF_DEGRADED, "OCF_DEGRADED", "running, degraded"},
    {LH_OCF_DEGRADED_PROMOTED, "OCF_DEGRADED_PROMOTED", "promoted, degraded"},
};

static const code_row *find_code(int code)
{
    for (gsize i = 0; i < G_N_ELEMENTS(ocf_codes); i++) {
        if (ocf_codes[i].code == code) {
            return &ocf_codes[i];
        }
    }
    return NULL;
}

const char *lh_ocf_code_name(int code)
{
    const code_row *row = find_code(code);

    return row != NULL ? row->name : "OCF_UNKNOWN";
}

const char *lh_ocf_code_text(int code)
{
    const code_row *row = find_code(code);

    return row != NULL ? row->text : "not an OCF code";
}

gboolean lh_ocf_code_is_failure(int code)
{
    switch (code) {
    case LH_OCF_SUCCESS:
    case LH_OCF_NOT_RUNNING:
    case LH_OCF_RUNNING_PROMOTED:
    case LH_OCF_DEGRADED:
    case LH_OCF_DEGRADED_PROMOTED:
        return FALSE;
    default:
        return TRUE;
    }
}

lh_ocf_role lh_ocf_role_parse(const char *text)
{
    if (text == NULL) {
        return LH_OCF_ROLE_NONE;
    }
    /* Pacemaker 2.1 passes the new names; older versions and configurations the old. */
    if (g_ascii_strcasecmp(text, "Promoted") == 0 || g_ascii_strcasecmp(text, "Master") == 0) {
        return LH_OCF_ROLE_PROMOTED;
    }
    if (g_ascii_strcasecmp(text, "Unpromoted") == 0 || g_ascii_strcasecmp(text, "Slave") == 0) {
        return LH_OCF_ROLE_UNPROMOTED;
    }
    return LH_OCF_ROLE_NONE;
}

const char *lh_ocf_role_name(lh_ocf_role role)
{
    switch (role) {
    case LH_OCF_ROLE_PROMOTED:
        return "Promoted";
    case LH_OCF_ROLE_UNPROMOTED:
        return "Unpromoted";
    default:
        return "none";
    }
}

lh_result lh_result_new(lh_ocf_code code, const char *fmt, ...)
{
    lh_result result = {code, NULL};

    if (fmt != NULL) {
        va_list ap;

        va_start(ap, fmt);
        result.reason = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    return result;
}

void lh_result_clear(lh_result *result)
{
    g_clear_pointer(&result->reason, g_free);
    result->code = LH_OCF_SUCCESS;
}
