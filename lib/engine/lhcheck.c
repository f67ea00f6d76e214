/* lhcheck.c - validating a logical host's definition against its members' own
 * meta-data and against the other definitions beside it (see lhost/lhost.h). */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <lhost/lhost.h>

/* The parameters that say where a member keeps its data on the shared disk. */
#define DISK_DIRECTORY_PARAM "directory" /* ocf:heartbeat:Filesystem */
#define DISK_DEVICE_PARAM "device"
#define SHARED_DIR_PARAM "shared_dir" /* the lhost agents */

static const lh_agent_info *info_of(const lh_lhost *lhost, guint i)
{
    return g_ptr_array_index(lhost->infos, i);
}

static const lh_member *member_of(const lh_def *def, guint i)
{
    return g_ptr_array_index(def->members, i);
}

static void check_params(lh_lhost *lhost, guint i, GPtrArray *problems)
{
    const lh_member *m = member_of(lhost->def, i);
    const lh_agent_info *info = info_of(lhost, i);

    for (guint p = 0; p < info->params->len; p++) {
        const lh_agent_param *ap = g_ptr_array_index(info->params, p);

        if (ap->required && !g_hash_table_contains(m->params, ap->name)) {
            lh_def_problem(lhost->def, problems, m->line,
                           "member '%s' (%s) lacks the required parameter '%s'", m->id,
                           m->agent, ap->name);
        }
    }
    for (guint p = 0; p < m->param_names->len; p++) {
        const char *name = g_ptr_array_index(m->param_names, p);

        if (lh_agent_info_param(info, name) == NULL) {
            lh_def_problem(lhost->def, problems, lh_def_line(lhost->def, m, name),
                           "member '%s': %s has no parameter '%s'", m->id, m->agent, name);
        }
    }
}

/* The parameter that tells two instances of one agent apart: one its meta-data
 * marks unique, else its first required one. */
static gboolean same_identity(const lh_agent_info *info, const lh_member *a, const lh_member *b)
{
    gboolean first_required = TRUE;

    for (guint p = 0; p < info->params->len; p++) {
        const lh_agent_param *ap = g_ptr_array_index(info->params, p);
        const char *va = g_hash_table_lookup(a->params, ap->name);
        const char *vb = g_hash_table_lookup(b->params, ap->name);

        if (ap->unique || (ap->required && first_required)) {
            if (va != NULL && g_strcmp0(va, vb) == 0) {
                return TRUE;
            }
        }
        first_required = first_required && !ap->required;
    }
    return FALSE;
}

static void check_duplicate(lh_lhost *lhost, guint i, GPtrArray *problems)
{
    const lh_member *m = member_of(lhost->def, i);

    for (guint j = 0; j < i; j++) {
        const lh_member *earlier = member_of(lhost->def, j);

        if (g_strcmp0(earlier->agent, m->agent) == 0
            && same_identity(info_of(lhost, i), earlier, m)) {
            lh_def_problem(lhost->def, problems, m->line,
                           "member '%s' duplicates member '%s' (line %d): the same %s "
                           "for the same resource",
                           m->id, earlier->id, earlier->line, m->agent);
            return;
        }
    }
}

/* Within the manager layer, products the vendors order among themselves: JP1/AJS3
 * starts after JP1/IM - Manager when a logical host has both (PRODUCTS.md 1). */
static const struct {
    const char *later; /* agent type */
    const char *earlier;
    const char *why;
} manager_order[] = {
    {"ajs3", "jp1im", "JP1/AJS3 - Manager starts after JP1/IM - Manager of the same logical host"},
};

static void check_manager_order(lh_lhost *lhost, const lh_member *m, guint index,
                                GPtrArray *problems)
{
    for (guint k = 0; k < G_N_ELEMENTS(manager_order); k++) {
        if (g_strcmp0(m->type, manager_order[k].later) != 0) {
            continue;
        }
        for (guint j = index + 1; j < lhost->def->members->len; j++) {
            const lh_member *after = member_of(lhost->def, j);

            if (g_strcmp0(after->type, manager_order[k].earlier) == 0) {
                lh_def_problem(lhost->def, problems, m->line,
                               "member '%s' (%s) comes before '%s' (%s, line %d): %s", m->id,
                               m->agent, after->id, after->agent, after->line,
                               manager_order[k].why);
            }
        }
    }
}

/* disk -> ip -> base -> manager; members of no role may go anywhere. A manager
 * also needs a base started before it. */
static void check_order(lh_lhost *lhost, GPtrArray *problems)
{
    const lh_member *highest = NULL;
    const lh_member *base = NULL;

    for (guint i = 0; i < lhost->def->members->len; i++) {
        const lh_member *m = member_of(lhost->def, i);

        if (m->role == LH_ROLE_OTHER) {
            continue;
        }
        if (highest != NULL && m->role < highest->role) {
            lh_def_problem(lhost->def, problems, m->line,
                           "member '%s' (%s) comes after '%s' (%s): a logical host starts "
                           "disk, ip, base, manager in that order",
                           m->id, lh_role_name(m->role), highest->id, lh_role_name(highest->role));
        } else {
            highest = m;
        }
        if (m->role == LH_ROLE_BASE && base == NULL) {
            base = m;
        }
        if (m->role == LH_ROLE_MANAGER && base == NULL) {
            lh_def_problem(lhost->def, problems, m->line,
                           "manager '%s' (%s) has no base member before it: its base service "
                           "must be started first",
                           m->id, m->agent);
        }
        if (m->role == LH_ROLE_MANAGER) {
            check_manager_order(lhost, m, i, problems);
        }
    }
}

