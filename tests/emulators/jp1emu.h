/*
 * jp1emu.h - shared declarations of the JP1/Base, JP1/IM - Manager and
 * JP1/AJS3 - Manager emulator
 *
 * One binary, many names: main() dispatches on basename(argv[0]).
 *
 *   jp1emu.c      main, dispatch, the admin helper (setup, ps, reset)
 *   emu_env.c     environment knobs, paths, files, clocks and the event log
 *   emu_inject.c  fault injection (code sequences, flag files)
 *   emu_state.c   the product tables, the node-local setup (IM database,
 *                 scheduler services) and the run state kept on the logical
 *                 host's shared directory (procs file, markers)
 *   emu_proc.c    /proc parsing, liveness, process scans, process creation
 *   emu_cmds.c    the JP1 cluster commands (start, stop, killall, status)
 *   emu_daemon.c  the product processes (jbs_spmd, jco_spmd, jajs_spmd and
 *                 their children)
 *
 * Nothing is allocated on the heap and nothing beyond libc is linked: the
 * status command is the cost floor of a benchmark and must cost no more
 * than a vendor's C binary would. Buffers are fixed size; every path is
 * built with emu_path(), which refuses to truncate.
 *
 * Every function that builds a path or reads state takes the invocation
 * context (struct emu_ctx) instead of reading globals, so the daemon and
 * the commands see the same configuration the same way.
 */
#ifndef JP1EMU_H
#define JP1EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define EMU_DEFAULT_ROOT "/var/opt/jp1emu" /* JP1EMU_ROOT unset */

#define EMU_PATH_MAX 4096
#define EMU_NAME_MAX 16		/* a comm: 15 characters and a NUL */
#define EMU_LHOST_MAX 255
#define EMU_SVC_MAX 30		/* a scheduler service name: 1 to 30 bytes */
#define EMU_MAX_SERVICES 20	/* scheduler services per logical host */
#define EMU_SVC_LIST_MAX 1024	/* a list of them, as text */
#define EMU_MAX_PROCS 32	/* largest: jajs_spmd + 4 + 20 jajs_schd */
#define EMU_CONTINUE (-1)	/* "no injection decided the outcome" */

#define EMU_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- emu_env.c ---------------------------------------------------- */

/* What this invocation is and how the environment configures it. */
struct emu_ctx {
	const char *name;		/* basename(argv[0]) */
	int argc;			/* operands after argv[0] */
	char *const *argv;
	char root[EMU_PATH_MAX];	/* $JP1EMU_ROOT, made absolute */
	double scale;			/* $JP1EMU_TIME_SCALE */
	long start_ms;			/* $JP1EMU_START_MS, unscaled */
	long stop_ms;			/* $JP1EMU_STOP_MS, unscaled */
};

void emu_ctx_init(struct emu_ctx *ctx, int argc, char **argv);
long emu_scaled_ms(const struct emu_ctx *ctx, long ms);
/* Formats a path into buf; false (and buf empty) if it would not fit. */
bool emu_path(char *buf, size_t size, const char *fmt, ...) EMU_PRINTF(3, 4);
bool emu_lhost_valid(const char *lhost);
bool emu_service_valid(const char *service);
bool emu_parse_long(const char *s, long min, long max, long *out);
bool emu_mkdirs(const char *path);
bool emu_exists(const char *path);
bool emu_touch(const char *path);
/* Replaces path with text (write + rename). */
bool emu_write_atomic(const char *path, const char *text, size_t len);
void emu_unlink(const char *path);
long long emu_now_ms(void);		/* CLOCK_MONOTONIC */
void emu_sleep_ms(long ms);
_Noreturn void emu_hang(void);
/* Appends "<time> <pid> <name> event <text>" to $JP1EMU_ROOT/log. */
void emu_log_event(const struct emu_ctx *ctx, const char *fmt, ...)
	EMU_PRINTF(2, 3);
