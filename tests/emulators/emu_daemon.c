/*
 * emu_daemon.c - the product processes: the parent daemon (jbs_spmd,
 * jco_spmd) and the children it spawns.
 *
 * The parent records itself in the procs file, waits for the product it
 * needs (JP1/IM waits until JP1/Base of the same logical host runs), then
 * spawns its children one by one spread over the start-up time and writes
 * the ready marker. It never restarts a child that dies (JP1's own restart
 * is off in clusters): it only reaps it and logs the event. On SIGTERM it
 * stops its children in reverse order over the stop time, clears the run
 * state and exits.
 *
 * Children do nothing but wait for SIGTERM. Every process blocks the
 * signals it cares about and takes them with sigwaitinfo(), so there are
 * no asynchronous handlers and no races between a signal and a decision.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NEEDS_POLL_MS 50
#define REAP_WAIT_MS 5000	/* children die at once on SIGTERM */

struct daemon {
	const struct emu_ctx *ctx;
	const struct emu_product *prod;
	const char *lhost;
	char dir[EMU_PATH_MAX];		/* run state on the shared directory */
	struct emu_procs procs;		/* ourselves, then children spawned */
	sigset_t sigs;			/* SIGTERM and SIGCHLD, blocked */
	size_t kids;			/* children not reaped yet */
};

/* Read when SIGTERM arrives, so a test can switch it on a running product. */
static bool term_ignored(const struct emu_ctx *ctx,
			 const struct emu_product *prod, const char *lhost)
{
	if (!emu_inject_flag(ctx, lhost, prod->key, "ignore-term"))
		return false;
	emu_log_event(ctx, "ignoring SIGTERM (injected)");
	return true;
}

static const char *kid_name(const struct daemon *d, pid_t pid)
{
	size_t i;

	for (i = 1; i < d->procs.n; i++)
		if (d->procs.p[i].pid == pid)
			return d->procs.p[i].name;
	return "?";
}

static void daemon_reap(struct daemon *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (d->kids > 0)
			d->kids--;
		if (WIFSIGNALED(status))
			emu_log_event(d->ctx, "%s %d killed by signal %d",
				      kid_name(d, pid), (int)pid,
				      WTERMSIG(status));
		else
			emu_log_event(d->ctx, "%s %d exited %d",
				      kid_name(d, pid), (int)pid,
				      WEXITSTATUS(status));
	}
}

/* Waits ms (< 0: forever) reaping children; true on a SIGTERM to obey. */
static bool daemon_wait(struct daemon *d, long ms)
{
	long long deadline = emu_now_ms() + ms;
	struct timespec ts;
	long long left;
	int sig;

	for (;;) {
		if (ms < 0) {
			sig = sigwaitinfo(&d->sigs, NULL);
		} else {
			left = deadline - emu_now_ms();
			if (left <= 0)
				return false;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			sig = sigtimedwait(&d->sigs, NULL, &ts);
		}
		if (sig == SIGCHLD)
			daemon_reap(d);
		else if (sig == SIGTERM &&
			 !term_ignored(d->ctx, d->prod, d->lhost))
			return true;
	}
}

static void daemon_spawn(struct daemon *d, const char *name)
{
	unsigned long long start;
	pid_t pid = emu_spawn(name, d->lhost, &start);

	if (pid < 0) {
		emu_log_event(d->ctx, "cannot spawn %s", name);
		return;
	}
	d->kids++;
	emu_procs_add(&d->procs, name, pid, start);
	emu_procs_save(d->dir, &d->procs);
	emu_log_event(d->ctx, "spawned %s %d", name, (int)pid);
}

/* The children to spawn, in order: the IM database (if set up here)
 * before the services that use it. */
static size_t daemon_plan(const struct daemon *d, const char **plan)
{
	const char *const *p;
	char imdb[EMU_PATH_MAX];
	size_t n = 0;

	if (d->prod->db != NULL &&
	    emu_imdb_marker(d->ctx, d->lhost, imdb, sizeof(imdb)) &&
	    emu_exists(imdb)) {
		plan[n++] = d->prod->db[0];
		if (!emu_inject_flag(d->ctx, d->lhost, "jimdb", "core-down"))
			for (p = d->prod->db + 1; *p != NULL; p++)
				plan[n++] = *p;
	}
	for (p = d->prod->spmd + 1; *p != NULL; p++)
		plan[n++] = *p;
	return n;
}

/* Polls rather than failing: the cluster may start JP1/Base later. */
static bool daemon_await_needed(struct daemon *d)
{
	const struct emu_product *needs = d->prod->needs;

	if (needs == NULL || emu_product_running(d->ctx, needs, d->lhost))
		return true;
	emu_log_event(d->ctx, "waiting for %s", needs->key);
	do {
		if (daemon_wait(d, NEEDS_POLL_MS))
			return false;
	} while (!emu_product_running(d->ctx, needs, d->lhost));
	emu_log_event(d->ctx, "%s is running", needs->key);
	return true;
}

