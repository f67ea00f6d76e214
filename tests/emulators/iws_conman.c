/*
 * iws_conman.c - conman, StartUp and JnextPlan of the IWS emulator.
 *
 * conman "cmd[&cmd...]" (or the words of one command as separate
 * arguments). Commands are case-insensitive and abbreviable (see
 * README.iws). Message ids: AWSBHU001E, AWSBHU118W, AWSBHU120I as in
 * PRODUCTS.md; IWSEMU1xxE for the errors PRODUCTS.md does not name. Exit
 * status [guess]: 0 if no command printed an E message, 1 otherwise.
 */
#define _GNU_SOURCE
#include "iwsemu.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_FIELDS 4
#define LINE_MAX_ 1024

enum verb { V_BAD, V_START, V_STOP, V_SHUT, V_LINK, V_UNLINK, V_SWITCH,
	    V_LIMIT, V_LC, V_SC, V_SJ };

static const struct {
	const char *name;
	size_t min;		/* shortest accepted abbreviation */
	enum verb verb;
	bool plan;		/* reads the Symphony */
} verbs[] = {
	{ "start", 4, V_START, true }, { "stop", 4, V_STOP, false },
	{ "shutdown", 4, V_SHUT, false }, { "link", 3, V_LINK, false },
	{ "unlink", 3, V_UNLINK, false }, { "switchmgr", 7, V_SWITCH, true },
	{ "limit", 3, V_LIMIT, true }, { "lc", 2, V_LC, true },
	{ "showcpus", 5, V_SC, true }, { "sc", 2, V_SC, true },
	{ "showjobs", 5, V_SJ, true }, { "sj", 2, V_SJ, true },
};

struct cmd {
	char text[LINE_MAX_];
	enum verb verb;
	bool plan;
	size_t nf;
	char f[MAX_FIELDS][128];	/* the argument split at ';' */
};

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && strchr(" \t", s[n - 1]) != NULL)
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

static void parse_cmd(struct cmd *c)
{
	char word[32], rest[LINE_MAX_], *field, *save = NULL;
	size_t n = strcspn(c->text, " ;"), i;

	c->verb = V_BAD;
	c->plan = false;
	c->nf = 0;
	if (n == 0 || n >= sizeof(word))
		return;
	memcpy(word, c->text, n);
	word[n] = '\0';
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (n >= verbs[i].min && n <= strlen(verbs[i].name) &&
		    strncasecmp(word, verbs[i].name, n) == 0) {
			c->verb = verbs[i].verb;
			c->plan = verbs[i].plan;
			break;
		}
	snprintf(rest, sizeof(rest), "%s", c->text + n);
	trim(rest);
	/* strsep keeps empty fields: "stop;wait" -> "", "wait" */
	field = rest;
	while ((save = strsep(&field, ";")) != NULL && c->nf < MAX_FIELDS) {
		snprintf(c->f[c->nf], sizeof(c->f[0]), "%s", save);
		trim(c->f[c->nf++]);
	}
	if (c->nf == 1 && c->f[0][0] == '\0')
		c->nf = 0;
}

static bool has_opt(const struct cmd *c, const char *opt)
{
	size_t i;

	for (i = 1; i < c->nf; i++)
		if (strcasecmp(c->f[i], opt) == 0)
			return true;
	return false;
}

static int err(const char *id, const char *fmt, ...) IWS_PRINTF(2, 3);

/* Prints "ID text" (an error message) and returns 1. */
static int err(const char *id, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 1;
}

static bool known_ws(const struct iws_domain *d, const char *ws)
{
	size_t i;

	for (i = 0; i < d->nws; i++)
		if (strcasecmp(d->ws[i].name, ws) == 0)
			return true;
	return false;
}

/* ---- start, stop, shut -------------------------------------------- */

static int do_start(const struct iws_ctx *ctx)
{
	long long end = iws_now_ms() + 2000;

	if (iws_find(ctx, "netman", NULL) == 0)
		return err("IWSEMU101E", "netman is not running on %s: run StartUp",
			   ctx->ws);
	if (iws_find(ctx, "mailman", NULL) != 0)
		return 0;
	if (iws_spawn(ctx, "mailman", NULL, true) < 0)
		return err("IWSEMU109E", "cannot start mailman on %s", ctx->ws);
	while (iws_find(ctx, "mailman", NULL) == 0 && iws_now_ms() < end)
		iws_sleep_ms(5);
	return 0;
}

