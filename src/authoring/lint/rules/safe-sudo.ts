import { PHASE_CONTRACT, isPhase } from '../../../elements/phases.js';
import { isDocOrData } from '../shell-text.js';
import type { FileRule } from '../types.js';

/**
 * Lines that show the sudo works on the image, not the host (dib-lint's list), or say so with
 * `# dib-lint: safe_sudo`. Comment lines never count.
 */
const LOOKS_SAFE = /dib-lint: safe_sudo|^#|install-packages|TARGET_ROOT|IMAGE_BLOCK_DEVICE|TMP_MOUNT_PATH|TMP_IMAGE_PATH/;

export const safeSudoRule: FileRule = {
  id: 'safe_sudo',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'in phases run on the host, a `sudo` line should name the image ($TARGET_ROOT, $TMP_MOUNT_PATH…)',
  check(file) {
    const dir = file.topDir;
    if (dir === undefined || !isPhase(dir) || PHASE_CONTRACT[dir].inChroot || isDocOrData(file)) return [];
    return file.lines.flatMap((raw, i) => {
      const line = raw.trimStart();
      if (!line.includes('sudo ') || LOOKS_SAFE.test(line)) return [];
      return [
        {
          path: file.path,
          line: i + 1,
          message: `potentially unsafe sudo outside the chroot (${dir}): make it act on $TARGET_ROOT or $TMP_MOUNT_PATH, or mark the line "# dib-lint: safe_sudo"`,
        },
      ];
    });
  },
};
