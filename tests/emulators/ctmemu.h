/*
 * ctmemu.h - shared declarations of the BMC Control-M CTMPLEX emulator
 *
 * One binary, many names: main() dispatches on basename(argv[0]), like
 * iwsemu, with nothing shared with it. See README.ctm for the interface.
 *
 *   ctm_main.c   main, dispatch, the context (installation, environment),
 *                the admin helper (setup, ps, reset, cf fail|restore)
 *   ctm_util.c   paths, files, clocks, the log, fault injection
 *   ctm_plex.c   the shared directory (the CF and the sysplex state), the
 *                member heartbeats, the node's monitor record, and the one
 *                rule that derives a monitor's role from all of them
 *   ctm_proc.c   /proc scans by executable path, process creation, the
 *                monitor daemon p_ctmsu
 *   ctm_cmds.c   start_ctm, shut_ctm, status_ctm, ctmplex, ctmcf
 *
 * Nothing is allocated on the heap and nothing beyond libc is linked;
 * every path is built with ctm_path(), which refuses to truncate. Lock
 * order: the plex lock, then the node's monitor lock.
 */
#ifndef CTMEMU_H
#define CTMEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTM_PATH_MAX 4096
#define CTM_NAME_MAX 16		/* a comm: 15 characters and a NUL */
#define CTM_MEMBER_MAX 8	/* a member (node) name: 1 to 8 bytes */
#define CTM_MAX_MEMBERS 16
#define CTM_CONTINUE (-1)
#define CTM_POLL_MS 50		/* the monitor's loop */
#define CTM_STALE_MIN_MS 200	/* floor of the scaled heartbeat staleness */
#define CTM_PRIORITY_DEFAULT 10
#define CTM_MONITOR "p_ctmsu"

#define CTM_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* status_ctm's exit codes, one per role (README.ctm, [guess]). */
enum ctm_role {
	CTM_GLOBAL = 0,		/* running, the Global (GSM), on the CF */
	CTM_ERROR = 1,		/* no installation, usage (never a role) */
	CTM_LOCAL = 11,		/* running, a Local (LSM), on the CF */
	CTM_STANDALONE = 12,	/* running, the Global without the CF */
	CTM_PAUSED = 13,	/* running, a Local, paused */
	CTM_DOWN = 14,		/* not running */
	CTM_SHUT = 15		/* not running: shut down by order, stays down */
};

/* ---- ctm_main.c --------------------------------------------------- */

struct ctm_ctx {
	const char *name;		/* basename(argv[0]) */
	int argc;			/* operands after argv[0] */
	char *const *argv;
	char home[CTM_PATH_MAX];	/* the installation, "" if not known */
	char member[CTM_MEMBER_MAX + 1];	/* "" if none */
	int priority;
	char cf[CTM_PATH_MAX];		/* the shared CF directory */
	char root[CTM_PATH_MAX];	/* $CTMEMU_ROOT or home/emu */
	double scale;			/* $CTMEMU_TIME_SCALE */
	long start_ms, stop_ms, connect_ms, stale_ms;
	bool takeover;			/* $CTMEMU_TAKEOVER */
};

void ctm_ctx_init(struct ctm_ctx *ctx, int argc, char **argv);
/* Reads home/ctm_server/data/config.dat; false if missing or incomplete. */
bool ctm_ctx_load(struct ctm_ctx *ctx);
long ctm_scaled(const struct ctm_ctx *ctx, long ms);
long ctm_stale_ms(const struct ctm_ctx *ctx);
bool ctm_member_valid(const char *name);

/* ---- ctm_util.c --------------------------------------------------- */

bool ctm_path(char *buf, size_t size, const char *fmt, ...) CTM_PRINTF(3, 4);
void ctm_upcase(char *s);
bool ctm_parse_long(const char *s, long min, long max, long *out);
bool ctm_mkdirs(const char *path);
bool ctm_exists(const char *path);
bool ctm_write_atomic(const char *path, const char *text);
/* Reads up to size-1 bytes and NUL-terminates; -1 if absent. */
ssize_t ctm_read_file(const char *path, char *buf, size_t size);
bool ctm_copy_file(const char *from, const char *to);
/* An exclusive flock on PATH (created); -1 on failure. */
int ctm_lock(const char *path);
void ctm_unlock(int fd);
long long ctm_now_ms(void);		/* CLOCK_MONOTONIC */
long long ctm_real_ms(void);		/* CLOCK_REALTIME: shared by nodes */
void ctm_sleep_ms(long ms);
void ctm_log(const struct ctm_ctx *ctx, const char *fmt, ...) CTM_PRINTF(2, 3);
/* A product message: printed on stdout (if print) and logged. */
void ctm_msg(const struct ctm_ctx *ctx, bool print, const char *fmt, ...)
	CTM_PRINTF(3, 4);
