/**
 * `-t squashfs`: mksquashfs of the root tree, xz-compressed, written as `<name>.squash` like DIB.
 * The contents of /proc, /sys and /dev are excluded, the directories kept. Owners are numeric and
 * xattrs stored (mksquashfs defaults). With SOURCE_DATE_EPOCH, mksquashfs uses it as the creation
 * time and clamps newer file times to it. Unlike DIB, it is written wherever it sits in `-t`.
 */
import { outputFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { TREE_EXCLUDED_CONTENTS } from './tree-tar.js';
import type { WholeWriter } from './writer.js';

export const squashfsWriter: WholeWriter = {
  format: 'squashfs',
  extension: 'squash',
  writtenBy: '`mksquashfs … -comp xz`',
  needs: 'tree',
  streaming: false,
  producesFile: true,
  hostCommands: ['mksquashfs'],
  optionKeys: [],
  checkOptions() {},
  async write(input, dest, opts) {
    if (!input.rootTree) throw outputFailed('squashfs output needs the root tree, and none was given');
    await run(
      'mksquashfs',
      [
        input.rootTree, dest,
        '-comp', 'xz',
        '-noappend',
        '-no-recovery',
        '-no-progress',
        '-quiet',
        '-wildcards',
        '-e', ...TREE_EXCLUDED_CONTENTS.map((d) => `${d}/*`),
      ],
      {
        step: 'mksquashfs',
        env: { SOURCE_DATE_EPOCH: opts.sourceDateEpoch === undefined ? undefined : String(opts.sourceDateEpoch) },
        hint: 'mksquashfs comes with squashfs-tools',
      },
    );
  },
};
