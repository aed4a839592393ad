# What `cmake --install` lays out beyond the targets (caselinkd in sbin,
# caselink in bin, the client library, headers and CMake package): the
# systemd unit, example configuration and PKI script, the operator's docs;
# and the Debian package (`cpack -G DEB`, see scripts/package-test.sh).
# Configuration goes to /etc only through the package's postinst (first
# installation), so an install into any prefix stays inside it.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/caselinkd.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/server.textproto
              ${PROJECT_SOURCE_DIR}/certs-example/policy.textproto
              ${PROJECT_SOURCE_DIR}/config/working-calendar.textproto
              ${PROJECT_SOURCE_DIR}/config/screening-rules.textproto
        DESTINATION ${CMAKE_INSTALL_DATADIR}/caselink/examples)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/certs-example/make-certs.sh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/caselink)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/authorization.md
              ${PROJECT_SOURCE_DIR}/docs/audit.md ${PROJECT_SOURCE_DIR}/docs/integration.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME caselink)
set(CPACK_PACKAGE_VENDOR "caselink")
set(CPACK_PACKAGE_CONTACT "caselink operators <caselink@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "district case-sharing platform: mutual-TLS gRPC server over RocksDB, CLI and C++ client library")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries (dpkg-shlibdeps, from dpkg-dev);
# the rest is what the maintainer scripts run.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, openssl, bash")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
