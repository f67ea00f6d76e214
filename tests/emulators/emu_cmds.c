/*
 * emu_cmds.c - the JP1/Base, JP1/IM - Manager and JP1/AJS3 - Manager
 * cluster and status commands.
 *
 * Return codes follow PRODUCTS.md section 1:
 *   *.cluster start/stop/killall  0 normal end, 1 argument error only (a
 *                                 logical host not set up on this node is
 *                                 one); a start or stop that did not
 *                                 finish in time still ends 0 (the caller
 *                                 must ask the status command)
 *   *_spmd_status, jevstat,       0 all running, 4 some stopped, 8 all
 *   ajsstatus                     stopped, 1 error (shared directory not
 *                                 on this node); 12 only by injection
 *   jimdbstatus                   0, 1, 4, 8, 12, 16, 20 (see db_rc)
 *
 * Arguments are checked before any injection is consumed: an injection
 * file is found through the logical host, and a malformed call must fail
 * the way the real command fails.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define CMD_TIMEOUT_MS 60000	/* the products' command timeout */
#define KILL_WAIT_MS 2000	/* SIGKILL acts at once: a safety bound */
#define DAEMON_WAIT_MS 2000	/* exec + recording itself: milliseconds */
#define POLL_MS 20
#define STATUS_TIMEOUT_MAX 32767
#define DEFAULT_SERVICE "AJSROOT1"

/*
 * The .cluster scripts take exactly one operand: the logical host, which
 * must be set up on this node (the real scripts read its definition). Then
 * comes the injection; EMU_CONTINUE = go on.
 */
static int cluster_prologue(const struct emu_ctx *ctx,
			    const struct emu_product *prod, const char **lhost)
{
	*lhost = ctx->argc == 1 ? ctx->argv[0] : NULL;
	if (!emu_product_lhost_valid(prod, *lhost)) {
		fprintf(stderr, "usage: %s logical-host-name\n", ctx->name);
		return emu_finish(ctx, 1, "argument error");
	}
	if (!emu_host_known(ctx, *lhost)) {
		fprintf(stderr, "%s: %s: logical host not set up here\n",
			ctx->name, *lhost);
		return emu_finish(ctx, 1, "argument error: unknown logical host");
	}
	return emu_inject_apply(ctx, *lhost);
}

static void status_usage(const struct emu_ctx *ctx, const char *opts,
			 bool operand)
{
	fprintf(stderr, "usage: %s%s%s%s%s%s\n", ctx->name,
		operand ? " logical-host-name" : "",
		strchr(opts, 'F') != NULL ? " [-F scheduler-service]" : "",
		strchr(opts, 'h') != NULL ? " [-h logical-host-name]" : "",
		strchr(opts, 's') != NULL ? " [-s|-a]" : "",
		strchr(opts, 't') != NULL ? " [-t timeout-seconds]" : "");
}

/*
 * The status commands' arguments. `opts` lists the option letters the
 * command takes: -h, -t and -F take a value, -s and -a (one of them at
 * most) do not. With `operand` the logical host is the one operand
 * (jevstat); otherwise it is -h's value, or JP1_HOSTNAME without -h.
 * -t (0..32767) is validated and otherwise unused: the work is instant.
 */
