/*
 * iwsemu.h - shared declarations of the IBM Workload Scheduler emulator
 *
 * One binary, many names: main() dispatches on basename(argv[0]), like
 * jp1emu, but nothing is shared with it (a second product, a second
 * fixture). See README.iws for the interface.
 *
 *   iws_main.c    main, dispatch, the admin helper (setup, ps, reset,
 *                 symphony), the environment, paths, files, log, injection
 *   iws_state.c   the domain state (the emulated network), the status each
 *                 workstation publishes, the Symphony file, the job table
 *   iws_proc.c    /proc scans by executable path, process creation, the
 *                 product processes (netman, mailman, batchman, jobman,
 *                 writer, jobmon)
 *   iws_conman.c  conman, StartUp, JnextPlan
 *
 * Nothing is allocated on the heap and nothing beyond libc is linked;
 * buffers are fixed size and every path is built with iws_path(), which
 * refuses to truncate.
 */
#ifndef IWSEMU_H
#define IWSEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IWS_PATH_MAX 4096
#define IWS_NAME_MAX 16		/* a comm: 15 characters and a NUL */
#define IWS_WS_MAX 16		/* a workstation name: 1 to 16 bytes */
#define IWS_MAX_WS 16		/* workstations per domain */
#define IWS_MAX_LINKS 64
#define IWS_MAX_JOBS 64		/* jobs per plan (every workstation) */
#define IWS_JOB_MAX 16		/* a job name: 1 to 16 bytes */
#define IWS_CONTINUE (-1)
#define IWS_DOMAIN "MASTERDM"
#define IWS_LIMIT_DEFAULT 100
#define IWS_STALE_MS 2000	/* a status older than this: netman down */
#define IWS_POLL_MS 50		/* the product processes' loop */
#define IWS_SYM_MAGIC "IWSSYMPH"
#define IWS_SYM_HEADER 32
#define IWS_SYM_BODY_MAX 16384

#define IWS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- iws_main.c --------------------------------------------------- */

struct iws_ctx {
	const char *name;		/* basename(argv[0]) */
	int argc;			/* operands after argv[0] */
	char *const *argv;
	char home[IWS_PATH_MAX];	/* TWA_home, "" if not known */
	char ws[IWS_WS_MAX + 1];	/* thiscpu of localopts, "" if none */
	char domain[IWS_PATH_MAX];	/* the domain directory, "" if none */
	char root[IWS_PATH_MAX];	/* $IWSEMU_ROOT or TWA_home/emu */
	double scale;			/* $IWSEMU_TIME_SCALE */
	long settle_ms, start_ms, stop_ms, job_ms, jobs;
};

void iws_ctx_init(struct iws_ctx *ctx, int argc, char **argv);
/* Reads home/TWS/localopts into ctx->ws and ctx->domain (once home is
 * set); false if it is missing or incomplete. */
bool iws_ctx_load(struct iws_ctx *ctx);
long iws_scaled(const struct iws_ctx *ctx, long ms);
bool iws_path(char *buf, size_t size, const char *fmt, ...) IWS_PRINTF(3, 4);
bool iws_ws_valid(const char *ws);
void iws_upcase(char *s);
bool iws_parse_long(const char *s, long min, long max, long *out);
bool iws_mkdirs(const char *path);
bool iws_exists(const char *path);
bool iws_write_atomic(const char *path, const void *data, size_t len);
/* Reads up to size-1 bytes and NUL-terminates; -1 if absent. */
ssize_t iws_read_file(const char *path, char *buf, size_t size);
long long iws_now_ms(void);		/* CLOCK_MONOTONIC */
long long iws_real_ms(void);		/* CLOCK_REALTIME: shared by nodes */
void iws_sleep_ms(long ms);
void iws_log(const struct iws_ctx *ctx, const char *fmt, ...) IWS_PRINTF(2, 3);
int iws_finish(const struct iws_ctx *ctx, int rc, const char *note);
/* Consumes the next token of inject/WS/<name>.codes: an exit code, or
 * IWS_CONTINUE; `hang` never returns. */
int iws_inject_apply(const struct iws_ctx *ctx);
bool iws_inject_flag(const struct iws_ctx *ctx, const char *flag);
/* Removes inject/WS/<flag>; true if it was there. */
bool iws_inject_take(const struct iws_ctx *ctx, const char *flag);
bool iws_inject_dir(const struct iws_ctx *ctx, char *buf, size_t size);

/* ---- iws_state.c -------------------------------------------------- */

struct iws_wsinfo {
	char name[IWS_WS_MAX + 1];
	int limit;
};