struct sig {
	bool shut;
	size_t n;
};

static void stop_one(pid_t pid, const char *name, const char *arg, void *data)
{
	struct sig *s = data;

	(void)arg;
	if (strcmp(name, "mailman") == 0 || strcmp(name, "batchman") == 0 ||
	    strcmp(name, "jobman") == 0 ||
	    (s->shut && (strcmp(name, "netman") == 0 ||
			 strcmp(name, "writer") == 0))) {
		s->n++;
		(void)kill(pid, SIGTERM);
	}
}

static void count_one(pid_t pid, const char *name, const char *arg, void *data)
{
	struct sig *s = data;

	(void)pid;
	(void)arg;
	if (strcmp(name, "mailman") == 0 || strcmp(name, "batchman") == 0 ||
	    strcmp(name, "jobman") == 0 ||
	    (s->shut && (strcmp(name, "netman") == 0 ||
			 strcmp(name, "writer") == 0)))
		s->n++;
}

/* stop / shut [WS|@][;wait]: this workstation only. */
static int do_stop(const struct iws_ctx *ctx, const struct cmd *c, bool shut)
{
	struct sig s = { shut, 0 };

	if (c->nf > 0 && c->f[0][0] != '\0' && strcmp(c->f[0], "@") != 0 &&
	    strcasecmp(c->f[0], ctx->ws) != 0)
		return err("IWSEMU106E", "%s: only this workstation can be "
			   "stopped here", c->f[0]);
	iws_scan(ctx, stop_one, &s);
	if (!has_opt(c, "wait"))
		return 0;
	do {
		s.n = 0;
		iws_scan(ctx, count_one, &s);
		if (s.n > 0)
			iws_sleep_ms(10);
	} while (s.n > 0);
	if (!shut)
		return 0;
	iws_status_remove(ctx, ctx->ws);	/* netman is gone: stale at once */
	return 0;
}

/* ---- link, unlink, switchmgr, limit ------------------------------- */

static int do_link(const struct iws_ctx *ctx, const struct cmd *c, bool on)
{
	struct iws_domain d;
	const char *target = c->nf > 0 ? c->f[0] : "";
	size_t i;
	int fd;

	if (target[0] == '\0')
		return err("IWSEMU100E", "%s: a workstation or @ is required",
			   on ? "link" : "unlink");
	if ((fd = iws_domain_lock(ctx)) < 0)
		return err("IWSEMU108E", "cannot lock the domain state in %s",
			   ctx->domain);
	iws_domain_load(ctx, &d);
	if (strcmp(target, "@") != 0 && !known_ws(&d, target)) {
		iws_domain_unlock(fd);
		return err("IWSEMU102E", "workstation %s is not in the domain",
			   target);
	}
	for (i = 0; i < d.nws; i++)
		if (strcmp(target, "@") == 0 ||
		    strcasecmp(target, d.ws[i].name) == 0)
			iws_link_set(&d, ctx->ws, d.ws[i].name, on);
	(void)iws_domain_save(ctx, &d);
	iws_domain_unlock(fd);
	return 0;
}

static int do_switch(const struct iws_ctx *ctx, const struct cmd *c)
{
	struct iws_domain d;
	char neu[IWS_WS_MAX + 1];
	int fd;

	if (c->nf < 2 || c->f[1][0] == '\0')
		return err("IWSEMU100E", "%s", "switchmgr DOMAIN;NEWMGR");
	if (strcasecmp(c->f[0], IWS_DOMAIN) != 0)
		return err("IWSEMU104E", "domain %s does not exist", c->f[0]);
	if ((fd = iws_domain_lock(ctx)) < 0)
		return err("IWSEMU108E", "cannot lock the domain state in %s",
			   ctx->domain);
	iws_domain_load(ctx, &d);
	if (!known_ws(&d, c->f[1])) {
		iws_domain_unlock(fd);
		return err("IWSEMU102E", "workstation %s is not in the domain",
			   c->f[1]);
	}
	snprintf(neu, sizeof(neu), "%s", c->f[1]);
	iws_upcase(neu);
	if (strcmp(d.master, neu) == 0 && d.pending[0] == '\0') {
		iws_domain_unlock(fd);
		printf("AWSBHU118W Workstation %s is already the domain manager "
		       "of %s.\n", neu, IWS_DOMAIN);
		return 0;
	}
	if (strcmp(d.pending, neu) != 0) {
		snprintf(d.pending, sizeof(d.pending), "%s", neu);
		d.switch_at = iws_real_ms() + iws_scaled(ctx, ctx->settle_ms);
		if (strcmp(d.master, neu) == 0)	/* switching back: cancel */
			d.pending[0] = '\0';
		(void)iws_domain_save(ctx, &d);
	}
	iws_domain_unlock(fd);
	printf("AWSBHU120I Switch manager of domain %s to workstation %s "
	       "initiated.\n", IWS_DOMAIN, neu);
	return 0;
}

