# Operations (issue 9): metrics and admin stats, online backup and restore,
# revocation with no downtime, certificate expiry.
caselink_add_test(metrics_exposition_test SOURCES metrics_exposition_test.cc LABELS unit ops)
caselink_add_test(e2e_metrics_test SOURCES e2e_metrics_test.cc LABELS e2e ops LIBS PkgConfig::HTTPLIB)
caselink_add_test(e2e_backup_test SOURCES e2e_backup_test.cc LABELS e2e ops threads)
caselink_add_test(e2e_revoke_test SOURCES e2e_revoke_test.cc LABELS e2e ops tls threads)
foreach(t e2e_backup_test e2e_revoke_test e2e_metrics_test)
  target_compile_definitions(${t} PRIVATE CASELINKD_PATH="$<TARGET_FILE:caselinkd>"
                                          CASELINK_CLI_PATH="$<TARGET_FILE:caselink>"
                                          CASELINK_ADMIN_PATH="$<TARGET_FILE:caselink-admin>")
  add_dependencies(${t} caselinkd caselink caselink-admin)
endforeach()
# The Debian package installs and starts (scripts/package-test.sh). It
# installs a package system-wide, so it runs only with the slow label, on
# throwaway CI machines.
add_test(NAME package_deb_installs_and_starts COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/package-test.sh)
set_tests_properties(package_deb_installs_and_starts PROPERTIES LABELS "slow;package" TIMEOUT 3600)
