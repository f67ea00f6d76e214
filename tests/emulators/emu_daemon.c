/*
 * emu_daemon.c - the product processes: the parent daemon (jbs_spmd,
 * jco_spmd, jajs_spmd) and the children it spawns.
 *
 * The parent records itself in the procs file, waits for the product it
 * needs (JP1/IM and JP1/AJS3 wait until JP1/Base of the same logical host
 * runs), then spawns its children one by one spread over the start-up time
 * and writes the ready marker. It never restarts a child that dies (JP1's
 * own restart is off in clusters): it only reaps it and logs the event.
 * The one exception is JP1/AJS3's scheduler service (jajs_schd, one per
 * service), which restarts itself after an abnormal end: when the test
 * asks for it (inject/LHOST/jajs_schd.restart-ms), jajs_spmd spawns a new
 * one after that many milliseconds, three times at most. On SIGTERM the
 * parent stops its children in reverse order over the stop time, clears
 * the run state and exits.
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
#define RESTART_MAX 3		/* abnormal ends restarted per service */
#define RESTART_MS_MAX 86400000L

struct daemon {
	const struct emu_ctx *ctx;
	const struct emu_product *prod;
	const char *lhost;
	char dir[EMU_PATH_MAX];		/* run state on the shared directory */
	struct emu_procs procs;		/* ourselves, then children spawned */
	sigset_t sigs;			/* SIGTERM and SIGCHLD, blocked */
	size_t kids;			/* children not reaped yet */
	bool stopping;			/* deaths from now on are our doing */
	struct emu_services svcs;	/* scheduler services (prod->svc) */
	int ends[EMU_MAX_SERVICES];	/* abnormal ends of each service */
	bool restart[EMU_MAX_SERVICES];	/* a restart is due at ... */
	long long restart_at[EMU_MAX_SERVICES];
};

/* One child to spawn: a process name, and its scheduler service if any. */
struct step {
	const char *name;
	const char *svc;
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

static struct emu_proc *kid_of(struct daemon *d, pid_t pid)
{
	size_t i;

	for (i = 1; i < d->procs.n; i++)
		if (d->procs.p[i].pid == pid)
			return &d->procs.p[i];
	return NULL;
}

static const char *svc_opt(const char *svc)
{
	return svc != NULL && svc[0] != '\0' ? " -F " : "";
}

static const char *svc_arg(const char *svc)
{
	return svc != NULL ? svc : "";
}

/*
 * A scheduler service ended and we did not stop it: it restarts after the
 * injected delay, unless that is its 4th abnormal end (then automatic
 * restart is disabled) or no delay is injected (then it stays dead, and
 * jajs_spmd_status still says 0: the service dies alone).
 */
static void svc_ended(struct daemon *d, const char *svc)
{
	const struct emu_ctx *ctx = d->ctx;
	char flag[64];
	long ms;
	size_t i;
	int got;

	for (i = 0; i < d->svcs.n; i++)
		if (strcmp(d->svcs.name[i], svc) == 0)
			break;
	if (i == d->svcs.n)
		return;
	if (++d->ends[i] > RESTART_MAX) {
		emu_log_event(ctx, "%s -F %s ended abnormally %d times: "
			      "automatic restart disabled", d->prod->svc, svc,
			      d->ends[i]);
		return;
	}
	snprintf(flag, sizeof(flag), "%s.restart-ms", d->prod->svc);
	got = emu_inject_number(ctx, d->lhost, flag, 0, RESTART_MS_MAX, &ms);
	if (got <= 0) {
		emu_log_event(ctx, "%s -F %s not restarted (%s)", d->prod->svc,
			      svc, got == 0 ? "no automatic restart" :
			      "bad restart-ms injection");
		return;
	}
	d->restart[i] = true;
	d->restart_at[i] = emu_now_ms() + ms;
	emu_log_event(ctx, "%s -F %s restarts in %ld ms (%d of %d)",
		      d->prod->svc, svc, ms, d->ends[i], RESTART_MAX);
}

static void daemon_reap(struct daemon *d)
{
	const struct emu_proc *p;
	const char *name, *svc;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (d->kids > 0)
			d->kids--;
		p = kid_of(d, pid);
		name = p != NULL ? p->name : "?";
		svc = p != NULL ? p->svc : "";
		if (WIFSIGNALED(status))
			emu_log_event(d->ctx, "%s %d%s%s killed by signal %d",
				      name, (int)pid, svc_opt(svc), svc,
				      WTERMSIG(status));
		else
			emu_log_event(d->ctx, "%s %d%s%s exited %d", name,
				      (int)pid, svc_opt(svc), svc,
				      WEXITSTATUS(status));
		if (svc[0] != '\0' && !d->stopping)
			svc_ended(d, svc);
	}
}

/* A new process for scheduler service i, in place of the dead one. */
static void svc_respawn(struct daemon *d, size_t i)
{
	const char *name = d->prod->svc, *svc = d->svcs.name[i];
	unsigned long long start;
	struct emu_proc *p = NULL;
	size_t k;
	pid_t pid;

	for (k = 1; k < d->procs.n; k++)
		if (strcmp(d->procs.p[k].name, name) == 0 &&
		    strcmp(d->procs.p[k].svc, svc) == 0)
			p = &d->procs.p[k];
	pid = emu_spawn(name, d->lhost, svc, &start);
	if (pid < 0) {
		emu_log_event(d->ctx, "cannot spawn %s -F %s", name, svc);
		return;
	}
	d->kids++;
	if (p != NULL) {
		p->pid = pid;
		p->start = start;
	} else {
		emu_procs_add(&d->procs, name, svc, pid, start);
	}
	emu_procs_save(d->dir, &d->procs);
	emu_log_event(d->ctx, "restarted %s %d -F %s (%d of %d)", name,
		      (int)pid, svc, d->ends[i], RESTART_MAX);
}

