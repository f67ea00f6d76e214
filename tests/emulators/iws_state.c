/*
 * iws_state.c - the state of the IWS emulator.
 *
 * The domain directory is the emulated network, seen by every node:
 *   state            master, pending switch, run, workstations (limit),
 *                    links; changed under flock(state.lock), written with
 *                    write + rename
 *   status/WS        what WS's netman publishes every 50 ms (its processes,
 *                    its Symphony run); older than 2 s means netman is down
 *   xfer/WS.Symphony a Symphony on its way to WS (its netman installs it)
 * Node-local, under TWA_home/TWS: Symphony, Sinfonia, emu/jobs (the job
 * table of this workstation's batchman, jobman and jobmons).
 */
#define _GNU_SOURCE
#include "iwsemu.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_TEXT_MAX 8192

/* ---- the domain state --------------------------------------------- */

int iws_domain_lock(const struct iws_ctx *ctx)
{
	char path[IWS_PATH_MAX];
	int fd;

	if (ctx->domain[0] == '\0' || !iws_mkdirs(ctx->domain) ||
	    !iws_path(path, sizeof(path), "%s/state.lock", ctx->domain))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void iws_domain_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

struct iws_wsinfo *iws_domain_ws(struct iws_domain *d, const char *ws)
{
	size_t i;

	for (i = 0; i < d->nws; i++)
		if (strcasecmp(d->ws[i].name, ws) == 0)
			return &d->ws[i];
	return NULL;
}

void iws_domain_load(const struct iws_ctx *ctx, struct iws_domain *d)
{
	char path[IWS_PATH_MAX], text[STATE_TEXT_MAX], *line, *save = NULL;
	char a[IWS_WS_MAX + 1], b[IWS_WS_MAX + 1];
	long long at;
	unsigned u;
	int lim;

	memset(d, 0, sizeof(*d));
	if (!iws_path(path, sizeof(path), "%s/state", ctx->domain) ||
	    iws_read_file(path, text, sizeof(text)) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "master %16s", a) == 1) {
			snprintf(d->master, sizeof(d->master), "%s", a);
		} else if (sscanf(line, "switch %16s %lld", a, &at) == 2) {
			snprintf(d->pending, sizeof(d->pending), "%s", a);
			d->switch_at = at;
		} else if (sscanf(line, "run %u", &u) == 1) {
			d->run = u;
		} else if (sscanf(line, "ws %16s %d", a, &lim) == 2 &&
			   d->nws < IWS_MAX_WS) {
			snprintf(d->ws[d->nws].name, IWS_WS_MAX + 1, "%s", a);
			d->ws[d->nws++].limit = lim;
		} else if (sscanf(line, "link %16s %16s", a, b) == 2) {
			iws_link_set(d, a, b, true);
		}
	}
	if (d->pending[0] != '\0' && iws_real_ms() >= d->switch_at) {
		memcpy(d->master, d->pending, sizeof(d->master));
		d->pending[0] = '\0';
	}
}

bool iws_domain_save(const struct iws_ctx *ctx, const struct iws_domain *d)
{
	char path[IWS_PATH_MAX], text[STATE_TEXT_MAX];
	size_t len = 0, i;

#define PUT(...) do { \
		int n_ = snprintf(text + len, sizeof(text) - len, __VA_ARGS__); \
		if (n_ < 0 || (size_t)n_ >= sizeof(text) - len) \
			return false; \
		len += (size_t)n_; \
	} while (0)
	PUT("domain %s\n", IWS_DOMAIN);
	if (d->master[0] != '\0')
		PUT("master %s\n", d->master);
	if (d->pending[0] != '\0')
		PUT("switch %s %lld\n", d->pending, d->switch_at);
	PUT("run %u\n", d->run);
	for (i = 0; i < d->nws; i++)
		PUT("ws %s %d\n", d->ws[i].name, d->ws[i].limit);
	for (i = 0; i < d->nlinks; i++)
		PUT("link %s %s\n", d->link[i][0], d->link[i][1]);
#undef PUT
	return iws_path(path, sizeof(path), "%s/state", ctx->domain) &&
	       iws_write_atomic(path, text, len);
}

static bool link_is(const struct iws_domain *d, size_t i, const char *a,
		    const char *b)
{
	return (strcasecmp(d->link[i][0], a) == 0 &&
		strcasecmp(d->link[i][1], b) == 0) ||
	       (strcasecmp(d->link[i][0], b) == 0 &&
		strcasecmp(d->link[i][1], a) == 0);
}

bool iws_linked(const struct iws_domain *d, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < d->nlinks; i++)
		if (link_is(d, i, a, b))
			return true;
	return false;
}

