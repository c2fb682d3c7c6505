/** `--qemu-img-options` keys shared by the VHD writers (qemu's `vpc` driver spells them so). */
import { flagInvalid } from '../errors.js';
import { checkChoice } from './qemu-img-options.js';
import type { OutputOptions } from './writer.js';

export const VHD_OPTION_KEYS = ['subformat', 'force_size'] as const;

/** Whether the options ask for a fixed VHD; checks the VHD keys' values. */
export function vhdWantsFixed(opts: OutputOptions, format: string): boolean {
  const o = opts.qemuImgOptions;
  checkChoice(o, 'subformat', ['dynamic', 'fixed'], format);
  const force = o.get('force_size');
  if (force !== undefined && !['on', 'yes', 'true'].includes(force)) {
    throw flagInvalid({
      flag: '--qemu-img-options',
      value: `force_size=${force}`,
      problem: `not supported for ${format}`,
      hint: 'tsdib always keeps the exact size (rounded up to a whole MiB), as force_size=on does',
    });
  }
  return o.get('subformat') === 'fixed';
}
