/*
 * ctm_proc.c - the monitor process of the Control-M CTMPLEX emulator.
 *
 * The monitor is exec'd from HOME/ctm_server/exe/p_ctmsu (a hard link or a
 * copy of ctmemu), so its comm is p_ctmsu and /proc/PID/exe reads that
 * path: a scan keeps the live processes whose exe is this installation's
 * p_ctmsu and whose comm matches. Two installations on one node never see
 * each other's monitor.
 *
 * p_ctmsu (start_ctm; detached: double fork, setsid, chdir /, fds on
 * /dev/null) "loads its resources" for the start time, then every 50 ms:
 *   - applies the role rule (ctm_derive) to its record and logs each
 *     change once: the Global that loses the CF releases the CTMPLEX
 *     resources and continues standalone; a Local pauses; a Local whose
 *     Global stopped on purpose shuts down (CTMX03I) and exits;
 *   - a Local, when the recorded Global's heartbeat is stale and
 *     $CTMEMU_TAKEOVER is on, takes over if it is the live Local of the
 *     highest priority (CTMX05E);
 *   - publishes its heartbeat in CF_DIR/members/MEMBER.
 * SIGTERM: a Global (the plex's) clears the Global role and bumps stopseq,
 * which shuts the Locals down; then it ends after the stop time.
 */
#define _GNU_SOURCE
#include "ctmemu.h"

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

/* comm from /proc/PID/stat; false for a zombie or a gone pid. */
static bool pid_comm(pid_t pid, char *comm, size_t size)
{
	char path[64], buf[512], *open_p, *close_p;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 ||
	    (open_p = strchr(buf, '(')) == NULL ||
	    (close_p = strrchr(buf, ')')) == NULL ||
	    close_p[1] != ' ' || close_p[2] == 'Z' || close_p[2] == 'X')
		return false;
	len = (size_t)(close_p - open_p - 1);
	len = len < size - 1 ? len : size - 1;
	memcpy(comm, open_p + 1, len);
	comm[len] = '\0';
	return true;
}

static bool is_monitor(pid_t pid, const char *want)
{
	char path[64], exe[CTM_PATH_MAX], comm[CTM_NAME_MAX];
	ssize_t n;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	len = (size_t)n;
	if (len > 10 && strcmp(exe + len - 10, " (deleted)") == 0)
		exe[len - 10] = '\0';	/* setup replaced the binary */
	return strcmp(exe, want) == 0 && pid_comm(pid, comm, sizeof(comm)) &&
	       strcmp(comm, CTM_MONITOR) == 0;
}

pid_t ctm_find_monitor(const struct ctm_ctx *ctx)
{
	char want[CTM_PATH_MAX];
	struct dirent *e;
	pid_t found = 0;
	char *end;
	DIR *d;

	if (ctx->home[0] == '\0' ||
	    !ctm_path(want, sizeof(want), "%s/ctm_server/exe/%s", ctx->home,
		      CTM_MONITOR) ||
	    (d = opendir("/proc")) == NULL)
		return 0;
	while (found == 0 && (e = readdir(d)) != NULL) {
		long pid = strtol(e->d_name, &end, 10);

		if (*end == '\0' && pid > 0 && pid != (long)getpid() &&
		    is_monitor((pid_t)pid, want))
			found = (pid_t)pid;
	}
	closedir(d);
	return found;
}

/* ---- process creation --------------------------------------------- */

static void child_setup(void)
{
	sigset_t none;
	int sig, fd;

	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (chdir("/") < 0)
		_exit(1);
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (close_range(3, ~0U, 0) < 0)
		for (fd = 3; fd < 1024; fd++)
			close(fd);
}

static _Noreturn void exec_monitor(const char *path)
{
	char name[] = CTM_MONITOR;
	char *argv[] = { name, NULL };

	child_setup();
	execv(path, argv);
	_exit(127);
}

bool ctm_spawn_monitor(const struct ctm_ctx *ctx)
{
	char path[CTM_PATH_MAX];
	int status = 0;
	pid_t pid;

	if (!ctm_path(path, sizeof(path), "%s/ctm_server/exe/%s", ctx->home,
		      CTM_MONITOR))
		return false;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		exec_monitor(path);
	}
	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- the monitor -------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The p_ctmsu.die injection: the monitor dies at once. */
static void tick(const struct ctm_ctx *ctx)
{
	if (ctm_inject_take(ctx, CTM_MONITOR ".die")) {
		ctm_log(ctx, "event died (injected)");
		_exit(1);
	}
	ctm_sleep_ms(CTM_POLL_MS);
}

static void log_change(const struct ctm_ctx *ctx, const struct ctm_plex *p,
		       enum ctm_role from, enum ctm_role to, const char *why)
{
	if (to == CTM_STANDALONE)
		ctm_msg(ctx, false, "CTMEMU110W CF LOST: GLOBAL MONITOR %s "
			"RELEASES CTMPLEX RESOURCES AND CONTINUES STANDALONE",
			ctx->member);
	else if (to == CTM_PAUSED && from == CTM_LOCAL)
		ctm_msg(ctx, false, "CTMEMU111W LOCAL MONITOR %s PAUSED: %s",
			ctx->member, why);
	else if (to == CTM_LOCAL || to == CTM_PAUSED)
		ctm_msg(ctx, false, "CTMEMU116I %s IS NOW A LOCAL MONITOR "
			"(GLOBAL: %s)", ctx->member,
			p->global[0] != '\0' ? p->global : "NONE");
}

