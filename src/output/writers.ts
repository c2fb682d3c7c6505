/**
 * Every output type `-t` accepts, in one table (one writer per file beside this one).
 */
import { aciWriter } from './aci.js';
import { dockerWriter } from './docker.js';
import { qcow2Writer } from './qcow2.js';
import { rawWriter } from './raw.js';
import { squashfsWriter } from './squashfs.js';
import { tarWriter } from './tar.js';
import { tgzWriter } from './tgz.js';
import { vhdFixedWriter } from './vhd-fixed.js';
import { vhdWriter } from './vhd.js';
import { vmdkWriter } from './vmdk.js';
import type { OutputWriter } from './writer.js';

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
  vmdk: vmdkWriter,
};

export const OUTPUT_TYPES: readonly string[] = Object.keys(OUTPUT_WRITERS).sort();