/* Appends "<time> <pid> <name> <args...> -> <outcome>". */
void emu_log_cmd(const struct emu_ctx *ctx, const char *outcome);
/* Logs "-> rc N" (with a note if not NULL) and returns rc, for `return`. */
int emu_finish(const struct emu_ctx *ctx, int rc, const char *note);

/* ---- emu_inject.c ------------------------------------------------- */

/*
 * Consumes the next token of inject/LHOST/<ctx->name>.codes and acts on
 * it: returns the exit code to end with at once, or EMU_CONTINUE to
 * behave normally (possibly after a delay). `hang` never returns.
 */
int emu_inject_apply(const struct emu_ctx *ctx, const char *lhost);
/* True if inject/LHOST/<flag> exists. */
bool emu_inject_flag(const struct emu_ctx *ctx, const char *lhost,
		     const char *key, const char *flag);
bool emu_inject_dir(const struct emu_ctx *ctx, const char *lhost,
		    char *buf, size_t size);
/* The number in inject/LHOST/<flag>: 1 (in *out), 0 if the file is absent,
 * -1 if it does not hold one number in [min, max]. */
int emu_inject_number(const struct emu_ctx *ctx, const char *lhost,
		      const char *flag, long min, long max, long *out);

/* ---- emu_state.c -------------------------------------------------- */

struct emu_product {
	const char *key;		/* state subdirectory, flag prefix */
	const char *const *spmd;	/* parent first, then its children */
	const char *const *judged;	/* what *_spmd_status sees; NULL: spmd */
	const char *const *db;		/* control, then core; NULL if none */
	const struct emu_product *needs; /* must run before our children */
	const char *svc;		/* one per scheduler service, or NULL; */
	const char *svc_after;		/* ... spawned after this child */
	size_t lhost_max;		/* longest logical host name */
	const char *status_opts;	/* option letters of *_spmd_status */
};

extern const struct emu_product emu_jp1base;
extern const struct emu_product emu_jp1cons;
extern const struct emu_product emu_jp1ajs2;

/* One recorded process: pid reuse is caught by comm and start time. */
struct emu_proc {
	char name[EMU_NAME_MAX];
	char svc[EMU_SVC_MAX + 1];	/* its scheduler service, or "" */
	pid_t pid;
	unsigned long long start;	/* /proc/PID/stat field 22 */
};

struct emu_procs {
	size_t n;
	struct emu_proc p[EMU_MAX_PROCS];
};

/* The scheduler services of a logical host on this node. */
struct emu_services {
	size_t n;
	char name[EMU_MAX_SERVICES][EMU_SVC_MAX + 1];
};

const struct emu_product *emu_product_of(const char *name);
bool emu_product_owns(const struct emu_product *prod, const char *name);
bool emu_is_svc(const struct emu_product *prod, const char *name);
/* Logical host names a product's commands accept (1 to lhost_max bytes). */
bool emu_product_lhost_valid(const struct emu_product *prod,
			     const char *lhost);
bool emu_is_db_control(const struct emu_product *prod, const char *name);
bool emu_host_link(const struct emu_ctx *ctx, const char *lhost,
		   char *buf, size_t size);
bool emu_host_known(const struct emu_ctx *ctx, const char *lhost);
bool emu_shared_present(const struct emu_ctx *ctx, const char *lhost);
bool emu_imdb_marker(const struct emu_ctx *ctx, const char *lhost,
		     char *buf, size_t size);
bool emu_services_path(const struct emu_ctx *ctx, const char *lhost,
		       char *buf, size_t size);
/* Parses a whitespace-separated list: 1 to EMU_MAX_SERVICES valid names,
 * none twice; false if the list is not one. */
bool emu_services_parse(const char *text, struct emu_services *sv);
/* What setup recorded for lhost; AJSROOT1 alone when it recorded none. */
void emu_services_load(const struct emu_ctx *ctx, const char *lhost,
		       struct emu_services *sv);
bool emu_services_has(const struct emu_services *sv, const char *name);
bool emu_state_dir(const struct emu_ctx *ctx, const struct emu_product *prod,
		   const char *lhost, char *buf, size_t size);