/* Applies the rule to the record; false when the monitor must end. */
static bool monitor_step(const struct ctm_ctx *ctx, enum ctm_role *role)
{
	struct ctm_plex p;
	struct ctm_mon m;
	struct ctm_cf cf;
	const char *why = "";
	enum ctm_role r;
	int fd = ctm_mon_lock(ctx);

	ctm_mon_load(ctx, &m);
	ctm_plex_load(ctx, &p);
	ctm_cf_load(ctx, &cf);
	r = ctm_derive(ctx, &m, &p, &cf, &why);
	if (r == CTM_SHUT) {
		m.shut = true;
		(void)ctm_mon_save(ctx, &m);
		ctm_unlock(fd);
		ctm_msg(ctx, false, "CTMX03I GLOBAL MONITOR STOPPED. LOCAL "
			"MONITOR %s SHUTTING DOWN", ctx->member);
		return false;
	}
	if (r != m.role && r != CTM_ERROR) {
		log_change(ctx, &p, m.role, r, why);
		if (m.role == CTM_GLOBAL && r == CTM_LOCAL)
			m.stopseq = p.stopseq;	/* joins as a Local */
		m.role = r;
		(void)ctm_mon_save(ctx, &m);
	}
	ctm_unlock(fd);
	*role = r;
	return true;
}

/* A Local whose Global's heartbeat is stale takes over if it is the best
 * live Local (CTMX05E). Lock order: plex, then the record. */
static void monitor_takeover(const struct ctm_ctx *ctx, enum ctm_role *role)
{
	char best[CTM_MEMBER_MAX + 1];
	struct ctm_member g;
	struct ctm_plex p;
	struct ctm_mon m;
	struct ctm_cf cf;
	int pfd, mfd;

	ctm_plex_load(ctx, &p);
	if (!ctx->takeover || *role != CTM_LOCAL || p.global[0] == '\0' ||
	    (ctm_member_read(ctx, p.global, &g) && g.fresh) ||
	    !ctm_takeover_candidate(ctx, best, sizeof(best)) ||
	    strcmp(best, ctx->member) != 0)
		return;
	pfd = ctm_plex_lock(ctx);
	mfd = ctm_mon_lock(ctx);
	ctm_plex_load(ctx, &p);
	ctm_cf_load(ctx, &cf);
	ctm_mon_load(ctx, &m);
	if (p.global[0] != '\0' && !cf.failed && m.role == CTM_LOCAL &&
	    m.gen == p.gen &&
	    !(ctm_member_read(ctx, p.global, &g) && g.fresh)) {
		char old[CTM_MEMBER_MAX + 1];

		snprintf(old, sizeof(old), "%s", p.global);
		snprintf(p.global, sizeof(p.global), "%s", ctx->member);
		m.role = CTM_GLOBAL;
		if (ctm_plex_save(ctx, &p) && ctm_mon_save(ctx, &m)) {
			*role = CTM_GLOBAL;
			ctm_msg(ctx, false, "CTMX05E GLOBAL MONITOR %s FAILED. "
				"LOCAL MONITOR %s TAKES OVER AS GLOBAL", old,
				ctx->member);
		}
	}
	ctm_unlock(mfd);
	ctm_unlock(pfd);
}

/* Stopped on purpose: the plex's Global takes the Locals down with it. */
static void monitor_stop_global(const struct ctm_ctx *ctx)
{
	struct ctm_plex p;
	int fd = ctm_plex_lock(ctx);

	ctm_plex_load(ctx, &p);
	if (strcmp(p.global, ctx->member) == 0) {
		p.global[0] = '\0';
		p.stopseq++;
		if (ctm_plex_save(ctx, &p))
			ctm_msg(ctx, false, "CTMEMU102I GLOBAL MONITOR %s "
				"STOPPED: THE LOCAL MONITORS SHUT DOWN",
				ctx->member);
	}
	ctm_unlock(fd);
}

int ctm_monitor_main(const struct ctm_ctx *ctx)
{
	struct sigaction sa;
	enum ctm_role role = CTM_LOCAL;
	long long end;
	bool shut = false;

	if (ctx->member[0] == '\0') {
		fprintf(stderr, "%s: no installation\n", ctx->name);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	end = ctm_now_ms() + ctm_scaled(ctx, ctx->start_ms);
	while (!stopping && ctm_now_ms() < end)
		tick(ctx);		/* loading resources */
	if (!stopping && !monitor_step(ctx, &role))
		shut = true;
	else if (!stopping)
		ctm_msg(ctx, false, "CTMEMU100I CONTROL-M MONITOR %s STARTED "
			"(PID %d, PRIORITY %d) AS %s", ctx->member,
			(int)getpid(), ctx->priority, ctm_role_name(role));
	while (!stopping && !shut) {
		if (!monitor_step(ctx, &role)) {
			shut = true;
			break;
		}
		monitor_takeover(ctx, &role);
		(void)ctm_member_publish(ctx, role);
		tick(ctx);
	}
	if (!shut)
		monitor_stop_global(ctx);
	ctm_sleep_ms(ctm_scaled(ctx, ctx->stop_ms));
	ctm_member_remove(ctx, ctx->member);
	ctm_msg(ctx, false, "CTMEMU101I CONTROL-M MONITOR %s STOPPED",
		ctx->member);
	return 0;
}