/* Runs the restarts that are due; returns when the next one is (-1: none). */
static long long daemon_restarts(struct daemon *d)
{
	long long next = -1;
	size_t i;

	for (i = 0; i < d->svcs.n && !d->stopping; i++) {
		if (!d->restart[i])
			continue;
		if (emu_now_ms() >= d->restart_at[i]) {
			d->restart[i] = false;
			svc_respawn(d, i);
		} else if (next < 0 || d->restart_at[i] < next) {
			next = d->restart_at[i];
		}
	}
	return next;
}

/* Waits ms (< 0: forever) reaping children and running the restarts due;
 * true on a SIGTERM to obey. */
static bool daemon_wait(struct daemon *d, long ms)
{
	long long deadline = ms < 0 ? -1 : emu_now_ms() + ms;
	long long until, due, left;
	struct timespec ts;
	int sig;

	for (;;) {
		due = daemon_restarts(d);
		until = deadline;
		if (due >= 0 && (until < 0 || due < until))
			until = due;
		if (until < 0) {
			sig = sigwaitinfo(&d->sigs, NULL);
		} else {
			left = until - emu_now_ms();
			if (left <= 0) {
				if (until == deadline)
					return false;
				continue;	/* a restart is due */
			}
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

static void daemon_spawn(struct daemon *d, const struct step *st)
{
	unsigned long long start;
	pid_t pid = emu_spawn(st->name, d->lhost, st->svc, &start);

	if (pid < 0) {
		emu_log_event(d->ctx, "cannot spawn %s%s%s", st->name,
			      svc_opt(st->svc), svc_arg(st->svc));
		return;
	}
	d->kids++;
	emu_procs_add(&d->procs, st->name, st->svc, pid, start);
	emu_procs_save(d->dir, &d->procs);
	emu_log_event(d->ctx, "spawned %s %d%s%s", st->name, (int)pid,
		      svc_opt(st->svc), svc_arg(st->svc));
}

/* The children to spawn, in order: the IM database (if set up here)
 * before the services that use it; JP1/AJS3's scheduler services (as set
 * up here) after its host service. */
static size_t daemon_plan(const struct daemon *d, struct step *plan)
{
	const char *const *p;
	char imdb[EMU_PATH_MAX];
	size_t n = 0, i;

	if (d->prod->db != NULL &&
	    emu_imdb_marker(d->ctx, d->lhost, imdb, sizeof(imdb)) &&
	    emu_exists(imdb)) {
		plan[n++] = (struct step){ d->prod->db[0], NULL };
		if (!emu_inject_flag(d->ctx, d->lhost, "jimdb", "core-down"))
			for (p = d->prod->db + 1; *p != NULL; p++)
				plan[n++] = (struct step){ *p, NULL };
	}
	for (p = d->prod->spmd + 1; *p != NULL; p++) {
		plan[n++] = (struct step){ *p, NULL };
		if (d->prod->svc_after == NULL ||
		    strcmp(*p, d->prod->svc_after) != 0)
			continue;
		for (i = 0; i < d->svcs.n; i++)
			plan[n++] = (struct step){ d->prod->svc,
						   d->svcs.name[i] };
	}
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
	struct step plan[EMU_MAX_PROCS];
	size_t n = daemon_plan(d, plan), i;
	bool stall = emu_inject_flag(ctx, d->lhost, d->prod->key,
				     "start-never-completes");
	long step;

	if (!daemon_await_needed(d))
		return false;
	step = emu_scaled_ms(ctx, ctx->start_ms) / (long)n;
	if (emu_is_db_control(d->prod, plan[0].name))
		emu_marker_set(d->dir, "db-active");
	for (i = 0; i < n; i++) {
		if (stall && i == n - 1) {
			emu_log_event(ctx, "start-up stalls before %s (injected)",
				      plan[i].name);
			return true;
		}
		if (daemon_wait(d, step))
			return false;
		daemon_spawn(d, &plan[i]);
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

	d->stopping = true;
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
	if (prod->svc != NULL)
		emu_services_load(ctx, lhost, &d.svcs);
	emu_procs_add(&d.procs, ctx->name, NULL, getpid(), self.start);
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
	bool svc = emu_is_svc(prod, ctx->name);

	if (ctx->argc != (svc ? 4 : 2) || strcmp(ctx->argv[0], "-h") != 0 ||
	    !emu_lhost_valid(ctx->argv[1]) ||
	    (svc && (strcmp(ctx->argv[2], "-F") != 0 ||
		     !emu_service_valid(ctx->argv[3])))) {
		fprintf(stderr, "usage: %s -h logical-host-name%s\n",
			ctx->name, svc ? " -F scheduler-service" : "");
		return 1;
	}
	/* Started through /proc/self/exe, our comm is "exe" until now. */
	emu_set_comm(ctx->name);
	if (strcmp(ctx->name, prod->spmd[0]) == 0)
		return daemon_main(ctx, prod, ctx->argv[1]);
	return child_main(ctx, prod, ctx->argv[1]);
}
