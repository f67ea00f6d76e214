# The JP1 emulator: one multi-call program, libc only (its status command is the
# cost floor of the monitor benchmarks, so it must be as lean as a vendor binary),
# and a bin/ folder of links named after every command and process it plays.
noinst_PROGRAMS += tests/emulators/jp1emu
tests_emulators_jp1emu_SOURCES = \
	tests/emulators/jp1emu.c tests/emulators/jp1emu.h tests/emulators/emu_cmds.c \
	tests/emulators/emu_daemon.c tests/emulators/emu_env.c tests/emulators/emu_inject.c \
	tests/emulators/emu_proc.c tests/emulators/emu_state.c
tests_emulators_jp1emu_CFLAGS = -std=gnu11 -O2 $(LH_WARN_CFLAGS)
tests_emulators_jp1emu_LDFLAGS =
dist_noinst_SCRIPTS += tests/emulators/mkbin.sh
# The fixture's own self-test (plain exit status): an emulator that drifts from
# PRODUCTS.md would make every agent test prove the wrong thing.
TESTS += tests/emulators/selftest
dist_check_SCRIPTS += tests/emulators/selftest
EXTRA_DIST += tests/emulators/README

all-local: tests/emulators/bin/.stamp
tests/emulators/bin/.stamp: tests/emulators/jp1emu $(srcdir)/tests/emulators/mkbin.sh
	$(AM_V_GEN)$(SHELL) $(srcdir)/tests/emulators/mkbin.sh tests/emulators/bin ../jp1emu && touch $@
clean-local: clean-emulator-bin
clean-emulator-bin:
	rm -rf tests/emulators/bin
.PHONY: clean-emulator-bin
# The IWS emulator: a second multi-call program (libc only, nothing shared with
# jp1emu); `iwsemu setup` links it into each emulated TWA_home/TWS/bin.
noinst_PROGRAMS += tests/emulators/iwsemu
tests_emulators_iwsemu_SOURCES = \
	tests/emulators/iwsemu.h tests/emulators/iws_main.c tests/emulators/iws_state.c \
	tests/emulators/iws_proc.c tests/emulators/iws_conman.c
tests_emulators_iwsemu_CFLAGS = -std=gnu11 -O2 $(LH_WARN_CFLAGS)
tests_emulators_iwsemu_LDFLAGS =
TESTS += tests/emulators/iws-selftest
dist_check_SCRIPTS += tests/emulators/iws-selftest
EXTRA_DIST += tests/emulators/README.iws
# The Control-M CTMPLEX emulator: a third multi-call program (libc only,
# nothing shared with the others); `ctmemu setup` links it into each
# emulated HOME/ctm_server/exe.
noinst_PROGRAMS += tests/emulators/ctmemu
tests_emulators_ctmemu_SOURCES = \
	tests/emulators/ctmemu.h tests/emulators/ctm_main.c tests/emulators/ctm_util.c \
	tests/emulators/ctm_plex.c tests/emulators/ctm_proc.c tests/emulators/ctm_cmds.c
tests_emulators_ctmemu_CFLAGS = -std=gnu11 -O2 $(LH_WARN_CFLAGS)
tests_emulators_ctmemu_LDFLAGS =
TESTS += tests/emulators/ctm-selftest
dist_check_SCRIPTS += tests/emulators/ctm-selftest
EXTRA_DIST += tests/emulators/README.ctm
