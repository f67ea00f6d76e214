# The watcher's core (lhost/watcher.h): recorded processes held by pidfds, the
# records directory followed with inotify, failures reported with crm_resource in
# the background. Built on libqb's loop and logging, so only lhost-watchd (and its
# unit test) links it: the agents stay glib-only and never load libqb.
noinst_LIBRARIES += lib/liblhost-watcher.a
lib_liblhost_watcher_a_SOURCES = lib/watcher/watcher.c lib/watcher/report.c lib/lhost/watcher.h
lib_liblhost_watcher_a_CFLAGS = $(AM_CFLAGS) $(LIBQB_CFLAGS)
# What a program built on the watcher links.
LHOST_WATCHER_LIBS = lib/liblhost-watcher.a lib/liblhost.a $(LIBQB_LIBS) $(GLIB_LIBS)
