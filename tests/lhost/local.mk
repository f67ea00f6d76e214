# Tests of the lhost command: validation, the CIB it generates (crm_verify,
# cibadmin, crm_simulate), and real members run in a network namespace (root).
lh_lhost_tests = tests/lhost/usage.sh tests/lhost/engine.sh tests/lhost/cib.sh
TESTS += $(lh_lhost_tests)
dist_check_SCRIPTS += $(lh_lhost_tests)
EXTRA_DIST += tests/lhost/lib.sh
