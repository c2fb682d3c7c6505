// The offline fake-os build of the integration tests: the fixture elements (fake-os builds a tiny
// root from the host's binaries), a plain ext4 filesystem on the loop image, and an environment
// that keeps the build in the test's own directories.
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

/** test/fixtures/elements: fake-os, fault and the other test elements. */
export const FIXTURE_ELEMENTS = join(REPO_ROOT, 'test', 'fixtures', 'elements');

/** A plain ext4 filesystem on the loop image: no partition table, no bootloader, no fstab line. */
export const PLAIN_EXT4 = `
- local_loop:
    name: image0
- mkfs:
    name: mkfs_root
    base: image0
    type: ext4
    mount:
      mount_point: /
`;

/** PLAIN_EXT4 with an fstab line for / (defaults, fsck pass 1). */
export const PLAIN_EXT4_WITH_FSTAB = `${PLAIN_EXT4}      fstab:
        options: defaults
        fsck-passno: 1
`;

/** Flags for the smallest image a fake-os build makes. */
export const SMALL_IMAGE = ['--image-size', '0.1', '--mkfs-journal-size', '8'];

/**
 * The environment of an offline build: TMPDIR and the image cache in the test's directories, the
 * fixture elements (or `dirs.elements`), PLAIN_EXT4_WITH_FSTAB, no TMP_DIR or DIB_IMAGE_SIZE from the
 * caller; `extra` last (undefined unsets).
 */
export function offlineBuildEnv(
  dirs: { tmp: string; cache: string; elements?: string },
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ...process.env,
    TMPDIR: dirs.tmp,
    TMP_DIR: undefined,
    ELEMENTS_PATH: dirs.elements ?? FIXTURE_ELEMENTS,
    DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4_WITH_FSTAB,
    DIB_IMAGE_CACHE: dirs.cache,
    DIB_IMAGE_SIZE: undefined,
    ...extra,
  };
}
