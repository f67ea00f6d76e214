/* jmerge_private.h - what the two passes of a journal merge share (lhost/jmerge.h):
 * jmerge.c and jmerge_scan.c validate and fill these structures, jmerge_write.c
 * writes from them.
 *
 * Memory is per file and per node, never per record: a jm_file keeps its SEQ range,
 * counts and the first LH_JMERGE_DAMAGED_LISTED damaged lines; a jm_node keeps its
 * files and, while writing, one reader and one record.
 */
#ifndef LHOST_JMERGE_PRIVATE_H
#define LHOST_JMERGE_PRIVATE_H

#include <lhost/jmerge.h>

/* A damaged line: where, and what the parser said. */
typedef struct jm_damage {
    goffset offset;
    char *why;
} jm_damage;

typedef struct jm_file {
    char *path;
    char *name;     /* its base name: what the output names */
    char *node;     /* of its first record; NULL while (or when) it holds none */
    guint64 first;  /* SEQ of its first and last records */
    guint64 last;
    guint64 records;
    guint64 included; /* records past what the prior holds: the ones written */
    guint64 first_included; /* SEQ of the first of those */
    guint64 damaged;  /* damaged lines */
    guint64 missing;  /* SEQ numbers missing where damaged lines were skipped */
    GArray *listed;   /* jm_damage: the first damaged lines */
    goffset torn_at;  /* a torn tail's offset, or -1 */
    goffset damage_before_first; /* a damaged line before its first record, or -1 */
    goffset damage_after_last;   /* ... after its last record (a torn tail too), or -1 */
    gint64 time_min;  /* of the included records */
    gint64 time_max;
    gint64 late_us;   /* how far an included record's TIME falls behind one before it */
    gboolean closed;  /* its last record is a rotate */
    gboolean merged;  /* it holds records of no node ("-"): a merged file */
    char *other_node; /* a second node's name, when it holds records of two */
    GPtrArray *broken; /* messages of the rules broken inside, until it is known
                        * to be one node's file (not a merged file) */
    guint64 violations;
} jm_file;

typedef struct jm_node {
    char *name;
    GPtrArray *files; /* jm_file * (borrowed from lh_jmerge.inputs), by first SEQ */
    gboolean in_prior;
    guint64 held;     /* the highest SEQ the prior holds; 0: none */
    /* what this merge includes */
    guint64 first;
    guint64 last;
    guint64 records;
    gint64 late_us;   /* how far a record's TIME falls behind one before it in SEQ */
    /* writing: the file being read, its line just read, and the records read
     * but not yet written (jmerge_write.c's held *, by TIME then SEQ) */
    guint at;
    lh_jreader *reader;
    lh_jline head;
    guint64 taken;    /* records taken from the file being read */
    GPtrArray *held_back; /* a binary heap (jmerge_write.c) */
    gint64 frontier_us; /* the newest TIME read */
    gboolean drained;   /* all read */
    gboolean partly;    /* the window overflowed: partly in SEQ order */
} jm_node;

struct lh_jmerge {
    lh_jmerge_report_fn report;
    gpointer report_data;
    GPtrArray *inputs; /* jm_file *, owned */
    GPtrArray *priors; /* char * paths */
    GPtrArray *nodes;  /* jm_node *, owned, by name */
    GPtrArray *orphans; /* jm_file * (borrowed) holding no record: no node's */
    GHashTable *prior_held; /* node name -> guint64 * (from the prior's summary) */
    char *prior_name;
    gint64 prior_time_us;
    gint64 newest_us; /* the newest included record's TIME: the summary's */
    guint64 summary_seq; /* the last summary record's SEQ */
    lh_jmerge_code code; /* the worst so far */
    gboolean ran;
};

/* Reports one problem and keeps @code as the merge's when it is worse. */
void lh__jmerge_problem(lh_jmerge *merge, lh_jmerge_code code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* The first pass (jmerge_scan.c): the prior's summary into prior_held; an input's
 * SEQ range, counts and damage into @file. Problems are reported. */
void lh__jmerge_read_prior(lh_jmerge *merge, const char *path);
void lh__jmerge_scan_file(lh_jmerge *merge, jm_file *file);

/* The second pass: the records in their total order, then the summary. */
lh_jmerge_code lh__jmerge_write(lh_jmerge *merge, FILE *out);

/* COMPLETE or INCOMPLETE for a node, and *why (the caller frees): a word, or words
 * joined by commas (lhost-journal(5)). */
lh_jmerge_code lh__jmerge_node_status(const jm_node *node, char **why);

#endif
