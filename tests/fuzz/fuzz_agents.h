/* fuzz_agents.h - the agents' own tables, for the targets that need them.
 *
 * Each agent file is compiled in whole, its main() renamed, so that a target sees
 * the very parameter, action and code-map tables the agents run with (they are
 * static there), not copies that could drift. Link with agents/jp1.c (the run
 * script's archive holds it). Each file's FIELD macro is its own: undefined after it.
 * iws is four files: its helpers (iws_conman.c, iws_node.c, iws_recovery.c) are
 * compiled in here too, after the agent file, so that the run script's archive
 * needs nothing of it. ctmplex is two files (ctmplex.c, then ctmplex_plex.c), the same way.
 */
#ifndef LHOST_FUZZ_AGENTS_H
#define LHOST_FUZZ_AGENTS_H

int fz_jp1base_main(int argc, char **argv);
int fz_jp1im_main(int argc, char **argv);
int fz_ajs3_main(int argc, char **argv);
int fz_iws_main(int argc, char **argv);
int fz_ctmplex_main(int argc, char **argv);

#define main fz_jp1base_main
#include "../../agents/jp1base.c"
#undef main
#undef FIELD

#define main fz_jp1im_main
#include "../../agents/jp1im.c"
#undef main
#undef FIELD

#define main fz_ajs3_main
#include "../../agents/ajs3.c"
#undef main
#undef FIELD

#define main fz_iws_main
#include "../../agents/iws.c"
#undef main
#undef FIELD
#include "../../agents/iws_conman.c"
#include "../../agents/iws_node.c"
#include "../../agents/iws_recovery.c"

/* Static helpers of the same name as iws's, renamed for this translation unit. */
#define main fz_ctmplex_main
#define promote_here ctmplex_promote_here
#define demote_here ctmplex_demote_here
#include "../../agents/ctmplex.c"
#undef main
#undef promote_here
#undef demote_here
#undef FIELD
#include "../../agents/ctmplex_plex.c"

#endif
