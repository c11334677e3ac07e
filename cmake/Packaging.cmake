# The Debian package (issue 12): `cmake --build build --target package` writes
# build/everyvoice_<version>_amd64.deb with CPack's DEB generator. CPack rather than debian/ and
# dpkg-buildpackage because the build is already CMake's: the install() rules below are the one list
# of what goes where, and the .deb comes out of the same build folder as the tests. Dependencies are
# not written by hand: dpkg-shlibdeps (dpkg-dev) reads the stripped binary's ELF NEEDED entries and
# names the exact Debian library packages and versions it was linked against.
#
# The `package` target builds `all` first, as CMake always does: in a build folder configured with
# tests, that is every test too. For the package alone:
#   cmake -S . -B build -G Ninja -DEVERYVOICE_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
#   cmake --build build --target package
#
# Paths (the contract of issue 12; deploy/install.sh and the nginx helper rely on them):
#   /usr/bin/everyvoice                       the server (stripped)
#   /usr/share/everyvoice/client-web/         the web client (static-dir)
#   /etc/everyvoice/everyvoice.conf           the configuration, a conffile, 0640 root:everyvoice
#   /lib/systemd/system/everyvoice.service    the unit (user everyvoice, StateDirectory=everyvoice)
#   /var/lib/everyvoice/                      the data, made by postinst and by systemd; never removed

set(EVERYVOICE_DEB_DIR ${PROJECT_SOURCE_DIR}/deploy/debian)

# Relative destinations land under CPACK_PACKAGING_INSTALL_PREFIX (/usr) in the package; /etc and
# /lib/systemd are absolute so that the config is in /etc, not /usr/etc.
install(TARGETS everyvoice RUNTIME DESTINATION bin COMPONENT everyvoice)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/client-web/ DESTINATION share/everyvoice/client-web COMPONENT everyvoice)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/everyvoice COMPONENT everyvoice)
# 0640 here; postinst gives it the group everyvoice (dpkg-statoverride), so the service can read it
# and local users cannot read the create key.
install(FILES ${EVERYVOICE_DEB_DIR}/everyvoice.conf DESTINATION /etc/everyvoice
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT everyvoice)
install(FILES ${EVERYVOICE_DEB_DIR}/everyvoice.service DESTINATION /lib/systemd/system COMPONENT everyvoice)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME everyvoice)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "everyvoice")
set(CPACK_PACKAGE_CONTACT "everyvoice maintainers <maintainers@everyvoice.invalid>")  # placeholder: set the real one
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time meeting facilitation server where every voice counts")
# The extended description: CPack indents its lines for the control file.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "everyvoice runs meetings for groups that work by co-production: a fair speaking\n"
  "queue that says why each person is where they are, live equity figures for the\n"
  "facilitator, polls, consent rounds and a hash-chained decision record, and\n"
  "anonymous means anonymous. One process keeps many meetings in an embedded SQLite\n"
  "event log and serves the web client; put nginx with TLS in front of it\n"
  "(deploy/install.sh in the source does that).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the RelWithDebInfo binary is mostly debug info

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # everyvoice_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)     # libc6, libstdc++6, libsqlite3-0, libssl3, libqrcodegencpp1, liburing2
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")  # postinst makes the system user
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx, certbot")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${EVERYVOICE_DEB_DIR}/conffiles ${EVERYVOICE_DEB_DIR}/postinst ${EVERYVOICE_DEB_DIR}/prerm
    ${EVERYVOICE_DEB_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)  # maintainer scripts 0755, conffiles 0644

include(CPack)
