export DISTRO_NAME=debian
export DIB_RELEASE=${DIB_RELEASE:-bookworm}
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-http://deb.debian.org/debian}
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
export DIB_ROOTFS_EXTRA_SUITES=${DIB_ROOTFS_EXTRA_SUITES-${DIB_RELEASE}-updates}
export DIB_APT_KEYRING=${DIB_APT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
