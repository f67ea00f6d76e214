/* lhost_journal.h - `lhost journal`: the decision journal's commands of the lhost
 * command (lhost-journal(5)), kept apart from the logical-host commands of lhost.c.
 */
#ifndef LHOST_AGENTS_LHOST_JOURNAL_H
#define LHOST_AGENTS_LHOST_JOURNAL_H

/* `lhost journal merge|show ...`: @argv[0] is "journal". Its exit code:
 * lhost/jmerge.h's lh_jmerge_code (0 complete, 1 incomplete or damaged lines
 * skipped, 2 usage, 3 a rule broken, 4 I/O). */
int lhost_journal_main(int argc, char **argv);

#endif
