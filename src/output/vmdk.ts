/**
 * `-t vmdk`: streamOptimized VMDK (for OVA/vSphere) via `qemu-img convert` — a format we do not own.
 * `--qemu-img-options` keys for vmdk are passed on to qemu-img (subformat defaults to
 * streamOptimized). Slow: qemu compresses streamOptimized grains on one core.
 */
import { outputFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { checkChoice } from './qemu-img-options.js';
import type { OutputOptions, WholeWriter } from './writer.js';

const KEYS = ['subformat', 'adapter_type', 'hwversion', 'toolsversion', 'compat6'] as const;

function createOptions(opts: OutputOptions): string {
  const o = new Map<string, string>([['subformat', 'streamOptimized']]);
  for (const k of KEYS) {
    const v = opts.qemuImgOptions.get(k);
    if (v !== undefined) o.set(k, v);
  }
  return [...o].map(([k, v]) => `${k}=${v.replace(/,/g, ',,')}`).join(',');
}

export const vmdkWriter: WholeWriter = {
  format: 'vmdk',
  extension: 'vmdk',
  needs: 'raw',
  streaming: false,
  producesFile: true,
  hostCommands: ['qemu-img'],
  optionKeys: KEYS,
  checkOptions(opts) {
    checkChoice(
      opts.qemuImgOptions,
      'subformat',
      ['streamOptimized', 'monolithicSparse'],
      'vmdk',
      'the other subformats write several files',
    );
  },
  async write(input, dest, opts) {
    if (!input.rawImage) throw outputFailed('vmdk output needs the raw disk image, and none was given');
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', createOptions(opts), input.rawImage, dest], {
      step: 'qemu-img convert vmdk',
      hint: 'qemu-img comes with qemu-utils',
    });
  },
};
