/**
 * Every output type `-t` accepts, in one table (one writer per file beside this one; the formats
 * only qemu-img writes come from qemu-img-formats.ts).
 */
import { aciWriter } from './aci.js';
import { dockerWriter } from './docker.js';
import { qcow2Writer } from './qcow2.js';
import { QEMU_IMG_TYPES } from './qemu-img-formats.js';
import { qemuImgWriter } from './qemu-img-writer.js';
import { rawWriter } from './raw.js';
import { squashfsWriter } from './squashfs.js';
import { tarWriter } from './tar.js';
import { tgzWriter } from './tgz.js';
import { vhdFixedWriter } from './vhd-fixed.js';
import { vhdWriter } from './vhd.js';
import type { OutputWriter } from './writer.js';
import { unknownFlagValue } from '../elements/did-you-mean.js';
import { flagInvalid, type TsdibError } from '../errors.js';

export const OUTPUT_WRITERS: Readonly<Record<string, OutputWriter>> = {
  aci: aciWriter,
  docker: dockerWriter,
  qcow2: qcow2Writer,
  raw: rawWriter,
  squashfs: squashfsWriter,
  tar: tarWriter,
  tgz: tgzWriter,
  vhd: vhdWriter,
  'vhd-fixed': vhdFixedWriter,
  // with their default options; output-plan.ts binds each to the options qemu-img accepted
  ...Object.fromEntries(Object.entries(QEMU_IMG_TYPES).map(([type, spec]) => [type, qemuImgWriter(type, spec)])),
};

export const OUTPUT_TYPES: readonly string[] = Object.keys(OUTPUT_WRITERS).sort();

/** `flag` (-t, or push's --type) given a type not in OUTPUT_TYPES. */
export function unknownOutputType(flag: string, type: string): TsdibError {
  return unknownFlagValue(flag, type, 'output type', OUTPUT_TYPES);
}

/** -t given only commas or spaces. */
export function noOutputType(): TsdibError {
  return flagInvalid({ flag: '-t', problem: `name at least one output type (${OUTPUT_TYPES.join(', ')})` });
}