void emu_procs_load(const char *dir, struct emu_procs *ps);
bool emu_procs_save(const char *dir, const struct emu_procs *ps);
/* svc: the scheduler service of the process, or NULL. */
bool emu_procs_add(struct emu_procs *ps, const char *name, const char *svc,
		   pid_t pid, unsigned long long start);
const struct emu_proc *emu_procs_find(const struct emu_procs *ps,
				      const char *name);
const struct emu_proc *emu_procs_find_svc(const struct emu_procs *ps,
					  const char *name, const char *svc);
bool emu_proc_alive(const struct emu_proc *p);
bool emu_procs_any_alive(const struct emu_procs *ps);
/* How many of names[] (NULL-terminated) are recorded and alive. */
size_t emu_count_alive(const struct emu_procs *ps, const char *const *names,
		       size_t *total);
bool emu_marker(const char *dir, const char *marker);
void emu_marker_set(const char *dir, const char *marker);
void emu_marker_clear(const char *dir, const char *marker);
/* Removes the run state (procs, ready, stopping); keeps db-active. */
void emu_state_clear(const char *dir);
/* The *_spmd_status answer from recorded processes: 0, 4 or 8. It
 * judges prod->spmd only: never the scheduler services (prod->svc). */
int emu_spmd_rc(const struct emu_procs *ps, const struct emu_product *prod);
bool emu_product_running(const struct emu_ctx *ctx,
			 const struct emu_product *prod, const char *lhost);

/* ---- emu_proc.c --------------------------------------------------- */

struct emu_pstat {
	char state;			/* R, S, D, Z, ... */
	char comm[EMU_NAME_MAX];
	unsigned long long start;
};

bool emu_pstat_read(pid_t pid, struct emu_pstat *st);
bool emu_pid_alive(pid_t pid, const char *name, unsigned long long start);

/* Called for each live process whose argv is exactly {NAME, -h, LHOST}
 * with NAME a process name of a product, or {NAME, -h, LHOST, -F, SVC}
 * with NAME a product's scheduler service process (svc NULL otherwise),
 * started under the emulator root `root` and in our pid namespace: one
 * emulated node's processes. */
typedef void emu_scan_fn(pid_t pid, const char *name, const char *lhost,
			 const char *svc, void *arg);
void emu_scan(const char *root, emu_scan_fn *fn, void *arg);

/* Forks and re-executes ourselves as {name, -h, lhost} (with -F svc if svc
 * is not NULL); returns the pid once the child shows `name` in /proc
 * (start time in *start), or -1. */
pid_t emu_spawn(const char *name, const char *lhost, const char *svc,
		unsigned long long *start);
/* Starts {name, -h, lhost} as a detached daemon (double fork, setsid). */
bool emu_spawn_daemon(const char *name, const char *lhost);
void emu_set_comm(const char *name);

/* ---- emu_cmds.c --------------------------------------------------- */

int emu_cmd_start(const struct emu_ctx *ctx, const struct emu_product *prod);
int emu_cmd_stop(const struct emu_ctx *ctx, const struct emu_product *prod);
int emu_cmd_killall(const struct emu_ctx *ctx,
		    const struct emu_product *prod);
int emu_cmd_spmd_status(const struct emu_ctx *ctx,
			const struct emu_product *prod);
int emu_cmd_jimdbstatus(const struct emu_ctx *ctx,
			const struct emu_product *prod);
int emu_cmd_ajsstatus(const struct emu_ctx *ctx,
		      const struct emu_product *prod);
int emu_cmd_jevstat(const struct emu_ctx *ctx,
		    const struct emu_product *prod);
/* SIGKILLs every process of prod for lhost and clears its run state. */
void emu_killall(const struct emu_ctx *ctx, const struct emu_product *prod,
		 const char *lhost);

/* ---- emu_daemon.c ------------------------------------------------- */

/* Entry point of a product process ({name, -h, lhost [-F service]}). */
int emu_process_main(const struct emu_ctx *ctx,
		     const struct emu_product *prod);

#endif /* JP1EMU_H */
