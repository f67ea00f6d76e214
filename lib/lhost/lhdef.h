/* lhost/lhdef.h - a logical host's definition file.
 *
 * One GKeyFile per logical host, /etc/lhost/<name>.conf by default. The group
 * [logical-host] holds the policy; every other group, [member <id>], is one member,
 * an OCF resource, in the order the groups appear in the file: that order is the
 * start order, and stop runs it backwards.
 *
 *   [logical-host]
 *   migration-threshold = 3        restarts on the same node before failover
 *   failure-timeout = 10min        when a failure is forgotten
 *   kill-timeout = 10s             each member's share of `lhost kill`
 *
 *   [member disk]
 *   agent = ocf:heartbeat:Filesystem
 *   device = /dev/sdb1             every other plain key is an OCF parameter
 *   directory = /shared/lhA
 *   fstype = ext4
 *   op.monitor.interval = 20s      operation overrides; defaults from meta-data
 *
 * GKeyFile silently merges a repeated group and keeps the last of a repeated key;
 * a definition must not, so the loader also indexes the raw lines: every problem is
 * reported as "FILE:LINE: what", and duplicates are problems. So are a group name
 * or a value GKeyFile cannot read (it would refuse the file, or drop the line), and
 * a parameter value with a control character (it goes to an agent's environment
 * and into the CIB's XML).
 *
 *   lh_def *def = lh_def_load(path, problems);   // problems: GPtrArray of char *
 *   if (problems->len == 0) ... lh_def_free(def);
 */
#ifndef LHOST_LHDEF_H
#define LHOST_LHDEF_H

#include <glib.h>

G_BEGIN_DECLS

/* What a member is to the logical host. The roles have an order (disk before IP
 * before base before manager); LH_ROLE_OTHER members may go anywhere. */
typedef enum lh_role {
    LH_ROLE_DISK,
    LH_ROLE_IP,
    LH_ROLE_BASE,
    LH_ROLE_MANAGER,
    LH_ROLE_OTHER,
} lh_role;

const char *lh_role_name(lh_role role);

/* One operation override: op.<action>.timeout / op.<action>.interval. */
typedef struct lh_op_override {
    char *action;
    gint64 timeout_ms;  /* -1: from the agent's meta-data */
    gint64 interval_ms; /* -1: from the agent's meta-data */
} lh_op_override;

typedef struct lh_member {
    char *id;       /* "disk" in [member disk] */
    char *agent;    /* "ocf:heartbeat:Filesystem" as written */
    char *provider; /* "heartbeat" (NULL when the agent is malformed) */
    char *type;     /* "Filesystem" */
    lh_role role;
    GPtrArray *param_names;  /* char *, in file order */
    GHashTable *params;      /* name -> value */
    GPtrArray *op_overrides; /* lh_op_override * */
    int line;                /* of the [member ...] header */
} lh_member;

typedef struct lh_policy {
    int migration_threshold;
    gint64 failure_timeout_ms; /* 0: failures are never forgotten */
    gint64 kill_timeout_ms;
    int resource_stickiness; /* -1: not set, the cluster's default applies */
} lh_policy;

/* Pacemaker's INFINITY, which "INFINITY" in a definition means. */
#define LH_INFINITY 1000000
#define LH_DEFAULT_MIGRATION_THRESHOLD 3
/* gint64, as the lh_policy fields they fill: no product is ever computed in int. */
#define LH_DEFAULT_FAILURE_TIMEOUT_MS ((gint64)10 * 60 * 1000)
#define LH_DEFAULT_KILL_TIMEOUT_MS ((gint64)10 * 1000)

typedef struct lh_def {
    char *name; /* the file's base name without .conf */
    char *path;
    lh_policy policy;
    GPtrArray *members; /* lh_member *, in start order */
    GHashTable *lines;  /* "group\nkey" (or "group") -> line number */
} lh_def;

/* Loads and parses @path. Always returns a definition (possibly with no members);
 * every syntax or structure problem is appended to @problems as "PATH:LINE: text"
 * (char *, owned by the array). */
lh_def *lh_def_load(const char *path, GPtrArray *problems);
void lh_def_free(lh_def *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_def, lh_def_free)

/* The line of a member's key (0 when absent), of its header with @key NULL. */
int lh_def_line(const lh_def *def, const lh_member *member, const char *key);

/* Appends "PATH:LINE: message" (or "PATH: message" for line 0) to @problems. */
void lh_def_problem(const lh_def *def, GPtrArray *problems, int line, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* The member's override for @action's timeout or interval, -1 when none. */
gint64 lh_member_override_timeout_ms(const lh_member *member, const char *action);
gint64 lh_member_override_interval_ms(const lh_member *member, const char *action);

/* The Pacemaker resource id of a member: "<logical host>-<member id>" (caller frees). */
char *lh_member_rsc_id(const lh_def *def, const lh_member *member);

/* The path of the definition of @name in @dir: "<dir>/<name>.conf" (caller frees). */
char *lh_def_path(const char *dir, const char *name);

/* Pacemaker durations: "90" (seconds), "500ms", "20s", "10min", "1h". -1 when the
 * text is not one, or is longer than 2^31 - 1 seconds (about 68 years). */
gint64 lh_duration_parse_ms(const char *text);

G_END_DECLS

#endif
