/*
 * emu_cmds.c - the JP1/Base and JP1/IM - Manager cluster commands.
 *
 * Return codes follow PRODUCTS.md section 1:
 *   *.cluster start/stop/killall  0 normal end, 1 argument error only (a
 *                                 logical host not set up on this node is
 *                                 one); a start or stop that did not
 *                                 finish in time still ends 0 (the caller
 *                                 must ask the status command)
 *   *_spmd_status                 0 all running, 4 some stopped, 8 all
 *                                 stopped, 1 error (shared directory not
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

/*
 * The .cluster scripts take exactly one operand: the logical host, which
 * must be set up on this node (the real scripts read its definition). Then
 * comes the injection; EMU_CONTINUE = go on.
 */
static int cluster_prologue(const struct emu_ctx *ctx, const char **lhost)
{
	*lhost = ctx->argc == 1 ? ctx->argv[0] : NULL;
	if (!emu_lhost_valid(*lhost)) {
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

/* [-h LHOST] [-t SEC]; without -h the host comes from JP1_HOSTNAME. */
static const char *status_lhost(const struct emu_ctx *ctx, bool allow_t)
{
	const char *lhost = NULL;
	long timeout_s = 60;
	int i;

	for (i = 0; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];

		if (i + 1 >= ctx->argc)
			goto usage;
		if (strcmp(a, "-h") == 0)
			lhost = ctx->argv[++i];
		else if (!allow_t || strcmp(a, "-t") != 0 ||
			 !emu_parse_long(ctx->argv[++i], 0, STATUS_TIMEOUT_MAX,
					 &timeout_s))
			goto usage;
	}
	if (lhost == NULL)
		lhost = getenv("JP1_HOSTNAME");
	if (emu_lhost_valid(lhost))
		return lhost;
usage:
	fprintf(stderr, "usage: %s [-h logical-host-name]%s\n", ctx->name,
		allow_t ? " [-t timeout-seconds]" : "");
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
	int rc = cluster_prologue(ctx, &lhost);

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
	int rc = cluster_prologue(ctx, &lhost);

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
			 void *arg)
{
	struct kill_round *r = arg;

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
	int rc = cluster_prologue(ctx, &lhost);

	if (rc != EMU_CONTINUE)
		return rc;
	emu_killall(ctx, prod, lhost);
	return emu_finish(ctx, 0, NULL);
}

int emu_cmd_spmd_status(const struct emu_ctx *ctx,
			const struct emu_product *prod)
{
	const char *lhost = status_lhost(ctx, true);
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
	const char *lhost = status_lhost(ctx, false);
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
