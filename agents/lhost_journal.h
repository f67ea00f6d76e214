/* lhost_journal.h - `lhost journal`: the decision journal's commands of the lhost
 * command (lhost-journal(5)), kept apart from the logical-host commands of lhost.c.
 */
#ifndef LHOST_AGENTS_LHOST_JOURNAL_H
#define LHOST_AGENTS_LHOST_JOURNAL_H

/* `lhost journal merge|show ...`: @argv[0] is "journal". Its exit code:
 * lhost/jmerge.h's lh_jmerge_code (0 complete, 1 incomplete or damaged lines
 * skipped, 2 usage, 3 a rule broken, 4 I/O). */
int lhost_journal_main(int argc, char **argv);

/* `lhost timeline MERGED [-o FILE.svg]`: @argv[0] is "timeline". Its exit code:
 * lhost/jtimeline.h's lh_jtimeline_code (0 drawn, 2 usage, 3 not a merged journal,
 * 4 I/O). */
int lhost_timeline_main(int argc, char **argv);

#endif
