/*
 * iws_proc.c - process scans, process creation and the product processes
 * of the IWS emulator.
 *
 * Every process is exec'd from TWA_home/TWS/bin/NAME (a hard link or a
 * copy of iwsemu), so comm is NAME and /proc/PID/exe reads
 * TWA_home/TWS/bin/NAME: a scan keeps the processes whose exe is in this
 * installation's bin directory and whose comm matches, not zombies. Two
 * installations on one node never see each other's processes.
 *
 *   netman    (StartUp; detached) publishes the workstation's status to the
 *             domain every 50 ms, installs a Symphony sent to it, keeps one
 *             writer per linked workstation, and on the manager sends its
 *             Symphony to every linked workstation whose run differs
 *   mailman   (conman start; detached) starts batchman after a third of
 *             the start-up time
 *   batchman  (mailman's child) starts jobman after another third; loads
 *             this workstation's jobs when the plan's run changes and
 *             releases READY jobs while running jobs < the limit
 *   jobman    (batchman's child) launches each released job as a jobmon
 *   jobmon    {jobmon, JOBNAME} (jobman's child) runs for the job's
 *             duration, then records SUCC (ABEND when terminated)
 *   writer    {writer, WS} (netman's child) one per linked workstation
 * SIGTERM ends each after the stop time (jobmon and writer at once).
 */
#define _GNU_SOURCE
#include "iwsemu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const procs[] = {
	"netman", "mailman", "batchman", "jobman", "writer", "jobmon", NULL
};

bool iws_is_process(const char *name)
{
	size_t i;

	for (i = 0; procs[i] != NULL; i++)
		if (strcmp(name, procs[i]) == 0)
			return true;
	return false;
}

/* ---- scans -------------------------------------------------------- */

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* comm and state from /proc/PID/stat; false for a zombie or a gone pid. */
static bool pid_comm(pid_t pid, char *comm, size_t size)
{
	char path[64], buf[512], *open_p, *close_p;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 ||
	    (open_p = strchr(buf, '(')) == NULL ||
	    (close_p = strrchr(buf, ')')) == NULL || close_p < open_p ||
	    close_p[1] != ' ' || close_p[2] == 'Z' || close_p[2] == 'X')
		return false;
	len = (size_t)(close_p - open_p - 1);
	len = len < size - 1 ? len : size - 1;
	memcpy(comm, open_p + 1, len);
	comm[len] = '\0';
	return true;
}

static void scan_one(const struct iws_ctx *ctx, const char *bin, pid_t pid,
		     iws_scan_fn *fn, void *data)
{
	char path[64], exe[IWS_PATH_MAX], comm[IWS_NAME_MAX], args[256];
	const char *base, *arg = "";
	size_t blen = strlen(bin), len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= (ssize_t)blen || strncmp(exe, bin, blen) != 0 ||
	    exe[blen] != '/')
		return;
	exe[n] = '\0';
	len = strlen(exe);
	if (len > 10 && strcmp(exe + len - 10, " (deleted)") == 0)
		exe[len - 10] = '\0';	/* setup replaced the binary */
	base = exe + blen + 1;
	if (!iws_is_process(base) || !pid_comm(pid, comm, sizeof(comm)) ||
	    strcmp(comm, base) != 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_small(path, args, sizeof(args));
	if (n > 0 && (size_t)n > strlen(args) + 1)
		arg = args + strlen(args) + 1;
	fn(pid, base, arg, data);
}