/* limit cpu=WS;N[;noask], or lc WS;N[;noask] */
static int do_limit(const struct iws_ctx *ctx, const struct cmd *c, bool lc)
{
	struct iws_domain d;
	struct iws_wsinfo *w;
	const char *ws = c->nf > 0 ? c->f[0] : "";
	long n;
	int fd;

	if (!lc) {
		if (strncasecmp(ws, "cpu=", 4) != 0)
			return err("IWSEMU100E", "%s", "limit cpu=WS;N[;noask]");
		ws += 4;
	}
	if (ws[0] == '\0')
		ws = ctx->ws;
	if (c->nf < 2 || !iws_parse_long(c->f[1], 0, 1024, &n) ||
	    (c->nf > 2 && !has_opt(c, "noask")))
		return err("IWSEMU103E", "%s", "the limit must be 0 to 1024");
	if ((fd = iws_domain_lock(ctx)) < 0)
		return err("IWSEMU108E", "cannot lock the domain state in %s",
			   ctx->domain);
	iws_domain_load(ctx, &d);
	if ((w = iws_domain_ws(&d, ws)) == NULL) {
		iws_domain_unlock(fd);
		return err("IWSEMU102E", "workstation %s is not in the domain", ws);
	}
	w->limit = (int)n;
	(void)iws_domain_save(ctx, &d);
	iws_domain_unlock(fd);
	return 0;
}

/* ---- showcpus, showjobs ------------------------------------------- */

/* MM/DD/YY and HH:MM, local time, as conman prints them. */
static void date_time(long long sec, char *date, char *tm)
{
	struct tm t;
	time_t s = (time_t)sec;

	localtime_r(&s, &t);
	snprintf(date, 16, "%02u/%02u/%02u", (unsigned)(t.tm_mon + 1) % 100u,
		 (unsigned)t.tm_mday % 100u, (unsigned)t.tm_year % 100u);
	snprintf(tm, 16, "%02u:%02u", (unsigned)t.tm_hour % 100u,
		 (unsigned)t.tm_min % 100u);
}

static int do_sc(const struct iws_ctx *ctx, const struct cmd *c,
		 const struct iws_plan *plan, bool have_plan)
{
	char date[16], tm[16], flags[8];
	struct iws_domain d;
	struct iws_status st;
	bool self, fresh, linked, netman, known;
	const char *sel = c->nf > 0 && c->f[0][0] != '\0' ? c->f[0] : "@";
	unsigned run;
	size_t i, f;

	iws_domain_load(ctx, &d);
	if (strcmp(sel, "@") != 0 && !known_ws(&d, sel))
		return err("IWSEMU102E", "workstation %s is not in the domain", sel);
	date_time(have_plan ? plan->created : iws_real_ms() / 1000, date, tm);
	netman = iws_find(ctx, "netman", NULL) != 0;
	printf("%-16s %5s %-11s %5s %5s %8s %5s %s\n", "CPUID", "RUN", "NODE",
	       "LIMIT", "FENCE", "DATE", "TIME", "STATE");
	for (i = 0; i < d.nws; i++) {
		if (strcmp(sel, "@") != 0 && strcasecmp(sel, d.ws[i].name) != 0)
			continue;
		self = strcasecmp(d.ws[i].name, ctx->ws) == 0;
		known = !self && iws_status_read(ctx, d.ws[i].name, &st, &fresh);
		linked = known && netman && st.netman &&
			 iws_linked(&d, ctx->ws, d.ws[i].name);
		f = 0;
		if (linked) {
			flags[f++] = 'L';
			flags[f++] = 'T';
		}
		if (self ? iws_find(ctx, "batchman", NULL) != 0 :
			   linked && st.batchman)
			flags[f++] = 'I';
		flags[f++] = ' ';
		if (self ? iws_find(ctx, "jobman", NULL) != 0 :
			   linked && st.jobman)
			flags[f++] = 'J';
		if (!self && iws_find(ctx, "writer", d.ws[i].name) != 0)
			flags[f++] = 'W';
		flags[f] = '\0';
		trim(flags);
		run = self ? (have_plan ? plan->run : 0) :
			     (known && fresh ? st.run : 0);
		printf("%-16s %5u %-11s %5d %5d %8s %5s%s%s\n", d.ws[i].name,
		       run, strcmp(d.ws[i].name, d.master) == 0 ? "UNIX MASTER" :
		       "UNIX FTA", d.ws[i].limit, 0, date, tm,
		       flags[0] != '\0' ? " " : "", flags);
	}
	return 0;
}

