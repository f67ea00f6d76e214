/* lhost/agentinfo.h - what an OCF agent says about itself in its meta-data.
 *
 * A logical host's members are any OCF agents; their meta-data is the one source
 * for which parameters are required and which timeouts and intervals an operation
 * gets when the definition does not say. The document is read with libxml2, from
 * `<agent> meta-data` run through lh_run() (no shell, bounded, with a deadline).
 *
 *   g_autofree char *why = NULL;
 *   lh_agent_info *info = lh_agent_info_load(ocf_root, "heartbeat", "Filesystem",
 *                                            envp, &why);
 *   if (info == NULL) ... why says what went wrong ...
 *   gint64 t = lh_agent_info_timeout_ms(info, "start");
 *   lh_agent_info_free(info);
 */
#ifndef LHOST_AGENTINFO_H
#define LHOST_AGENTINFO_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct lh_agent_param {
    char *name;
    gboolean required;
    gboolean unique; /* unique="1", or a member of a unique-group */
    char *default_value; /* NULL: none */
} lh_agent_param;

typedef struct lh_agent_action {
    char *name;
    gint64 timeout_ms;  /* -1: not advertised */
    gint64 interval_ms; /* -1: not advertised */
    int depth;          /* OCF_CHECK_LEVEL of a monitor; 0 otherwise */
} lh_agent_action;

typedef struct lh_agent_info {
    char *path; /* the agent executable */
    GPtrArray *params;  /* lh_agent_param *, in document order (the named ones) */
    GPtrArray *actions; /* lh_agent_action *, in document order (the named ones) */
} lh_agent_info;

/* "<ocf_root>/resource.d/<provider>/<type>" (caller frees). */
char *lh_agent_path(const char *ocf_root, const char *provider, const char *type);

/* Runs the agent's meta-data action and parses it. NULL with *reason (caller
 * frees) when the agent is missing, not executable, fails or prints no valid
 * OCF meta-data. @envp: the environment to run it with (OCF_ROOT included). */
lh_agent_info *lh_agent_info_load(const char *ocf_root, const char *provider,
                                  const char *type, char *const *envp, char **reason);

/* Parses a meta-data document. NULL with *reason when it is not one. */
lh_agent_info *lh_agent_info_parse(const char *xml, gsize len, char **reason);

void lh_agent_info_free(lh_agent_info *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_agent_info, lh_agent_info_free)

/* The parameter called @name, or NULL. */
const lh_agent_param *lh_agent_info_param(const lh_agent_info *info, const char *name);

/* The advertised timeout of @action (for monitor, the depth-0 entry); -1 if none. */
gint64 lh_agent_info_timeout_ms(const lh_agent_info *info, const char *action);
/* The advertised interval of @action (monitor); -1 if none. */
gint64 lh_agent_info_interval_ms(const lh_agent_info *info, const char *action);

G_END_DECLS

#endif