/* "/a/b" is within "/a" and "/a/b"; trailing slashes do not count. */
static gboolean path_within(const char *path, const char *dir)
{
    g_autofree char *p = g_canonicalize_filename(path, "/");
    g_autofree char *d = g_canonicalize_filename(dir, "/");
    gsize n = strlen(d);

    return strcmp(p, d) == 0 || strcmp(d, "/") == 0
           || (strncmp(p, d, n) == 0 && p[n] == '/');
}

/* A product's shared directory must be on a shared disk the logical host mounts
 * before it, or it would be written to a node's local disk. */
static void check_shared_dirs(lh_lhost *lhost, GPtrArray *problems)
{
    for (guint i = 0; i < lhost->def->members->len; i++) {
        const lh_member *m = member_of(lhost->def, i);
        const char *shared = g_hash_table_lookup(m->params, SHARED_DIR_PARAM);
        gboolean has_disk = FALSE, on_disk = FALSE;

        for (guint j = 0; shared != NULL && j < i; j++) {
            const lh_member *d = member_of(lhost->def, j);
            const char *mount = g_hash_table_lookup(d->params, DISK_DIRECTORY_PARAM);

            if (d->role == LH_ROLE_DISK && mount != NULL) {
                has_disk = TRUE;
                on_disk = on_disk || path_within(shared, mount);
            }
        }
        if (has_disk && !on_disk) {
            lh_def_problem(lhost->def, problems, lh_def_line(lhost->def, m, SHARED_DIR_PARAM),
                           "member '%s': shared_dir %s is on no shared disk mounted before it",
                           m->id, shared);
        }
    }
}

typedef struct claim {
    const char *what;  /* "shared directory", "shared disk" */
    const char *value;
    const lh_member *member;
    const char *key;
} claim;

/* What a definition claims for itself alone: its mount points, shared
 * directories and disk devices. */
static GArray *claims_of(const lh_def *def)
{
    GArray *claims = g_array_new(FALSE, FALSE, sizeof(claim));

    for (guint i = 0; i < def->members->len; i++) {
        const lh_member *m = member_of(def, i);
        const char *dir = g_hash_table_lookup(m->params, DISK_DIRECTORY_PARAM);
        const char *dev = g_hash_table_lookup(m->params, DISK_DEVICE_PARAM);
        const char *shared = g_hash_table_lookup(m->params, SHARED_DIR_PARAM);

        if (m->role == LH_ROLE_DISK && dir != NULL) {
            g_array_append_val(claims, ((claim){"shared directory", dir, m, DISK_DIRECTORY_PARAM}));
        }
        if (m->role == LH_ROLE_DISK && dev != NULL) {
            g_array_append_val(claims, ((claim){"shared disk", dev, m, DISK_DEVICE_PARAM}));
        }
        if (shared != NULL) {
            g_array_append_val(claims, ((claim){"shared directory", shared, m, SHARED_DIR_PARAM}));
        }
    }
    return claims;
}

static gboolean claims_clash(const claim *a, const claim *b)
{
    if (strcmp(a->what, b->what) != 0) {
        return FALSE;
    }
    if (strcmp(a->what, "shared disk") == 0) {
        return strcmp(a->value, b->value) == 0;
    }
    return path_within(a->value, b->value) || path_within(b->value, a->value);
}

static void check_against(lh_lhost *lhost, const lh_def *other, GPtrArray *problems)
{
    g_autoptr(GArray) mine = claims_of(lhost->def);
    g_autoptr(GArray) theirs = claims_of(other);

    for (guint i = 0; i < mine->len; i++) {
        const claim *a = &g_array_index(mine, claim, i);

        for (guint j = 0; j < theirs->len; j++) {
            const claim *b = &g_array_index(theirs, claim, j);

            if (claims_clash(a, b)) {
                lh_def_problem(lhost->def, problems, lh_def_line(lhost->def, a->member, a->key),
                               "%s %s is also used by logical host %s (%s:%d)", a->what,
                               a->value, other->name, other->path,
                               lh_def_line(other, b->member, b->key));
                break;
            }
        }
    }
}

static gboolean same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev
           && sa.st_ino == sb.st_ino;
}

/* Two logical hosts on one shared directory would start twice on it, on two nodes. */
static void check_siblings(lh_lhost *lhost, GPtrArray *problems)
{
    g_autofree char *dir = g_path_get_dirname(lhost->def->path);
    g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
    const char *entry;

    while (listing != NULL && (entry = g_dir_read_name(listing)) != NULL) {
        g_autofree char *path = g_build_filename(dir, entry, NULL);
        g_autoptr(GPtrArray) ignored = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(lh_def) other = NULL;

        if (!g_str_has_suffix(entry, ".conf") || same_file(path, lhost->def->path)) {
            continue;
        }
        other = lh_def_load(path, ignored);
        check_against(lhost, other, problems);
    }
}

void lh_lhost_validate(lh_lhost *lhost, GPtrArray *problems)
{
    for (guint i = 0; i < lhost->def->members->len; i++) {
        if (info_of(lhost, i) != NULL) {
            check_params(lhost, i, problems);
            check_duplicate(lhost, i, problems);
        }
    }
    check_order(lhost, problems);
    check_shared_dirs(lhost, problems);
    check_siblings(lhost, problems);
}