static int do_sj(const struct iws_ctx *ctx)
{
	char date[16], tm[16];
	struct iws_jobs js;
	size_t i;

	iws_jobs_load(ctx, &js);
	printf("%-16s %-16s %-16s %-6s %3s %5s %s\n", "CPU", "Schedule", "Job",
	       "State", "Pr", "Start", "Pid");
	for (i = 0; i < js.n; i++) {
		date_time(js.j[i].started / 1000, date, tm);
		printf("%-16s %-16s %-16s %-6s %3d %5s %d\n", ctx->ws, "DAILY",
		       js.j[i].name, iws_jstate_name(js.j[i].state), 10,
		       js.j[i].started > 0 ? tm : "", (int)js.j[i].pid);
	}
	return 0;
}

/* ---- conman ------------------------------------------------------- */

static bool no_install(const struct iws_ctx *ctx)
{
	if (ctx->ws[0] != '\0')
		return false;
	fprintf(stderr, "%s: no installation: run TWA_HOME/TWS/bin/%s or set "
		"IWSEMU_TWA_HOME (see iwsemu setup)\n", ctx->name, ctx->name);
	return true;
}

static void banner(const struct iws_ctx *ctx, const struct iws_plan *plan)
{
	char date[16], tm[16];
	struct iws_domain d;
	struct iws_wsinfo *w;

	iws_domain_load(ctx, &d);
	w = iws_domain_ws(&d, ctx->ws);
	date_time(plan->created, date, tm);
	printf("Scheduled for (Exp) %s (#%u) on %s.  Batchman %s.  Limit: %d, "
	       "Fence: 0, Audit Level: 0\n", date, plan->run, ctx->ws,
	       iws_find(ctx, "batchman", NULL) != 0 ? "LIVES" : "DOWN",
	       w != NULL ? w->limit : IWS_LIMIT_DEFAULT);
}

int iws_conman(const struct iws_ctx *ctx)
{
	static struct cmd cmds[MAX_CMDS];
	char line[LINE_MAX_], *part, *save = NULL;
	struct iws_plan plan;
	size_t n = 0, len = 0, i;
	int rc = 0, r, p;
	bool need_plan = false;

	if (no_install(ctx))
		return 1;
	if ((r = iws_inject_apply(ctx)) != IWS_CONTINUE)
		return r;
	line[0] = '\0';
	for (i = 0; i < (size_t)ctx->argc && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
					i > 0 ? " " : "", ctx->argv[i]);
	for (part = strtok_r(line, "&", &save); part != NULL && n < MAX_CMDS;
	     part = strtok_r(NULL, "&", &save)) {
		snprintf(cmds[n].text, sizeof(cmds[n].text), "%s", part);
		trim(cmds[n].text);
		if (cmds[n].text[0] == '\0')
			continue;
		parse_cmd(&cmds[n]);
		need_plan = need_plan || cmds[n].plan;
		n++;
	}
	p = iws_plan_local(ctx, &plan);
	if (need_plan && p == IWS_PLAN_CORRUPT) {
		printf("AWSBHU001E The Symphony file is corrupt or not valid.\n");
		return iws_finish(ctx, 1, "AWSBHU001E");
	}
	if (p == IWS_PLAN_OK)
		banner(ctx, &plan);
	for (i = 0; i < n; i++) {
		printf("%%%s\n", cmds[i].text);
		switch (cmds[i].verb) {
		case V_START: r = do_start(ctx); break;
		case V_STOP: r = do_stop(ctx, &cmds[i], false); break;
		case V_SHUT: r = do_stop(ctx, &cmds[i], true); break;
		case V_LINK: r = do_link(ctx, &cmds[i], true); break;
		case V_UNLINK: r = do_link(ctx, &cmds[i], false); break;
		case V_SWITCH: r = do_switch(ctx, &cmds[i]); break;
		case V_LIMIT: r = do_limit(ctx, &cmds[i], false); break;
		case V_LC: r = do_limit(ctx, &cmds[i], true); break;
		case V_SC: r = do_sc(ctx, &cmds[i], &plan, p == IWS_PLAN_OK); break;
		case V_SJ: r = do_sj(ctx); break;
		case V_BAD:
		default:
			r = err("IWSEMU100E", "unknown command or syntax error: %s",
				cmds[i].text);
			break;
		}
		if (r != 0)
			rc = 1;
		fflush(stdout);
	}
	if (n == 0)
		rc = err("IWSEMU100E", "%s", "no command (interactive mode is "
			 "not emulated)");
	return iws_finish(ctx, rc, NULL);
}