void iws_scan(const struct iws_ctx *ctx, iws_scan_fn *fn, void *data)
{
	char bin[IWS_PATH_MAX];
	struct dirent *e;
	char *end;
	long pid;
	DIR *d;

	if (ctx->home[0] == '\0' ||
	    !iws_path(bin, sizeof(bin), "%s/TWS/bin", ctx->home) ||
	    (d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pid = strtol(e->d_name, &end, 10);
		if (*end == '\0' && pid > 0 && pid != (long)getpid())
			scan_one(ctx, bin, (pid_t)pid, fn, data);
	}
	closedir(d);
}

struct find {
	const char *name, *arg;
	pid_t pid;
};

static void find_one(pid_t pid, const char *name, const char *arg, void *data)
{
	struct find *f = data;

	if (f->pid == 0 && strcmp(name, f->name) == 0 &&
	    (f->arg == NULL || strcasecmp(arg, f->arg) == 0))
		f->pid = pid;
}

pid_t iws_find(const struct iws_ctx *ctx, const char *name, const char *arg)
{
	struct find f = { name, arg, 0 };

	iws_scan(ctx, find_one, &f);
	return f.pid;
}

/* ---- process creation --------------------------------------------- */

static void reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void detach_fds(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (close_range(3, ~0U, 0) < 0)
		for (fd = 3; fd < 1024; fd++)
			close(fd);
}

static _Noreturn void exec_named(const char *path, const char *name,
				 const char *arg)
{
	char n[IWS_NAME_MAX], a[64];
	char *argv[] = { n, a, NULL };

	snprintf(n, sizeof(n), "%s", name);
	snprintf(a, sizeof(a), "%s", arg != NULL ? arg : "");
	if (arg == NULL)
		argv[1] = NULL;
	reset_signals();
	execv(path, argv);
	_exit(127);
}

/* Waits (2 s at most) until pid runs path, so that a scan sees it. */
static bool await_exec(pid_t pid, const char *path)
{
	long long end = iws_now_ms() + 2000;
	char link[64], exe[IWS_PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	while (iws_now_ms() < end) {
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n < 0)
			return false;
		exe[n] = '\0';
		if (strcmp(exe, path) == 0)
			return true;
		iws_sleep_ms(1);
	}
	return false;
}

pid_t iws_spawn(const struct iws_ctx *ctx, const char *name, const char *arg,
		bool detach)
{
	char path[IWS_PATH_MAX];
	int status = 0;
	pid_t pid;

	if (!iws_path(path, sizeof(path), "%s/TWS/bin/%s", ctx->home, name))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (detach) {
			if (setsid() < 0 || (pid = fork()) < 0)
				_exit(1);
			if (pid > 0)
				_exit(0);
			if (chdir("/") < 0)
				_exit(1);
			umask(022);
			detach_fds();
		}
		exec_named(path, name, arg);
	}
	if (pid < 0)
		return -1;
	if (!detach)
		return await_exec(pid, path) ? pid : -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno == ECHILD ? 0 : -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- the product processes ---------------------------------------- */

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Per loop: the NAME.die injection makes the process die at once. */
static void tick(const struct iws_ctx *ctx)
{
	char flag[IWS_NAME_MAX + 8];

	snprintf(flag, sizeof(flag), "%s.die", ctx->name);
	if (iws_inject_take(ctx, flag)) {
		iws_log(ctx, "event died (injected)");
		_exit(1);
	}
	iws_sleep_ms(IWS_POLL_MS);
}

/* Sleeps ms unless SIGTERM comes first; false if it came. */
static bool wait_ms(const struct iws_ctx *ctx, long ms)
{
	long long end = iws_now_ms() + ms;

	while (!stopping && iws_now_ms() < end)
		tick(ctx);
	return !stopping;
}

static void reap(pid_t *pids, size_t n)
{
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < n; i++)
			if (pids[i] == pid)
				pids[i] = 0;
}

struct writer {
	char ws[IWS_WS_MAX + 1];
	pid_t pid;			/* 0 once it died: not restarted */
};

static void netman_writers(const struct iws_ctx *ctx,
			   const struct iws_domain *d, struct writer *w,
			   size_t *nw)
{
	pid_t pids[IWS_MAX_WS];
	size_t i, k;

	for (i = 0; i < *nw; i++)
		pids[i] = w[i].pid;
	reap(pids, *nw);
	for (i = 0; i < *nw; i++)
		w[i].pid = pids[i];
	for (i = 0; i < *nw;) {		/* unlinked: its writer ends */
		if (iws_linked(d, ctx->ws, w[i].ws)) {
			i++;
			continue;
		}
		if (w[i].pid > 0)
			kill(w[i].pid, SIGTERM);
		w[i] = w[--*nw];
	}
	for (k = 0; k < d->nws; k++) {
		if (!iws_linked(d, ctx->ws, d->ws[k].name) || *nw == IWS_MAX_WS)
			continue;
		for (i = 0; i < *nw; i++)
			if (strcmp(w[i].ws, d->ws[k].name) == 0)
				break;
		if (i < *nw)
			continue;
		snprintf(w[i].ws, sizeof(w[i].ws), "%s", d->ws[k].name);
		w[i].pid = iws_spawn(ctx, "writer", d->ws[k].name, false);
		if (w[i].pid < 0)
			w[i].pid = 0;
		(*nw)++;
	}
}