void iws_link_set(struct iws_domain *d, const char *a, const char *b, bool on)
{
	size_t i;

	if (strcasecmp(a, b) == 0)
		return;
	for (i = 0; i < d->nlinks; i++)
		if (link_is(d, i, a, b))
			break;
	if (on && i == d->nlinks && d->nlinks < IWS_MAX_LINKS) {
		snprintf(d->link[i][0], IWS_WS_MAX + 1, "%s", a);
		snprintf(d->link[i][1], IWS_WS_MAX + 1, "%s", b);
		d->nlinks++;
	} else if (!on && i < d->nlinks) {
		memmove(d->link[i], d->link[i + 1],
			(d->nlinks - i - 1) * sizeof(d->link[0]));
		d->nlinks--;
	}
}

/* ---- published status --------------------------------------------- */

static void status_alive(pid_t pid, const char *name, const char *arg,
			 void *data)
{
	struct iws_status *st = data;

	(void)pid;
	(void)arg;
	if (strcmp(name, "netman") == 0)
		st->netman = true;
	else if (strcmp(name, "mailman") == 0)
		st->mailman = true;
	else if (strcmp(name, "batchman") == 0)
		st->batchman = true;
	else if (strcmp(name, "jobman") == 0)
		st->jobman = true;
}

bool iws_status_publish(const struct iws_ctx *ctx)
{
	char dir[IWS_PATH_MAX], path[IWS_PATH_MAX], text[128];
	struct iws_status st;
	struct iws_plan plan;
	int n;

	memset(&st, 0, sizeof(st));
	iws_scan(ctx, status_alive, &st);	/* never sees the caller */
	if (strcmp(ctx->name, "netman") == 0)
		st.netman = true;
	if (iws_plan_local(ctx, &plan) == IWS_PLAN_OK)
		st.run = plan.run;
	n = snprintf(text, sizeof(text), "%lld %d %d %d %d %u\n", iws_real_ms(),
		     st.netman, st.mailman, st.batchman, st.jobman, st.run);
	return iws_path(dir, sizeof(dir), "%s/status", ctx->domain) &&
	       iws_mkdirs(dir) &&
	       iws_path(path, sizeof(path), "%s/%s", dir, ctx->ws) &&
	       iws_write_atomic(path, text, (size_t)n);
}

bool iws_status_read(const struct iws_ctx *ctx, const char *ws,
		     struct iws_status *st, bool *fresh)
{
	char path[IWS_PATH_MAX], text[128];
	int a, b, c, e;

	memset(st, 0, sizeof(*st));
	*fresh = false;
	if (!iws_path(path, sizeof(path), "%s/status/%s", ctx->domain, ws) ||
	    iws_read_file(path, text, sizeof(text)) < 0 ||
	    sscanf(text, "%lld %d %d %d %d %u", &st->at, &a, &b, &c, &e,
		   &st->run) != 6)
		return false;
	st->mailman = b;
	st->batchman = c;
	st->jobman = e;
	*fresh = iws_real_ms() - st->at < IWS_STALE_MS;
	st->netman = a && *fresh;
	return true;
}

void iws_status_remove(const struct iws_ctx *ctx, const char *ws)
{
	char path[IWS_PATH_MAX];

	if (iws_path(path, sizeof(path), "%s/status/%s", ctx->domain, ws))
		(void)unlink(path);
}