/* ---- StartUp, JnextPlan ------------------------------------------- */

int iws_startup(const struct iws_ctx *ctx)
{
	long long end = iws_now_ms() + 2000;
	int r;

	if (no_install(ctx))
		return 1;
	if ((r = iws_inject_apply(ctx)) != IWS_CONTINUE)
		return r;
	if (iws_find(ctx, "netman", NULL) != 0)
		return iws_finish(ctx, 0, "netman already running");
	if (iws_spawn(ctx, "netman", NULL, true) < 0)
		return iws_finish(ctx, 1, "cannot start netman");
	while (iws_find(ctx, "netman", NULL) == 0 && iws_now_ms() < end)
		iws_sleep_ms(5);
	return iws_finish(ctx, 0, NULL);
}

int iws_jnextplan(const struct iws_ctx *ctx)
{
	char sym[IWS_PATH_MAX], sinf[IWS_PATH_MAX];
	struct iws_domain d;
	struct iws_plan plan, old;
	struct iws_planjob *j;
	size_t i;
	long k;
	int fd, r;

	if (no_install(ctx))
		return 1;
	if ((r = iws_inject_apply(ctx)) != IWS_CONTINUE)
		return r;
	if ((fd = iws_domain_lock(ctx)) < 0)
		return iws_finish(ctx, 1, "cannot lock the domain state");
	iws_domain_load(ctx, &d);
	if (strcmp(d.master, ctx->ws) != 0) {
		iws_domain_unlock(fd);
		printf("IWSEMU105E %s is not the master domain manager\n", ctx->ws);
		return iws_finish(ctx, 1, "not the master");
	}
	memset(&plan, 0, sizeof(plan));
	plan.run = d.run + 1;
	if (iws_plan_local(ctx, &old) == IWS_PLAN_OK && old.run >= plan.run)
		plan.run = old.run + 1;
	plan.created = iws_real_ms() / 1000;
	for (i = 0; i < d.nws; i++)
		for (k = 1; k <= ctx->jobs && plan.njobs < IWS_MAX_JOBS; k++) {
			j = &plan.job[plan.njobs++];
			snprintf(j->ws, sizeof(j->ws), "%s", d.ws[i].name);
			snprintf(j->name, sizeof(j->name), "JOB%u", (unsigned)(k % 100));
			j->ms = ctx->job_ms;
		}
	d.run = plan.run;
	if (!iws_symphony_path(ctx, sym, sizeof(sym)) ||
	    !iws_path(sinf, sizeof(sinf), "%s/TWS/Sinfonia", ctx->home) ||
	    !iws_plan_write(sym, &plan) || !iws_copy_file(sym, sinf) ||
	    !iws_domain_save(ctx, &d)) {
		iws_domain_unlock(fd);
		return iws_finish(ctx, 1, "cannot write the plan");
	}
	iws_domain_unlock(fd);
	printf("JnextPlan: Symphony run %u, %zu jobs\n", plan.run, plan.njobs);
	return iws_finish(ctx, 0, NULL);
}
