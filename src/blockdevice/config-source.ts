/**
 * Where a build's block-device config comes from; the first hit wins:
 *  1. `DIB_BLOCK_DEVICE_CONFIG=file://PATH`  → that file
 *  2. `DIB_BLOCK_DEVICE_CONFIG=<text>`       → the text itself
 *  3. `--block-device-config FILE`           → that file (tsdib)
 *  4. an element's `block-device-<arch>.yaml`, else its `block-device-default.yaml`, first element
 *     in expanded order that has either (ppc64le and ppc64el both use `block-device-ppc64el.yaml`)
 *  5. the built-in default: one loop image holding the root filesystem, no partition table.
 * This only finds the text; parsing and validation are done by the block-device config code.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { elementInvalid, envInvalid, flagInvalid } from '../errors.js';
import { readInputFile } from '../host/read-input-file.js';

export interface BlockDeviceConfigSource {
  kind: 'env-file' | 'env' | 'flag' | 'element' | 'builtin';
  /** One line for humans, e.g. "block-device-default.yaml of element block-device-mbr". */
  description: string;
  file?: string;
  element?: string;
  text: string;
  /** Other sources that were present but lost (e.g. more elements offering a config). */
  warnings?: string[];
}

/** DIB's fallback when nothing else offers a config: a plain filesystem on a loop image. */
export const BUILTIN_BLOCK_DEVICE_CONFIG = `# tsdib built-in default: the root filesystem directly on the image, no partition table
- local_loop:
    name: image0
    mkfs:
      name: mkfs_root
      mount:
        mount_point: /
        fstab:
          options: "defaults"
          fsck-passno: 1
`;

/** The arch-specific file name an element may offer for `arch`. */
export function archConfigFileName(arch: string): string {
  return `block-device-${arch === 'ppc64le' || arch === 'ppc64el' ? 'ppc64el' : arch}.yaml`;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The text of a config file: a regular file of at most 1 MiB (a FIFO or device is never read). */
/** The config file's text; `onError` gets the problem as a sentence about the file ("/x does not exist"). */
async function readConfigFile(path: string, onError: (problem: string) => Error): Promise<string> {
  const r = await readInputFile(path);
  if (r.problem !== undefined) throw onError(`${path} ${r.problem}`);
  return r.text;
}

export async function findBlockDeviceConfigSource(opts: {
  env: Record<string, string | undefined>;
  flagFile?: string;
  elements: readonly { name: string; path: string }[];
  arch: string;
}): Promise<BlockDeviceConfigSource> {
  const envValue = opts.env['DIB_BLOCK_DEVICE_CONFIG'];
  const lost = opts.flagFile && envValue ? [`--block-device-config ${opts.flagFile} is ignored: DIB_BLOCK_DEVICE_CONFIG is set and wins`] : [];
  if (envValue?.startsWith('file://')) {
    const file = resolve(envValue.slice('file://'.length));
    const text = await readConfigFile(file, (problem) => envInvalid({ variable: 'DIB_BLOCK_DEVICE_CONFIG', problem, file, hint: 'use file:///absolute/path or inline YAML' }));
    return { kind: 'env-file', description: `DIB_BLOCK_DEVICE_CONFIG file ${file}`, file, text, warnings: lost };
  }
  if (envValue) {
    return { kind: 'env', description: 'DIB_BLOCK_DEVICE_CONFIG (inline)', text: envValue, warnings: lost };
  }
  if (opts.flagFile) {
    const file = resolve(opts.flagFile);
    const text = await readConfigFile(file, (problem) => flagInvalid({ flag: '--block-device-config', problem, file }));
    return { kind: 'flag', description: `--block-device-config ${file}`, file, text };
  }
  const offers: { element: string; file: string }[] = [];
  for (const e of opts.elements) {
    for (const name of [archConfigFileName(opts.arch), 'block-device-default.yaml']) {
      const file = join(e.path, name);
      if (await isFile(file)) {
        offers.push({ element: e.name, file });
        break;
      }
    }
  }
  const [first, ...others] = offers;
  if (first) {
    const text = await readConfigFile(first.file, (m) => elementInvalid(`element ${first.element}: block-device config ${m}`, { file: first.file, element: first.element }));
    const name = first.file.slice(first.file.lastIndexOf('/') + 1);
    const warnings = others.map((o) => `element ${o.element} also offers a block-device config (${o.file}); using the one of element ${first.element}`);
    return { kind: 'element', description: `${name} of element ${first.element}`, file: first.file, element: first.element, text, warnings };
  }
  return { kind: 'builtin', description: 'built-in default (one loop image, root filesystem, no partition table)', text: BUILTIN_BLOCK_DEVICE_CONFIG };
}
