export DISTRO_NAME=ubuntu
export DIB_RELEASE=${DIB_RELEASE:-noble}
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-http://archive.ubuntu.com/ubuntu}
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main,universe}
export DIB_ROOTFS_EXTRA_SUITES=${DIB_ROOTFS_EXTRA_SUITES-${DIB_RELEASE}-updates,${DIB_RELEASE}-security}
# The trust anchor is pinned: the keyring shipped in this element must hold exactly this key
# (Ubuntu Archive Automatic Signing Key (2018) <ftpmaster@ubuntu.com>).
export DIB_APT_KEYRING=${DIB_APT_KEYRING:-${TMP_HOOKS_PATH:-/tmp/in_target.d}/keys/ubuntu-archive-2018.gpg}
export DIB_APT_KEYRING_FINGERPRINT=${DIB_APT_KEYRING_FINGERPRINT-F6ECB3762474EDA9D21B7022871920D1991BC93C}
# Ubuntu's minbase (Priority: required) has no apt: ask for it.
export DIB_ROOTFS_INCLUDE=${DIB_ROOTFS_INCLUDE-apt}
# The kernel package (DIB's variable). DIB defaults to linux-image-generic, which pulls in
# linux-firmware (hundreds of MB a VM does not need); tsdib defaults to linux-image-virtual.
case "${ARCH:-amd64}" in
  arm64 | aarch64) _kernel=linux-image-generic ;;
  *) _kernel=linux-image-virtual ;;
esac
export DIB_UBUNTU_KERNEL=${DIB_UBUNTU_KERNEL:-$_kernel}
unset _kernel
case "$DIB_UBUNTU_KERNEL" in
  linux-image-virtual | linux-image-generic | linux-image-kvm) ;;
  *)
    echo "ubuntu-minimal: DIB_UBUNTU_KERNEL=$DIB_UBUNTU_KERNEL is not one of linux-image-virtual, linux-image-generic, linux-image-kvm" >&2
    return 1
    ;;
esac
