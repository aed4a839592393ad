# Enforcement supervision (oversight.proto): the campaign rules on their own
# (validation, the seeded draw, scoring, the summary figures; no server), and
# OversightService end to end through TestDistrict and the real client.
caselink_add_plain_test(campaign_rules_test SOURCES campaign_rules_test.cc
  LIBS caselink_workflow LABELS unit oversight)
caselink_add_test(oversight_e2e_test SOURCES oversight_e2e_test.cc LABELS e2e oversight)
# The inspection team's links to the sampled cases, and their back-fill for
# samples stored without them (real RocksDB, no server).
caselink_add_test(inspection_links_test SOURCES inspection_links_test.cc LABELS unit oversight)
