/*
 * emu_proc.c - /proc parsing, liveness, process scans and process creation.
 *
 * Liveness is strict on purpose. PID 1 on the test machines reaps orphans
 * lazily, so a killed daemon can linger as a zombie for seconds while
 * kill(pid, 0) and /proc/PID/comm still answer; and pids are reused. A
 * recorded process is therefore alive only if /proc/PID/stat exists, its
 * state is not Z, its comm is the expected name and its start time (field
 * 22) is the recorded one.
 *
 * Product processes are this binary re-executed through /proc/self/exe
 * with argv {NAME, -h, LHOST} and comm set to NAME, so ps, pgrep and
 * /proc/PID/comm all show the real product names. A scheduler service
 * process (jajs_schd) has {NAME, -h, LHOST, -F, SERVICE}: one per service.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPAWN_NAME_WAIT_MS 2000

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

bool emu_pstat_read(pid_t pid, struct emu_pstat *st)
{
	char path[64], buf[1024];
	const char *open_paren, *close_paren, *p;
	size_t len;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return false;
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL ||
	    close_paren < open_paren || close_paren[1] != ' ')
		return false;
	len = (size_t)(close_paren - open_paren - 1);
	len = len < EMU_NAME_MAX - 1 ? len : EMU_NAME_MAX - 1;
	memcpy(st->comm, open_paren + 1, len);
	st->comm[len] = '\0';
	p = close_paren + 2;
	st->state = *p;
	for (field = 3; field < 22; field++) {	/* state is field 3 */
		p = strchr(p, ' ');
		if (p == NULL)
			return false;
		p++;
	}
	st->start = strtoull(p, NULL, 10);
	return true;
}

bool emu_pid_alive(pid_t pid, const char *name, unsigned long long start)
{
	struct emu_pstat st;

	return pid > 0 && emu_pstat_read(pid, &st) && st.state != 'Z' &&
	       strcmp(st.comm, name) == 0 && st.start == start;
}

/* Splits a NUL-separated cmdline; true if it is exactly {X, -h, Y}, or
 * {X, -h, Y, -F, Z} (*svc = Z, else NULL). */
static bool cmdline_split(const char *buf, ssize_t len, const char **name,
			  const char **lhost, const char **svc)
{
	const char *arg[6];
	ssize_t off = 0;
	int argc = 0;

	while (off < len && argc < 6) {
		arg[argc++] = buf + off;
		off += (ssize_t)strlen(buf + off) + 1;
	}
	if ((argc != 3 && argc != 5) || off != len ||
	    strcmp(arg[1], "-h") != 0 ||
	    (argc == 5 && strcmp(arg[3], "-F") != 0))
		return false;
	*name = arg[0];
	*lhost = arg[2];
	*svc = argc == 5 ? arg[4] : NULL;
	return true;
}

/* Whether pid lives in our pid namespace: a lab node has its own. */
static bool same_pid_ns(pid_t pid)
{
	char path[64];
	struct stat ours, theirs;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat("/proc/self/ns/pid", &ours) == 0 && stat(path, &theirs) == 0 &&
	       ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

/* Whether pid was started under the emulator root `root`: its environment
 * as exec'd holds the JP1EMU_ROOT the daemon exported (the default root
 * when it holds none). */
static bool same_root(pid_t pid, const char *root)
{
	static char env[65536];
	const char *value = EMU_DEFAULT_ROOT, *entry;
	char path[64];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	len = read_small(path, env, sizeof(env));
	if (len < 0)
		return false;
	for (entry = env; entry < env + len; entry += strlen(entry) + 1)
		if (strncmp(entry, "JP1EMU_ROOT=", 12) == 0)
			value = entry + 12;
	return strcmp(value, root) == 0;
}

/*
 * A scan sees one emulated node, as killall on a real node sees only its
 * own processes: the same pid namespace and the same emulator root. From
 * the host, /proc also shows every lab node's processes, and tests that
 * run at once each have a root of their own: a killall that crossed either
 * line would kill products of another node.
 */
static void scan_one(const char *root, pid_t pid, emu_scan_fn *fn, void *arg)
{
	char path[64], buf[512];
	const char *name, *lhost, *svc;
	const struct emu_product *prod;
	struct emu_pstat st;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	len = read_small(path, buf, sizeof(buf));
	if (len <= 0 || !cmdline_split(buf, len, &name, &lhost, &svc) ||
	    (prod = emu_product_of(name)) == NULL ||
	    (svc != NULL) != emu_is_svc(prod, name))
		return;
	if (!emu_pstat_read(pid, &st) || st.state == 'Z' ||
	    !same_pid_ns(pid) || !same_root(pid, root))
		return;
	fn(pid, name, lhost, svc, arg);
}

void emu_scan(const char *root, emu_scan_fn *fn, void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char *end;
	long pid;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pid = strtol(e->d_name, &end, 10);
		if (*end == '\0' && pid > 0 && pid != (long)getpid())
			scan_one(root, (pid_t)pid, fn, arg);
	}
	closedir(d);
}

void emu_set_comm(const char *name)
{
	(void)prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

/*
 * What a well-behaved parent does before exec: nothing it blocked or
 * ignored leaks into the child (a caller may have SIGTERM ignored, which
 * would survive exec and make the product unstoppable).
 */
static void reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void exec_self(const char *name, const char *lhost,
				const char *svc)
{
	char n[EMU_NAME_MAX], h[] = "-h", l[EMU_LHOST_MAX + 1], f[] = "-F";
	char v[EMU_SVC_MAX + 1];
	char *argv[] = { n, h, l, f, v, NULL };

	snprintf(n, sizeof(n), "%s", name);
	snprintf(l, sizeof(l), "%s", lhost);
	snprintf(v, sizeof(v), "%s", svc != NULL ? svc : "");
	if (svc == NULL)
		argv[3] = NULL;
	reset_signals();
	execv("/proc/self/exe", argv);
	_exit(127);
}

/* Waits until the child has exec'd and named itself, so a status probe
 * never sees a recorded pid whose comm is still the parent's or "exe". */
static bool await_name(pid_t pid, const char *name, unsigned long long *start)
{
	long long deadline = emu_now_ms() + SPAWN_NAME_WAIT_MS;
	struct emu_pstat st;

	while (emu_pstat_read(pid, &st) && st.state != 'Z') {
		if (strcmp(st.comm, name) == 0) {
			*start = st.start;
			return true;
		}
		if (emu_now_ms() >= deadline)
			break;
		emu_sleep_ms(1);
	}
	return false;
}

pid_t emu_spawn(const char *name, const char *lhost, const char *svc,
		unsigned long long *start)
{
	pid_t pid = fork();

	if (pid == 0)
		exec_self(name, lhost, svc);
	if (pid < 0)
		return -1;
	if (!await_name(pid, name, start)) {
		kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

/* The daemon must own no descriptor of its caller: a pipe kept open would
 * make the caller's output capture wait for the product to exit. */
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

/*
 * Double fork + setsid: the daemon is in a session and process group of
 * its own and is not our child, so an agent SIGKILLed with its whole
 * process group (a Pacemaker timeout) does not take the product with it.
 */
bool emu_spawn_daemon(const char *name, const char *lhost)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		if (chdir("/") < 0)
			_exit(1);
		umask(022);
		detach_fds();
		exec_self(name, lhost, NULL);
	}
	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno == ECHILD;	/* caller ignores SIGCHLD */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