/* ---- Symphony ----------------------------------------------------- */
/*
 * A 32-byte header, little-endian as written by the host:
 *   0  8 bytes  magic "IWSSYMPH"
 *   8  u32      version (1)
 *  12  u32      run number
 *  16  u32      body length (the file is 32 + length bytes)
 *  20  u32      FNV-1a 32 checksum of the body
 *  24  u64      creation time (realtime seconds)
 * then the body: "job WS NAME DURATION_MS\n" lines.
 */

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int iws_plan_read(const char *path, struct iws_plan *plan)
{
	static unsigned char buf[IWS_SYM_HEADER + IWS_SYM_BODY_MAX + 2];
	char body[IWS_SYM_BODY_MAX + 1], *line, *save = NULL;
	struct iws_planjob *j;
	uint64_t created;
	ssize_t n, len = 0;
	uint32_t blen;
	int fd;

	memset(plan, 0, sizeof(*plan));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return IWS_PLAN_ABSENT;
	while ((size_t)len < sizeof(buf) &&
	       (n = read(fd, buf + len, sizeof(buf) - (size_t)len)) > 0)
		len += n;
	close(fd);
	if (len < IWS_SYM_HEADER || memcmp(buf, IWS_SYM_MAGIC, 8) != 0 ||
	    get32(buf + 8) != 1)
		return IWS_PLAN_CORRUPT;
	blen = get32(buf + 16);
	if (blen > IWS_SYM_BODY_MAX || (size_t)len != IWS_SYM_HEADER + blen ||
	    fnv1a(buf + IWS_SYM_HEADER, blen) != get32(buf + 20))
		return IWS_PLAN_CORRUPT;
	plan->run = get32(buf + 12);
	memcpy(&created, buf + 24, sizeof(created));
	plan->created = (long long)created;
	memcpy(body, buf + IWS_SYM_HEADER, blen);
	body[blen] = '\0';
	for (line = strtok_r(body, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (plan->njobs == IWS_MAX_JOBS)
			break;
		j = &plan->job[plan->njobs];
		if (sscanf(line, "job %16s %16s %ld", j->ws, j->name, &j->ms) == 3)
			plan->njobs++;
	}
	return IWS_PLAN_OK;
}

bool iws_plan_write(const char *path, const struct iws_plan *plan)
{
	static unsigned char buf[IWS_SYM_HEADER + IWS_SYM_BODY_MAX];
	char *body = (char *)buf + IWS_SYM_HEADER;
	uint32_t v;
	uint64_t created = (uint64_t)plan->created;
	size_t len = 0, i;
	int n;

	for (i = 0; i < plan->njobs; i++) {
		n = snprintf(body + len, IWS_SYM_BODY_MAX - len, "job %s %s %ld\n",
			     plan->job[i].ws, plan->job[i].name, plan->job[i].ms);
		if (n < 0 || (size_t)n >= IWS_SYM_BODY_MAX - len)
			return false;
		len += (size_t)n;
	}
	memcpy(buf, IWS_SYM_MAGIC, 8);
	v = 1;
	memcpy(buf + 8, &v, 4);
	v = plan->run;
	memcpy(buf + 12, &v, 4);
	v = (uint32_t)len;
	memcpy(buf + 16, &v, 4);
	v = fnv1a(buf + IWS_SYM_HEADER, len);
	memcpy(buf + 20, &v, 4);
	memcpy(buf + 24, &created, 8);
	return iws_write_atomic(path, buf, IWS_SYM_HEADER + len);
}

bool iws_symphony_path(const struct iws_ctx *ctx, char *buf, size_t size)
{
	return ctx->home[0] != '\0' &&
	       iws_path(buf, size, "%s/TWS/Symphony", ctx->home);
}

int iws_plan_local(const struct iws_ctx *ctx, struct iws_plan *plan)
{
	char path[IWS_PATH_MAX];
	int r;

	if (!iws_symphony_path(ctx, path, sizeof(path)))
		return IWS_PLAN_ABSENT;
	r = iws_plan_read(path, plan);
	if (r == IWS_PLAN_OK && iws_inject_flag(ctx, "Symphony.corrupt"))
		return IWS_PLAN_CORRUPT;
	return r;
}

bool iws_copy_file(const char *from, const char *to)
{
	static char buf[IWS_SYM_HEADER + IWS_SYM_BODY_MAX + 65536];
	size_t len = 0;
	ssize_t n;
	int fd = open(from, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len == sizeof(buf))
		return false;
	return iws_write_atomic(to, buf, len);
}

/* ---- the job table ------------------------------------------------ */

static const char *const jstate_names[] = {
	"READY", "INTRO", "EXEC", "SUCC", "ABEND"
};

const char *iws_jstate_name(enum iws_jstate s)
{
	return jstate_names[s];
}

int iws_jobs_lock(const struct iws_ctx *ctx)
{
	char path[IWS_PATH_MAX];
	int fd;

	if (!iws_path(path, sizeof(path), "%s/TWS/emu", ctx->home) ||
	    !iws_mkdirs(path) ||
	    !iws_path(path, sizeof(path), "%s/TWS/emu/jobs.lock", ctx->home))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void iws_jobs_load(const struct iws_ctx *ctx, struct iws_jobs *js)
{
	char path[IWS_PATH_MAX], text[8192], st[16], *line, *save = NULL;
	struct iws_job *j;
	int pid;
	size_t k;

	memset(js, 0, sizeof(*js));
	if (!iws_path(path, sizeof(path), "%s/TWS/emu/jobs", ctx->home) ||
	    iws_read_file(path, text, sizeof(text)) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		j = &js->j[js->n];
		if (sscanf(line, "run %u", &js->run) == 1 || js->n == IWS_MAX_JOBS)
			continue;
		if (sscanf(line, "%16s %15s %ld %d %lld", j->name, st, &j->ms,
			   &pid, &j->started) != 5)
			continue;
		j->pid = (pid_t)pid;
		for (k = 0; k < 5; k++)
			if (strcmp(st, jstate_names[k]) == 0)
				j->state = (enum iws_jstate)k;
		js->n++;
	}
}

bool iws_jobs_save(const struct iws_ctx *ctx, const struct iws_jobs *js)
{
	char path[IWS_PATH_MAX], text[8192];
	size_t len, i;
	int n;

	n = snprintf(text, sizeof(text), "run %u\n", js->run);
	len = (size_t)n;
	for (i = 0; i < js->n; i++) {
		n = snprintf(text + len, sizeof(text) - len, "%s %s %ld %d %lld\n",
			     js->j[i].name, jstate_names[js->j[i].state],
			     js->j[i].ms, (int)js->j[i].pid, js->j[i].started);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			return false;
		len += (size_t)n;
	}
	return iws_path(path, sizeof(path), "%s/TWS/emu/jobs", ctx->home) &&
	       iws_write_atomic(path, text, len);
}