/* Logs "ARGS -> rc N (note)" and returns rc. */
int ctm_finish(const struct ctm_ctx *ctx, int rc, const char *note);
/* Consumes the next token of inject/MEMBER/<name>.codes: an exit code,
 * or CTM_CONTINUE; `hang` never returns. */
int ctm_inject_apply(const struct ctm_ctx *ctx);
/* Removes inject/MEMBER/<flag>; true if it was there. */
bool ctm_inject_take(const struct ctm_ctx *ctx, const char *flag);
bool ctm_inject_dir(const struct ctm_ctx *ctx, char *buf, size_t size);

/* ---- ctm_plex.c --------------------------------------------------- */

/* CF_DIR/plex: the sysplex's view, readable whatever the CF's state. */
struct ctm_plex {
	char global[CTM_MEMBER_MAX + 1];	/* "" when there is none */
	unsigned gen;			/* the CF structures' generation */
	unsigned stopseq;		/* bumped when a Global stops on purpose */
};

/* CF_DIR/FAILED: the CF is down while it exists. */
struct ctm_cf {
	bool failed;
	long recover_at;		/* the attempt that succeeds, 0 = never */
	long attempts;			/* connection attempts since the failure */
};

/* HOME/ctm_server/data/monitor: this node's monitor record. */
struct ctm_mon {
	enum ctm_role role;		/* GLOBAL LOCAL STANDALONE PAUSED */
	unsigned gen;			/* the structures it is connected to */
	unsigned stopseq;		/* the plex's when it joined */
	bool shut;			/* shut down by order: stays down */
};

int ctm_plex_lock(const struct ctm_ctx *ctx);
void ctm_plex_load(const struct ctm_ctx *ctx, struct ctm_plex *p);
bool ctm_plex_save(const struct ctm_ctx *ctx, const struct ctm_plex *p);
void ctm_cf_load(const struct ctm_ctx *ctx, struct ctm_cf *cf);
bool ctm_cf_save(const struct ctm_ctx *ctx, const struct ctm_cf *cf);
/* One connection attempt ("connect, allocate, populate"), under the plex
 * lock: true if the CF is (now) available; p->gen is then current. */
bool ctm_cf_attempt(const struct ctm_ctx *ctx, struct ctm_plex *p,
		    struct ctm_cf *cf);

int ctm_mon_lock(const struct ctm_ctx *ctx);
void ctm_mon_load(const struct ctm_ctx *ctx, struct ctm_mon *m);
bool ctm_mon_save(const struct ctm_ctx *ctx, const struct ctm_mon *m);

struct ctm_member {
	char name[CTM_MEMBER_MAX + 1];
	long long at;			/* realtime ms of the heartbeat */
	enum ctm_role role;
	int pid, priority;
	bool fresh;
};

bool ctm_member_publish(const struct ctm_ctx *ctx, enum ctm_role role);
void ctm_member_remove(const struct ctm_ctx *ctx, const char *name);
bool ctm_member_read(const struct ctm_ctx *ctx, const char *name,
		     struct ctm_member *m);
/* The live member that should take over a failed Global (highest
 * priority, then name); false if none. */
bool ctm_takeover_candidate(const struct ctm_ctx *ctx, char *name,
			    size_t size);

/* The role of a RUNNING monitor whose record is m, given the plex and the
 * CF (the rule of README.ctm "Roles"); pure, shared by the daemon and
 * status_ctm. *why gets a short reason. */
enum ctm_role ctm_derive(const struct ctm_ctx *ctx, const struct ctm_mon *m,
			 const struct ctm_plex *p, const struct ctm_cf *cf,
			 const char **why);
const char *ctm_role_name(enum ctm_role role);

/* ---- ctm_proc.c --------------------------------------------------- */

/* The pid of this installation's live monitor, or 0. */
pid_t ctm_find_monitor(const struct ctm_ctx *ctx);
/* Runs home/ctm_server/exe/p_ctmsu detached (double fork, setsid);
 * false on failure. */
bool ctm_spawn_monitor(const struct ctm_ctx *ctx);
int ctm_monitor_main(const struct ctm_ctx *ctx);

/* ---- ctm_cmds.c --------------------------------------------------- */

int ctm_start(const struct ctm_ctx *ctx);
int ctm_shut(const struct ctm_ctx *ctx);
int ctm_status(const struct ctm_ctx *ctx);
int ctm_ctmplex(const struct ctm_ctx *ctx);
int ctm_ctmcf(const struct ctm_ctx *ctx);
/* SIGTERM the monitor and wait until it is gone (no bound). */
void ctm_stop_monitor(const struct ctm_ctx *ctx);

#endif /* CTMEMU_H */
