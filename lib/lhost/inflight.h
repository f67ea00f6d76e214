/* lhost/inflight.h - the commands an agent has running, so that none outlives it.
 *
 * lh_run() makes each command the leader of a process group of its own: the
 * product's daemons, which leave that group, must survive an agent that dies. But
 * when pacemaker-execd SIGKILLs an agent (its timeout), it kills the agent's group,
 * not the command's: the command runs on, orphaned, until its own timeout, and may
 * start the product again behind the cluster's back. So, once lh_inflight_open() has
 * named the resource, lh_run() records each command's group in a file beside the
 * resource's state (HA_RSCTMP) before it waits for it, and removes the line once the
 * command is reaped; and the next action on the resource calls lh_inflight_reap(),
 * which ends every group whose recording agent is gone, and says so.
 *
 * A line is "LEADER LEADER_START OWNER OWNER_START ARGV0": a process is its pid and
 * its start time (lhost/proc.h), so a reused pid is never taken for the command or
 * for the agent. A group whose recording agent still runs (an admin's action at the
 * same time) is left alone. lh_agent_main() opens the record for every action but
 * monitor, meta-data and validate-all: a monitor's commands are short and bounded by
 * the agent's own deadline, and a monitor must stay cheap.
 */
#ifndef LHOST_INFLIGHT_H
#define LHOST_INFLIGHT_H

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Records this process's commands for @resource of @agent under @dir (NULL:
 * HA_RSCTMP, else /run/resource-agents). Until it is called nothing is recorded. */
void lh_inflight_open(const char *dir, const char *agent, const char *resource);
void lh_inflight_close(void);
/* The record's path, or NULL when closed. */
const char *lh_inflight_path(void);

/* lh_run()'s side: @leader started (its group), and reaped. */
void lh_inflight_add(pid_t leader, const char *argv0);
void lh_inflight_remove(pid_t leader);

/* Ends (SIGTERM, up to @grace_ms, then SIGKILL) every recorded group whose agent is
 * gone, and forgets it; a line per group ended goes to @report ("command group 123
 * (/opt/x/start) left by agent 456, which is gone: ended"). Returns how many. */
guint lh_inflight_reap(gint64 grace_ms, GString *report);

G_END_DECLS

#endif
