/* lhost/log.h - logging in resource-agents' conventions.
 *
 * Three channels stay apart: stdout carries only meta-data and validate-all output;
 * stderr carries the one `ocf-exit-reason:` line (and, by hand, the explanation of
 * each step); logs go to syslog, tagged `agent(resource)[pid]`, with the facility
 * named by HA_LOGFACILITY ("none" turns syslog off) and debug messages only with
 * HA_debug=1; when HA_LOGFILE names a file, every line is appended to it too, as
 * resource-agents' ocf_log does. By hand (a terminal, or --verbose), warnings and debug lines are
 * copied to stderr too; the rest is already said by the action's explanation.
 *
 * Why not libqb's logging: loading libqb (and the libsystemd it pulls in) costs about
 * 1 M instructions, two and a half times a whole monitor's budget; syslog(3) is in
 * libc, which every process has already paid for.
 */
#ifndef LHOST_LOG_H
#define LHOST_LOG_H

#include <glib.h>
#include <syslog.h>

G_BEGIN_DECLS

/* Reads HA_LOGFACILITY and HA_debug; @tag is "jp1base(rsc_jp1base)". */
void lh_log_open(const char *tag, gboolean to_stderr);
void lh_log_close(void);

/* @priority: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
void lh_log(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define lh_err(...) lh_log(LOG_ERR, __VA_ARGS__)
#define lh_warn(...) lh_log(LOG_WARNING, __VA_ARGS__)
#define lh_info(...) lh_log(LOG_INFO, __VA_ARGS__)
#define lh_debug(...) lh_log(LOG_DEBUG, __VA_ARGS__)

/* The syslog facility HA_LOGFACILITY names: LOG_DAEMON when it is unset (as
 * resource-agents), -1 for "none" or an unknown name (no syslog). */
int lh_log_env_facility(void);

/* The syslog facility for a name ("daemon", "local0".."local7", "user", ...);
 * -1 for "none" or an unknown name. */
int lh_log_facility(const char *name);

G_END_DECLS

#endif
