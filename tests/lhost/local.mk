# Tests of the lhost command: validation, the CIB it generates (crm_verify,
# cibadmin, crm_simulate), real members run in a network namespace (root), and
# the journal's merge and show.
lh_lhost_tests = tests/lhost/usage.sh tests/lhost/engine.sh tests/lhost/cib.sh \
	tests/lhost/journal.sh tests/lhost/quiesce.sh
TESTS += $(lh_lhost_tests)
dist_check_SCRIPTS += $(lh_lhost_tests)
EXTRA_DIST += tests/lhost/lib.sh