static const char *status_args(const struct emu_ctx *ctx,
			       const struct emu_product *prod,
			       const char *opts, bool operand,
			       const char **svc)
{
	const char *lhost = NULL, *a;
	bool flag = false;
	long timeout_s;
	int i;
	char c;

	for (i = 0; i < ctx->argc; i++) {
		a = ctx->argv[i];
		c = a[0] == '-' && a[1] != '\0' && a[2] == '\0' ? a[1] : '\0';
		if (c == '\0' || strchr(opts, c) == NULL) {
			if (!operand || lhost != NULL)
				goto usage;
			lhost = a;
		} else if (c == 's' || c == 'a') {
			if (flag)
				goto usage;
			flag = true;
		} else if (i + 1 >= ctx->argc) {
			goto usage;
		} else if (c == 'h') {
			lhost = ctx->argv[++i];
		} else if (c == 'F') {
			*svc = ctx->argv[++i];
			if (!emu_service_valid(*svc))
				goto usage;
		} else if (!emu_parse_long(ctx->argv[++i], 0,
					   STATUS_TIMEOUT_MAX, &timeout_s)) {
			goto usage;
		}
	}
	if (lhost == NULL && !operand)
		lhost = getenv("JP1_HOSTNAME");
	if (emu_product_lhost_valid(prod, lhost))
		return lhost;
usage:
	status_usage(ctx, opts, operand);
	return NULL;
}

/* Common prologue: argument check, then injection. EMU_CONTINUE = go on. */
static int prologue(const struct emu_ctx *ctx, const char *lhost)
{
	if (lhost == NULL)
		return emu_finish(ctx, 1, "argument error");
	return emu_inject_apply(ctx, lhost);
}

static bool parent_alive(const struct emu_procs *ps,
			 const struct emu_product *prod)
{
	return emu_proc_alive(emu_procs_find(ps, prod->spmd[0]));
}

/*
 * Spawns the parent daemon unless one already runs. The lock is held
 * until the new daemon has recorded itself, so two concurrent starts
 * cannot both spawn one.
 */
static void start_daemon(const struct emu_ctx *ctx,
			 const struct emu_product *prod, const char *lhost,
			 const char *dir)
{
	char lock[EMU_PATH_MAX];
	long long deadline;
	struct emu_procs ps;
	int fd = -1;

	if (emu_path(lock, sizeof(lock), "%s/start.lock", dir))
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	emu_procs_load(dir, &ps);
	if (!parent_alive(&ps, prod)) {
		emu_state_clear(dir);
		if (!emu_spawn_daemon(prod->spmd[0], lhost))
			emu_log_event(ctx, "cannot spawn %s", prod->spmd[0]);
		deadline = emu_now_ms() + DAEMON_WAIT_MS;
		do {
			emu_sleep_ms(1);
			emu_procs_load(dir, &ps);
		} while (!parent_alive(&ps, prod) && emu_now_ms() < deadline);
	}
	if (fd >= 0)
		close(fd);
}

/* Until ready with every recorded process alive, the parent died, or the
 * command timeout passed; start-up carries on in the background. */
static void start_wait(const struct emu_ctx *ctx,
		       const struct emu_product *prod, const char *dir)
{
	long long deadline = emu_now_ms() +
			     emu_scaled_ms(ctx, CMD_TIMEOUT_MS);
	const struct emu_proc *parent;
	struct emu_procs ps;
	size_t i, alive;

	for (;;) {
		emu_procs_load(dir, &ps);
		parent = emu_procs_find(&ps, prod->spmd[0]);
		if (parent != NULL && !emu_proc_alive(parent))
			return;
		for (i = 0, alive = 0; i < ps.n; i++)
			alive += emu_proc_alive(&ps.p[i]);
		if (alive == ps.n && emu_marker(dir, "ready"))
			return;
		if (emu_now_ms() >= deadline)
			return;
		emu_sleep_ms(POLL_MS);
	}
}

int emu_cmd_start(const struct emu_ctx *ctx, const struct emu_product *prod)
{
	const char *lhost;
	char dir[EMU_PATH_MAX];
	int rc = cluster_prologue(ctx, prod, &lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	/* The real script cannot start without its shared files, and still
	 * ends 0: the status command is what reports the failure. */
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)) ||
	    !emu_mkdirs(dir))
		return emu_finish(ctx, 0, "shared directory absent");
	start_daemon(ctx, prod, lhost, dir);
	start_wait(ctx, prod, dir);
	return emu_finish(ctx, 0, NULL);
}

