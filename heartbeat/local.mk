# The provider tree as installed, and its conformance checks against the real
# OCF schema, ocf-tester and crm_resource.
TESTS += heartbeat/conformance.sh
dist_check_SCRIPTS += heartbeat/conformance.sh