/* False if told to stop during start-up. */
static bool daemon_start_up(struct daemon *d)
{
	const struct emu_ctx *ctx = d->ctx;
	const char *plan[EMU_MAX_PROCS];
	size_t n = daemon_plan(d, plan), i;
	bool stall = emu_inject_flag(ctx, d->lhost, d->prod->key,
				     "start-never-completes");
	long step;

	if (!daemon_await_needed(d))
		return false;
	step = emu_scaled_ms(ctx, ctx->start_ms) / (long)n;
	if (emu_is_db_control(d->prod, plan[0]))
		emu_marker_set(d->dir, "db-active");
	for (i = 0; i < n; i++) {
		if (stall && i == n - 1) {
			emu_log_event(ctx, "start-up stalls before %s (injected)",
				      plan[i]);
			return true;
		}
		if (daemon_wait(d, step))
			return false;
		daemon_spawn(d, plan[i]);
	}
	emu_marker_set(d->dir, "ready");
	emu_log_event(ctx, "ready");
	return true;
}

/* The IM database was started and none of its processes died since: only
 * then is a stop a normal stop (jimdbstatus 12 rather than 8). */
static bool db_intact(const struct daemon *d)
{
	const struct emu_proc *p;
	const char *const *name;
	bool started = false;

	for (name = d->prod->db; name != NULL && *name != NULL; name++) {
		p = emu_procs_find(&d->procs, *name);
		if (p == NULL)
			continue;
		if (!emu_proc_alive(p))
			return false;
		started = true;
	}
	return started;
}

static int daemon_stop(struct daemon *d)
{
	const struct emu_ctx *ctx = d->ctx;
	bool db_clean = db_intact(d);
	long long deadline;
	size_t i, live = 0;
	long step;

	emu_marker_set(d->dir, "stopping");
	emu_log_event(ctx, "stopping");
	for (i = 1; i < d->procs.n; i++)
		live += emu_proc_alive(&d->procs.p[i]);
	step = live > 0 ? emu_scaled_ms(ctx, ctx->stop_ms) / (long)live : 0;
	for (i = d->procs.n; i > 1; i--) {
		if (!emu_proc_alive(&d->procs.p[i - 1]))
			continue;
		kill(d->procs.p[i - 1].pid, SIGTERM);
		daemon_wait(d, step);
	}
	deadline = emu_now_ms() + REAP_WAIT_MS;
	while (d->kids > 0 && emu_now_ms() < deadline)
		daemon_wait(d, 10);
	if (db_clean)
		emu_marker_clear(d->dir, "db-active");
	emu_state_clear(d->dir);
	emu_log_event(ctx, "stopped");
	return 0;
}

static int daemon_main(const struct emu_ctx *ctx,
		       const struct emu_product *prod, const char *lhost)
{
	struct daemon d = { .ctx = ctx, .prod = prod, .lhost = lhost };
	struct emu_pstat self;

	sigemptyset(&d.sigs);
	sigaddset(&d.sigs, SIGTERM);
	sigaddset(&d.sigs, SIGCHLD);
	sigprocmask(SIG_BLOCK, &d.sigs, NULL);
	if (!emu_state_dir(ctx, prod, lhost, d.dir, sizeof(d.dir)) ||
	    !emu_mkdirs(d.dir) || !emu_pstat_read(getpid(), &self)) {
		emu_log_event(ctx, "cannot reach the run state: exiting");
		return 1;
	}
	emu_marker_clear(d.dir, "ready");
	emu_marker_clear(d.dir, "stopping");
	emu_procs_add(&d.procs, ctx->name, getpid(), self.start);
	emu_procs_save(d.dir, &d.procs);
	emu_log_event(ctx, "started");
	if (daemon_start_up(&d))
		while (!daemon_wait(&d, -1))
			;
	return daemon_stop(&d);
}

static int child_main(const struct emu_ctx *ctx,
		      const struct emu_product *prod, const char *lhost)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;)
		if (sigwaitinfo(&set, NULL) == SIGTERM &&
		    !term_ignored(ctx, prod, lhost))
			return 0;
}

int emu_process_main(const struct emu_ctx *ctx,
		     const struct emu_product *prod)
{
	if (ctx->argc != 2 || strcmp(ctx->argv[0], "-h") != 0 ||
	    !emu_lhost_valid(ctx->argv[1])) {
		fprintf(stderr, "usage: %s -h logical-host-name\n", ctx->name);
		return 1;
	}
	/* Started through /proc/self/exe, our comm is "exe" until now. */
	emu_set_comm(ctx->name);
	if (strcmp(ctx->name, prod->spmd[0]) == 0)
		return daemon_main(ctx, prod, ctx->argv[1]);
	return child_main(ctx, prod, ctx->argv[1]);
}
