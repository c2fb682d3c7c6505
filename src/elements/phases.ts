/**
 * DIB's ten phases in run order and the contract each one offers its hooks. This table generates
 * the phase table in docs/elements.md; a missing phase will not compile.
 */
export const PHASES = [
  'root.d',
  'extra-data.d',
  'pre-install.d',
  'install.d',
  'post-install.d',
  'post-root.d',
  'block-device.d',
  'pre-finalise.d',
  'finalise.d',
  'cleanup.d',
] as const;

export type Phase = (typeof PHASES)[number];

export interface PhaseContract {
  /** Whether the phase's hooks run inside the image's chroot. */
  inChroot: boolean;
  /** What the phase is for, in one line. */
  purpose: string;
  /** Variables the phase's hooks can rely on beyond the common set. */
  env: readonly string[];
}

const COMMON_OUTSIDE = ['TMP_MOUNT_PATH', 'TMP_HOOKS_PATH', 'TMP_BUILD_DIR', 'ARCH', 'IMAGE_ELEMENT'] as const;

export const PHASE_CONTRACT: Record<Phase, PhaseContract> = {
  'root.d': {
    inChroot: false,
    purpose: 'Create or adapt the initial root tree at $TARGET_ROOT (distro elements unpack the base tree here).',
    env: ['TARGET_ROOT', ...COMMON_OUTSIDE, 'DIB_RELEASE', 'DIB_IMAGE_CACHE'],
  },
  'extra-data.d': {
    inChroot: false,
    purpose: 'Copy data from the host into the tree (e.g. into $TMP_HOOKS_PATH, seen as /tmp/in_target.d in the chroot).',
    env: [...COMMON_OUTSIDE, 'DIB_IMAGE_CACHE'],
  },
  'pre-install.d': {
    inChroot: true,
    purpose: 'Prepare the chroot before packages are installed (repositories, apt configuration).',
    env: ['DIB_RELEASE', 'ARCH', 'DISTRO_NAME'],
  },
  'install.d': {
    inChroot: true,
    purpose: 'Install packages and software in the chroot.',
    env: ['DIB_RELEASE', 'ARCH', 'DISTRO_NAME'],
  },
  'post-install.d': {
    inChroot: true,
    purpose: 'Configure what was installed (services, users); runs after `-p` packages.',
    env: ['DIB_RELEASE', 'ARCH', 'DISTRO_NAME'],
  },
  'post-root.d': {
    inChroot: false,
    purpose: 'Inspect or adjust the finished root tree from the host.',
    env: [...COMMON_OUTSIDE],
  },
  'block-device.d': {
    inChroot: false,
    purpose: 'Adjust things before the block device is made (the disk itself comes from the block-device config; DIB\'s legacy `IMAGE_BLOCK_DEVICE=` output is refused with a clear error).',
    env: [...COMMON_OUTSIDE, 'DIB_IMAGE_SIZE'],
  },
  'pre-finalise.d': {
    inChroot: false,
    purpose: 'Work on the mounted image from the host before finalise.d.',
    env: [...COMMON_OUTSIDE, 'IMAGE_BLOCK_DEVICE', 'IMAGE_BLOCK_DEVICES', 'DIB_ROOT_LABEL', 'DIB_ROOT_FSTYPE'],
  },
  'finalise.d': {
    inChroot: true,
    purpose: 'Final configuration in the chroot of the mounted image: bootloader, kernel command line, fstab.',
    env: ['IMAGE_BLOCK_DEVICE', 'IMAGE_BLOCK_DEVICES', 'DIB_ROOT_LABEL', 'DIB_ROOT_FSTYPE', 'DIB_BOOT_LABEL'],
  },
  'cleanup.d': {
    inChroot: false,
    purpose: 'Clean up the tree from the host before it is unmounted and written out.',
    env: ['TARGET_ROOT', ...COMMON_OUTSIDE],
  },
};

export function isPhase(name: string): name is Phase {
  return (PHASES as readonly string[]).includes(name);
}