/* A Symphony sent to us: install it (write + rename), then Sinfonia. */
static void netman_receive(const struct iws_ctx *ctx)
{
	char in[IWS_PATH_MAX], sym[IWS_PATH_MAX];

	if (!iws_path(in, sizeof(in), "%s/xfer/%s.Symphony", ctx->domain,
		      ctx->ws) || !iws_exists(in) ||
	    !iws_symphony_path(ctx, sym, sizeof(sym)))
		return;
	if (iws_copy_file(in, sym)) {
		(void)unlink(in);
		iws_log(ctx, "event received Symphony");
	}
}

/* On the manager: send a valid Symphony to linked workstations whose
 * netman is up and whose run differs. */
static void netman_send(const struct iws_ctx *ctx, const struct iws_domain *d)
{
	char sym[IWS_PATH_MAX], dir[IWS_PATH_MAX], out[IWS_PATH_MAX];
	struct iws_status st;
	struct iws_plan plan;
	bool fresh;
	size_t k;

	if (strcasecmp(d->master, ctx->ws) != 0 ||
	    iws_plan_local(ctx, &plan) != IWS_PLAN_OK ||
	    !iws_symphony_path(ctx, sym, sizeof(sym)) ||
	    !iws_path(dir, sizeof(dir), "%s/xfer", ctx->domain))
		return;
	for (k = 0; k < d->nws; k++) {
		if (!iws_linked(d, ctx->ws, d->ws[k].name) ||
		    !iws_status_read(ctx, d->ws[k].name, &st, &fresh) ||
		    !st.netman || st.run == plan.run ||
		    !iws_path(out, sizeof(out), "%s/%s.Symphony", dir,
			      d->ws[k].name) || iws_exists(out))
			continue;
		if (iws_mkdirs(dir) && iws_copy_file(sym, out))
			iws_log(ctx, "event sent Symphony run %u to %s", plan.run,
				d->ws[k].name);
	}
}

static int netman_main(const struct iws_ctx *ctx)
{
	struct writer w[IWS_MAX_WS];
	struct iws_domain d;
	size_t nw = 0, i;

	iws_log(ctx, "event started");
	while (!stopping) {
		iws_domain_load(ctx, &d);
		netman_receive(ctx);
		netman_writers(ctx, &d, w, &nw);
		netman_send(ctx, &d);
		(void)iws_status_publish(ctx);
		tick(ctx);
	}
	for (i = 0; i < nw; i++)
		if (w[i].pid > 0)
			kill(w[i].pid, SIGTERM);
	iws_log(ctx, "event stopped");
	return 0;
}

/* The child in the chain (mailman -> batchman -> jobman), after a third
 * of the start-up time. */
static pid_t start_child(const struct iws_ctx *ctx, const char *child)
{
	if (!wait_ms(ctx, iws_scaled(ctx, ctx->start_ms) / 3))
		return 0;
	return iws_spawn(ctx, child, NULL, false);
}

static bool pid_is(pid_t pid, const char *name)
{
	char comm[IWS_NAME_MAX];

	return pid > 0 && pid_comm(pid, comm, sizeof(comm)) &&
	       strcmp(comm, name) == 0;
}

/* batchman's work: load the plan's jobs, release them up to the limit. */
static void batchman_schedule(const struct iws_ctx *ctx)
{
	struct iws_plan plan;
	struct iws_jobs js;
	struct iws_domain d;
	struct iws_wsinfo *w;
	size_t i, running = 0;
	bool changed = false;
	int fd, limit;

	if (iws_plan_local(ctx, &plan) != IWS_PLAN_OK)
		return;
	iws_domain_load(ctx, &d);
	w = iws_domain_ws(&d, ctx->ws);
	limit = w != NULL ? w->limit : IWS_LIMIT_DEFAULT;
	if ((fd = iws_jobs_lock(ctx)) < 0)
		return;
	iws_jobs_load(ctx, &js);
	if (js.run != plan.run) {
		memset(&js, 0, sizeof(js));
		js.run = plan.run;
		for (i = 0; i < plan.njobs; i++) {
			if (strcasecmp(plan.job[i].ws, ctx->ws) != 0)
				continue;
			snprintf(js.j[js.n].name, IWS_JOB_MAX + 1, "%s",
				 plan.job[i].name);
			js.j[js.n++].ms = plan.job[i].ms;
		}
		changed = true;
		iws_log(ctx, "event loaded run %u: %zu jobs", js.run, js.n);
	}
	for (i = 0; i < js.n; i++) {
		if (js.j[i].state == J_EXEC && !pid_is(js.j[i].pid, "jobmon")) {
			js.j[i].state = J_ABEND;
			changed = true;
		}
		if (js.j[i].state == J_INTRO || js.j[i].state == J_EXEC)
			running++;
	}
	for (i = 0; i < js.n && (int)running < limit; i++) {
		if (js.j[i].state != J_READY)
			continue;
		js.j[i].state = J_INTRO;
		running++;
		changed = true;
	}
	if (changed)
		(void)iws_jobs_save(ctx, &js);
	iws_domain_unlock(fd);
}

