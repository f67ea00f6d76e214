# The provider tree as installed, and its conformance checks against the real
# OCF schema, ocf-tester and crm_resource.
TESTS += heartbeat/conformance.sh
dist_check_SCRIPTS += heartbeat/conformance.sh
# What admins see of the agents through pcs and crmsh, and the README's pcs lines.
TESTS += heartbeat/admin-tools.sh
dist_check_SCRIPTS += heartbeat/admin-tools.sh
