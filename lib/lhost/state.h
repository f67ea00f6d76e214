/* lhost/state.h - small per-resource state that survives the agent process.
 *
 * A state is a few key/value pairs (GKeyFile, group [state]) in one file per
 * resource, under the resource-agents state directory (HA_RSCTMP, normally
 * /run/resource-agents). Writes are atomic (a new file written, fsynced and renamed
 * over the old one), owner-only (0600), and never follow a symlink: a link planted
 * where the file goes is refused, not written through. A missing file is an empty
 * state; a corrupt one is logged, set aside and read as empty, so an agent always
 * gets a usable state.
 */
#ifndef LHOST_STATE_H
#define LHOST_STATE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct lh_state lh_state;

/* The state of @resource under @dir (NULL: HA_RSCTMP, else /run/resource-agents).
 * Reads the file if there is one. Never NULL. */
lh_state *lh_state_load(const char *dir, const char *agent, const char *resource);
void lh_state_free(lh_state *state);

/* Why the last load found nothing usable ("corrupt: ...", "refused: a symlink"),
 * NULL when it was fine or simply absent. */
const char *lh_state_problem(const lh_state *state);

const char *lh_state_path(const lh_state *state);

/* The value of @key, or NULL (borrowed until the next set). */
const char *lh_state_get(lh_state *state, const char *key);
gint64 lh_state_get_int(lh_state *state, const char *key, gint64 fallback);
/* @key: letters, digits, '-' and '_'. @value: UTF-8 text, kept as it is, except
 * that a vertical tab or form feed at its start is lost on save (GKeyFile, the
 * file format, has no escape for them and reads them as blanks). */
void lh_state_set(lh_state *state, const char *key, const char *value);
void lh_state_set_int(lh_state *state, const char *key, gint64 value);
void lh_state_remove(lh_state *state, const char *key);
/* A NULL @value in lh_state_set removes the key. Setting a key to the value it has,
 * or removing one that is not there, changes nothing, and lh_state_changed says
 * whether anything did since the load or the last save. */
gboolean lh_state_changed(const lh_state *state);

/* Writes the state atomically. FALSE with *reason (caller frees) on failure. */
gboolean lh_state_save(lh_state *state, char **reason);
/* ... only when it changed: an agent's monitor that changes nothing writes nothing
 * (a save is a write, an fsync and a rename). */
gboolean lh_state_save_changes(lh_state *state, char **reason);
/* Removes the file (a stopped resource keeps no state). */
gboolean lh_state_delete(lh_state *state, char **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_state, lh_state_free)

G_END_DECLS

#endif