/* jobman's work: each released job becomes a jobmon child. */
static void jobman_launch(const struct iws_ctx *ctx)
{
	struct iws_jobs js;
	bool changed = false;
	size_t i;
	int fd;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if ((fd = iws_jobs_lock(ctx)) < 0)
		return;
	iws_jobs_load(ctx, &js);
	for (i = 0; i < js.n; i++) {
		if (js.j[i].state != J_INTRO)
			continue;
		js.j[i].pid = iws_spawn(ctx, "jobmon", js.j[i].name, false);
		js.j[i].state = js.j[i].pid > 0 ? J_EXEC : J_ABEND;
		js.j[i].started = iws_real_ms();
		changed = true;
		iws_log(ctx, "event launched %s#%s pid %d", ctx->ws,
			js.j[i].name, (int)js.j[i].pid);
	}
	if (changed)
		(void)iws_jobs_save(ctx, &js);
	iws_domain_unlock(fd);
}

static void jobmon_end(const struct iws_ctx *ctx, const char *job, bool ok)
{
	struct iws_jobs js;
	size_t i;
	int fd = iws_jobs_lock(ctx);

	if (fd < 0)
		return;
	iws_jobs_load(ctx, &js);
	for (i = 0; i < js.n; i++)
		if (strcmp(js.j[i].name, job) == 0 && js.j[i].pid == getpid())
			js.j[i].state = ok ? J_SUCC : J_ABEND;
	(void)iws_jobs_save(ctx, &js);
	iws_domain_unlock(fd);
	iws_log(ctx, "event %s %s", job, ok ? "SUCC" : "ABEND");
}

static int jobmon_main(const struct iws_ctx *ctx)
{
	struct iws_jobs js;
	const char *job = ctx->argc > 0 ? ctx->argv[0] : "";
	long ms = 0;
	size_t i;

	iws_jobs_load(ctx, &js);
	for (i = 0; i < js.n; i++)
		if (strcmp(js.j[i].name, job) == 0)
			ms = js.j[i].ms;
	jobmon_end(ctx, job, wait_ms(ctx, iws_scaled(ctx, ms)));
	return 0;
}

static int chain_main(const struct iws_ctx *ctx)
{
	pid_t child = 0;

	iws_log(ctx, "event started");
	if (strcmp(ctx->name, "mailman") == 0)
		child = start_child(ctx, "batchman");
	else if (strcmp(ctx->name, "batchman") == 0)
		child = start_child(ctx, "jobman");
	while (!stopping) {
		if (strcmp(ctx->name, "batchman") == 0)
			batchman_schedule(ctx);
		else if (strcmp(ctx->name, "jobman") == 0)
			jobman_launch(ctx);
		else
			reap(&child, 1);
		tick(ctx);
	}
	iws_sleep_ms(iws_scaled(ctx, ctx->stop_ms));
	iws_log(ctx, "event stopped");
	return 0;
}

int iws_process_main(const struct iws_ctx *ctx)
{
	struct sigaction sa;

	if (ctx->ws[0] == '\0') {
		fprintf(stderr, "%s: no installation\n", ctx->name);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (strcmp(ctx->name, "netman") == 0)
		return netman_main(ctx);
	if (strcmp(ctx->name, "jobmon") == 0)
		return jobmon_main(ctx);
	if (strcmp(ctx->name, "writer") == 0) {
		while (!stopping)
			tick(ctx);
		return 0;
	}
	return chain_main(ctx);
}