struct iws_domain {
	char master[IWS_WS_MAX + 1];	/* "" before any --master setup */
	char pending[IWS_WS_MAX + 1];	/* switchmgr in progress, or "" */
	long long switch_at;		/* realtime ms it takes effect */
	unsigned run;			/* the current plan's run number */
	size_t nws;
	struct iws_wsinfo ws[IWS_MAX_WS];
	size_t nlinks;
	char link[IWS_MAX_LINKS][2][IWS_WS_MAX + 1];
};

/* Takes the domain lock (flock); -1 on failure. */
int iws_domain_lock(const struct iws_ctx *ctx);
void iws_domain_unlock(int fd);
/* Loads the state; a switch whose settling time passed is applied. */
void iws_domain_load(const struct iws_ctx *ctx, struct iws_domain *d);
bool iws_domain_save(const struct iws_ctx *ctx, const struct iws_domain *d);
struct iws_wsinfo *iws_domain_ws(struct iws_domain *d, const char *ws);
bool iws_linked(const struct iws_domain *d, const char *a, const char *b);
void iws_link_set(struct iws_domain *d, const char *a, const char *b,
		  bool on);

struct iws_status {
	long long at;			/* realtime ms of publication */
	bool netman, mailman, batchman, jobman;
	unsigned run;			/* its Symphony's, 0 if none */
};

bool iws_status_publish(const struct iws_ctx *ctx);
/* False if never published; *fresh says whether it is recent. */
bool iws_status_read(const struct iws_ctx *ctx, const char *ws,
		     struct iws_status *st, bool *fresh);
void iws_status_remove(const struct iws_ctx *ctx, const char *ws);

struct iws_planjob {
	char ws[IWS_WS_MAX + 1];
	char name[IWS_JOB_MAX + 1];
	long ms;			/* duration, unscaled */
};

struct iws_plan {
	unsigned run;
	long long created;		/* realtime s */
	size_t njobs;
	struct iws_planjob job[IWS_MAX_JOBS];
};

enum { IWS_PLAN_ABSENT = 0, IWS_PLAN_OK = 1, IWS_PLAN_CORRUPT = -1 };
/* Validates magic, version, length and checksum and parses the body. */
int iws_plan_read(const char *path, struct iws_plan *plan);
bool iws_plan_write(const char *path, const struct iws_plan *plan);
/* The node's Symphony, with the Symphony.corrupt injection applied. */
int iws_plan_local(const struct iws_ctx *ctx, struct iws_plan *plan);
bool iws_symphony_path(const struct iws_ctx *ctx, char *buf, size_t size);
bool iws_copy_file(const char *from, const char *to);

enum iws_jstate { J_READY, J_INTRO, J_EXEC, J_SUCC, J_ABEND };

struct iws_job {
	char name[IWS_JOB_MAX + 1];
	enum iws_jstate state;
	long ms;
	pid_t pid;
	long long started;		/* realtime ms */
};

struct iws_jobs {
	unsigned run;
	size_t n;
	struct iws_job j[IWS_MAX_JOBS];
};

int iws_jobs_lock(const struct iws_ctx *ctx);
void iws_jobs_load(const struct iws_ctx *ctx, struct iws_jobs *js);
bool iws_jobs_save(const struct iws_ctx *ctx, const struct iws_jobs *js);
const char *iws_jstate_name(enum iws_jstate s);

/* ---- iws_proc.c --------------------------------------------------- */

/* Called for each live process of this installation: its executable is
 * home/TWS/bin/NAME and its comm NAME; arg is its argv[1] or "". */
typedef void iws_scan_fn(pid_t pid, const char *name, const char *arg,
			 void *data);
void iws_scan(const struct iws_ctx *ctx, iws_scan_fn *fn, void *data);
/* The pid of a live NAME (with argv[1] ARG if not NULL), or 0. */
pid_t iws_find(const struct iws_ctx *ctx, const char *name, const char *arg);
/* Runs home/TWS/bin/NAME {NAME, ARG}: as a child (pid returned), or
 * detached (double fork, setsid; 0 on success). -1 on failure. */
pid_t iws_spawn(const struct iws_ctx *ctx, const char *name, const char *arg,
		bool detach);
int iws_process_main(const struct iws_ctx *ctx);
bool iws_is_process(const char *name);

/* ---- iws_conman.c ------------------------------------------------- */

int iws_conman(const struct iws_ctx *ctx);
int iws_startup(const struct iws_ctx *ctx);
int iws_jnextplan(const struct iws_ctx *ctx);

#endif /* IWSEMU_H */
