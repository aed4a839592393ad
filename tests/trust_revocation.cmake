# Issue 13, items 10 and 11 (Backup): revocation fails closed (every client CA
# needs a current CRL; stale CRLs warned about, then refused; revocation
# checked on every call; a certificate naming two agencies refused) and
# AdminService.Backup confined to admin.backup_dir.
caselink_add_test(revocation_unit_test SOURCES revocation_unit_test.cc LABELS unit authz)
caselink_add_test(e2e_revocation_test SOURCES e2e_revocation_test.cc LABELS e2e tls authz threads LIBS PkgConfig::HTTPLIB caselink_storage)
caselink_add_test(e2e_backup_dir_test SOURCES e2e_backup_dir_test.cc LABELS e2e ops)
foreach(t e2e_revocation_test e2e_backup_dir_test)
  target_compile_definitions(${t} PRIVATE CASELINKD_PATH="$<TARGET_FILE:caselinkd>")
  add_dependencies(${t} caselinkd)
endforeach()
