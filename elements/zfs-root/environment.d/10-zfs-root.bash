# The dataset mounted as / in the image when the block-device config does not say otherwise
# (read by finalise.d/30-zfs-root-cmdline only as a fallback: the hook asks the mounted image first).
export DIB_ZFS_ROOT_DATASET=${DIB_ZFS_ROOT_DATASET:-ROOT/${DISTRO_NAME:-ubuntu}}