/*
 * Only the parent is asked to stop. Without a live parent there is nobody
 * to ask: leftover children stay, which is why Hitachi recommends the
 * killall command after every stop.
 */
int emu_cmd_stop(const struct emu_ctx *ctx, const struct emu_product *prod)
{
	const char *lhost;
	struct emu_procs before, now;
	char dir[EMU_PATH_MAX];
	long long deadline;
	int rc = cluster_prologue(ctx, prod, &lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return emu_finish(ctx, 0, "shared directory absent");
	emu_procs_load(dir, &before);
	if (!parent_alive(&before, prod))
		return emu_finish(ctx, 0, "not running");
	kill(emu_procs_find(&before, prod->spmd[0])->pid, SIGTERM);
	deadline = emu_now_ms() + emu_scaled_ms(ctx, CMD_TIMEOUT_MS);
	do {
		emu_sleep_ms(POLL_MS);
		emu_procs_load(dir, &now);
		if (!emu_procs_any_alive(&before) &&
		    !emu_procs_any_alive(&now))
			return emu_finish(ctx, 0, NULL);
	} while (emu_now_ms() < deadline);
	return emu_finish(ctx, 0, "timed out");
}

struct kill_round {
	const struct emu_product *prod;
	const char *lhost;
	size_t found;		/* processes still alive this round */
};

static void kill_scanned(pid_t pid, const char *name, const char *lhost,
			 const char *svc, void *arg)
{
	struct kill_round *r = arg;

	(void)svc;	/* every scheduler service goes */
	if (strcmp(lhost, r->lhost) != 0 || !emu_product_owns(r->prod, name))
		return;
	kill(pid, SIGKILL);
	r->found++;
}

/* One pass: recorded processes first (parent first, so it spawns no
 * more), then a /proc scan for leftovers the state does not know. */
static size_t kill_round(const struct emu_ctx *ctx,
			 const struct emu_product *prod, const char *lhost,
			 const char *dir)
{
	struct kill_round r = { prod, lhost, 0 };
	struct emu_procs ps;
	size_t i;

	ps.n = 0;
	if (dir[0] != '\0')
		emu_procs_load(dir, &ps);
	for (i = 0; i < ps.n; i++) {
		if (emu_product_owns(prod, ps.p[i].name) &&
		    emu_proc_alive(&ps.p[i])) {
			kill(ps.p[i].pid, SIGKILL);
			r.found++;
		}
	}
	emu_scan(ctx->root, kill_scanned, &r);
	return r.found;
}

void emu_killall(const struct emu_ctx *ctx, const struct emu_product *prod,
		 const char *lhost)
{
	long long deadline = emu_now_ms() + KILL_WAIT_MS;
	char dir[EMU_PATH_MAX] = "";

	/* Works without the state: dir may be unreachable, the scan is not. */
	emu_state_dir(ctx, prod, lhost, dir, sizeof(dir));
	while (kill_round(ctx, prod, lhost, dir) > 0 && emu_now_ms() < deadline)
		emu_sleep_ms(10);
	if (emu_shared_present(ctx, lhost))
		emu_state_clear(dir);
}

int emu_cmd_killall(const struct emu_ctx *ctx,
		    const struct emu_product *prod)
{
	const char *lhost;
	int rc = cluster_prologue(ctx, prod, &lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	emu_killall(ctx, prod, lhost);
	return emu_finish(ctx, 0, NULL);
}

int emu_cmd_spmd_status(const struct emu_ctx *ctx,
			const struct emu_product *prod)
{
	const char *svc = NULL;
	const char *lhost = status_args(ctx, prod, prod->status_opts, false,
					&svc);
	char dir[EMU_PATH_MAX];
	struct emu_procs ps;
	int rc = prologue(ctx, lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return emu_finish(ctx, 1, "shared directory absent");
	emu_procs_load(dir, &ps);
	return emu_finish(ctx, emu_spmd_rc(&ps, prod), NULL);
}

/*
 * The IM database's state from its processes and markers:
 *   0  service control and the whole core run
 *   4  the parent is starting (not ready) or stopping
 *   16 the service control runs and no core process does
 *   8  DB processes died or were killed (some remain, or db-active says
 *      the database was up and was not stopped by jco_stop.cluster)
 *   12 stopped normally, or never started
 */
static int db_rc(const struct emu_procs *ps, const struct emu_product *prod,
		 const char *dir)
{
	size_t core_total, core = emu_count_alive(ps, prod->db + 1,
						  &core_total);
	bool ctl = emu_proc_alive(emu_procs_find(ps, prod->db[0]));
	bool parent = parent_alive(ps, prod);

	if (parent && emu_marker(dir, "stopping"))
		return 4;
	if (ctl && core == core_total)
		return 0;
	if (parent && !emu_marker(dir, "ready"))
		return 4;
	if (ctl && core == 0)
		return 16;
	if (ctl || core > 0 || emu_marker(dir, "db-active"))
		return 8;
	return 12;
}

int emu_cmd_jimdbstatus(const struct emu_ctx *ctx,
			const struct emu_product *prod)
{
	const char *svc = NULL;
	const char *lhost = status_args(ctx, prod, "h", false, &svc);
	char dir[EMU_PATH_MAX], imdb[EMU_PATH_MAX];
	struct emu_procs ps;
	int rc = prologue(ctx, lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	if (!emu_host_known(ctx, lhost))
		return emu_finish(ctx, 1, "unknown logical host");
	if (!emu_imdb_marker(ctx, lhost, imdb, sizeof(imdb)) ||
	    !emu_exists(imdb))
		return emu_finish(ctx, 20, "IM database not set up");
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return emu_finish(ctx, 1, "shared directory absent");
	emu_procs_load(dir, &ps);
	return emu_finish(ctx, db_rc(&ps, prod, dir), NULL);
}

/*
 * ajsstatus [-F SERVICE] [-h LHOST]: 0 if the service's jajs_schd runs,
 * 8 if it does not (never started, stopped, died, or between a death and
 * its automatic restart); 1 for an argument error, a logical host not set
 * up here, a service it does not have, or its shared directory absent.
 */
int emu_cmd_ajsstatus(const struct emu_ctx *ctx,
		      const struct emu_product *prod)
{
	const char *svc = DEFAULT_SERVICE;
	const char *lhost = status_args(ctx, prod, "Fh", false, &svc);
	struct emu_services sv;
	char dir[EMU_PATH_MAX];
	struct emu_procs ps;
	int rc = prologue(ctx, lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	if (!emu_host_known(ctx, lhost))
		return emu_finish(ctx, 1, "unknown logical host");
	emu_services_load(ctx, lhost, &sv);
	if (!emu_services_has(&sv, svc))
		return emu_finish(ctx, 1, "unknown scheduler service");
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return emu_finish(ctx, 1, "shared directory absent");
	emu_procs_load(dir, &ps);
	rc = emu_proc_alive(emu_procs_find_svc(&ps, prod->svc, svc)) ? 0 : 8;
	return emu_finish(ctx, rc, NULL);
}

/* jevstat LHOST [-t SEC]: 0 if JP1/Base's event service runs, else 8. */
int emu_cmd_jevstat(const struct emu_ctx *ctx, const struct emu_product *prod)
{
	const char *svc = NULL;
	const char *lhost = status_args(ctx, prod, "t", true, &svc);
	char dir[EMU_PATH_MAX];
	struct emu_procs ps;
	int rc = prologue(ctx, lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	if (!emu_host_known(ctx, lhost))
		return emu_finish(ctx, 1, "unknown logical host");
	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return emu_finish(ctx, 1, "shared directory absent");
	emu_procs_load(dir, &ps);
	rc = emu_proc_alive(emu_procs_find(&ps, "jevservice")) ? 0 : 8;
	return emu_finish(ctx, rc, NULL);
}
