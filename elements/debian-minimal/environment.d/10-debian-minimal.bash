export DISTRO_NAME=debian
export DIB_RELEASE=${DIB_RELEASE:-bookworm}
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-http://deb.debian.org/debian}
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
export DIB_ROOTFS_EXTRA_SUITES=${DIB_ROOTFS_EXTRA_SUITES-${DIB_RELEASE}-updates}
# Security updates live in their own archive. DIB points at http://security.debian.org/ with the
# suite "<release>/updates", which no longer exists since bullseye (apt-get update fails on it);
# here the suite is "<release>-security" below /debian-security. testing and unstable have none.
export DIB_DEBIAN_SECURITY_MIRROR=${DIB_DEBIAN_SECURITY_MIRROR:-http://security.debian.org/debian-security}
if [ -n "${DIB_DEBIAN_SECURITY_SUBPATH:-}" ]; then
  # DIB's own knob (e.g. "-security"), kept for configurations written for DIB
  _security_suite=$DIB_RELEASE$DIB_DEBIAN_SECURITY_SUBPATH
else
  case "$DIB_RELEASE" in
    testing | unstable | sid) _security_suite= ;;
    jessie | stretch | buster) _security_suite=$DIB_RELEASE/updates ;;
    *) _security_suite=$DIB_RELEASE-security ;;
  esac
fi
export DIB_DEBIAN_SECURITY_SUITE=${DIB_DEBIAN_SECURITY_SUITE-$_security_suite}
unset _security_suite
if [ -n "$DIB_DEBIAN_SECURITY_SUITE" ]; then
  export DIB_ROOTFS_EXTRA_SOURCES=${DIB_ROOTFS_EXTRA_SOURCES-$DIB_DEBIAN_SECURITY_MIRROR $DIB_DEBIAN_SECURITY_SUITE}
fi
export DIB_APT_KEYRING=${DIB_APT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
