/* lhost_quiesce.h - `lhost quiesce` and `lhost resume`: a request broadcast to every
 * instance of a cloned resource through Pacemaker node attributes, and its
 * completion observed, never assumed (lhost(8), QUIESCE AND RESUME).
 */
#ifndef LHOST_AGENTS_LHOST_QUIESCE_H
#define LHOST_AGENTS_LHOST_QUIESCE_H

/* The exit codes of both commands. */
typedef enum lhost_quiesce_code {
    LHOST_QUIESCE_DONE = 0,      /* every node answered quiesced (resumed) */
    LHOST_QUIESCE_ERROR = 1,     /* nothing could be asked (no such resource, not in a
                                  * clone, an agent without quiesce, no cluster), or a
                                  * node answered "failed" */
    LHOST_QUIESCE_USAGE = 2,
    LHOST_QUIESCE_PENDING = 3,   /* the timeout passed with some node still pending */
    LHOST_QUIESCE_NO_ANSWER = 4, /* the timeout passed with some node silent (wins
                                  * over 3) */
} lhost_quiesce_code;

/* `lhost quiesce|resume RESOURCE [--timeout SECONDS] [--verbose]`: @argv[0] is
 * "quiesce" or "resume". Returns an lhost_quiesce_code. */
int lhost_quiesce_main(int argc, char **argv);

#endif
