# Man pages are generated from each agent's own tables (agent --man): the page and
# the parameter parsing cannot drift apart.
man7_MANS = man/ocf_lhost_jp1base.7 man/ocf_lhost_jp1im.7 man/ocf_lhost_ajs3.7 man/ocf_lhost_iws.7 man/ocf_lhost_ctmplex.7 man/ocf_lhost_watch.7
CLEANFILES += $(man7_MANS)

man/ocf_lhost_%.7: heartbeat/%
	$(AM_V_GEN)$(MKDIR_P) man && $(top_builddir)/heartbeat/$* --man > $@.tmp && mv $@.tmp $@

# lhost(8) is written by hand: the command's interface, its definition file and its
# exit codes (tests/lhost/usage.sh checks it renders cleanly and names every command).
dist_man8_MANS = man/lhost.8
# lhost-journal(5), by hand too: the journal's format, the merge's rules and
# summary, and the exit codes of lhost journal merge|show.
dist_man5_MANS = man/lhost-journal.5
# lhost-watchd(8), by hand too: the watcher daemon's options, records, logs, signals
# and exit codes (tests/agents/watch.sh checks it renders cleanly and names every
# option the daemon takes).
dist_man8_MANS += man/lhost-watchd.8
