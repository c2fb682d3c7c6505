/**
 * `-t aci`: an App Container Image (appc spec): one uncompressed tar holding the root tree under
 * `rootfs/` (tree-tar.ts flags) and the image manifest as `manifest`, as DIB writes it. The manifest is $ACI_MANIFEST
 * (checked before any work); DIB only warns when it is unset and writes an ACI no runtime accepts,
 * so tsdib then writes a minimal manifest of its own (name from the image name, os and arch labels).
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { envInvalid, outputFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { log } from '../log.js';
import { treeTarArgs } from './tree-tar.js';
import type { OutputOptions, WholeWriter } from './writer.js';

/** appc's AC Identifier: lower case letters, digits and `-._~/`, starting with a letter or digit. */
const AC_IDENTIFIER = '^[a-z0-9]+([-._~/][a-z0-9]+)*$';
const APPC_VERSION = '0.8.11';

const MANIFEST_SCHEMA = {
  type: 'object',
  required: ['acKind', 'acVersion', 'name'],
  properties: {
    acKind: { const: 'ImageManifest' },
    acVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
    name: { type: 'string', pattern: AC_IDENTIFIER },
    labels: {
      type: 'array',
      items: { type: 'object', required: ['name', 'value'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
    },
  },
} as const;

let manifestValidator: ValidateFunction | undefined;
/** Compiled on first use: every tsdib process loads the writers table, few write an aci. */
function validateManifest(): ValidateFunction {
  if (!manifestValidator) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    manifestValidator = new Ajv({ allErrors: false }).compile(MANIFEST_SCHEMA);
  }
  return manifestValidator;
}

/** Reads and checks $ACI_MANIFEST; throws ENV_INVALID naming the file and the field. */
export function readAciManifest(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw envInvalid({ variable: 'ACI_MANIFEST', value: path, problem: `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file: path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw envInvalid({ variable: 'ACI_MANIFEST', value: path, problem: `not JSON (${e instanceof Error ? e.message : String(e)})`, file: path });
  }
  const validate = validateManifest();
  if (!validate(data)) {
    const err = validate.errors?.[0];
    const field = err?.instancePath.slice(1).replace(/\//g, '.') ?? '';
    const problem =
      err?.keyword === 'required'
        ? `the field ${String(err.params['missingProperty'])} is missing`
        : err?.keyword === 'const'
          ? `${field} must be "ImageManifest"`
          : err?.keyword === 'pattern'
            ? `${field} must match ${String(err.params['pattern'])}`
            : `${field || 'the manifest'} ${err?.message ?? 'is invalid'}`;
    throw envInvalid({ variable: 'ACI_MANIFEST', value: path, problem: `${problem} (an appc ImageManifest)`, file: path, path: field });
  }
  return text;
}

/** Debian (and kernel) architecture names → appc's arch label values. */
const APPC_ARCH: Record<string, string> = { amd64: 'amd64', x86_64: 'amd64', arm64: 'aarch64', aarch64: 'aarch64', i386: 'i386', ppc64el: 'ppc64le', ppc64le: 'ppc64le', s390x: 's390x' };

/** The manifest tsdib writes when ACI_MANIFEST is unset. */
export function defaultAciManifest(imageName: string, arch: string): string {
  const name = basename(imageName).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'image';
  const labels = [
    { name: 'os', value: 'linux' },
    { name: 'arch', value: APPC_ARCH[arch] ?? arch },
  ];
  return `${JSON.stringify({ acKind: 'ImageManifest', acVersion: APPC_VERSION, name, labels }, null, 2)}\n`;
}

function manifestFor(dest: string, opts: OutputOptions): string {
  if (opts.aciManifest) return readAciManifest(opts.aciManifest);
  log.warn('ACI_MANIFEST is not set: the aci gets a minimal manifest (name from the image name, os and arch labels)');
  // dest is `<image>.aci.tmp-<pid>`
  return defaultAciManifest(dest.replace(/\.aci(\.tmp-\d+)?$/, ''), opts.arch ?? 'amd64');
}

/** A ustar member header (numeric owner 0/0, mode 0644) for a regular file. */
function ustarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const octal = (value: number, width: number, at: number): void => {
    h.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, 'ascii');
  };
  h.write(name, 0, 'utf8');
  octal(0o644, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(size, 12, 124);
  octal(mtime, 12, 136);
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.fill(' ', 148, 156); // the checksum is summed with its own field as spaces
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/**
 * Appends `manifest` to a tar written with 512-byte records (which therefore ends in exactly two
 * zero blocks): its header and data replace the end marker, and a new marker follows.
 */
async function appendManifest(archive: string, manifest: string, mtime: number): Promise<void> {
  const data = Buffer.from(manifest, 'utf8');
  const fh = await open(archive, 'r+');
  try {
    const { size } = await fh.stat();
    const end = Buffer.alloc(1024);
    await fh.read(end, 0, 1024, size - 1024);
    if (size < 1024 || size % 512 !== 0 || end.some((b) => b !== 0)) {
      throw outputFailed(`aci: ${archive} does not end in a tar end-of-archive marker`);
    }
    const padded = Math.ceil(data.length / 512) * 512;
    const member = Buffer.alloc(512 + padded + 1024);
    ustarHeader('manifest', data.length, mtime).copy(member, 0);
    data.copy(member, 512);
    await fh.write(member, 0, member.length, size - 1024);
  } finally {
    await fh.close();
  }
}

export const aciWriter: WholeWriter = {
  format: 'aci',
  extension: 'aci',
  writtenBy: 'GNU tar (tree under `rootfs/`) plus the appc `manifest`',
  needs: 'tree',
  streaming: false,
  producesFile: true,
  hostCommands: ['tar'],
  optionKeys: [],
  checkOptions(opts) {
    if (opts.aciManifest) readAciManifest(opts.aciManifest);
  },
  async write(input, dest, opts) {
    if (!input.rootTree) throw outputFailed('aci output needs the root tree, and none was given');
    const manifest = manifestFor(dest, opts);
    const treeArgs = treeTarArgs(input.rootTree, dest, opts.sourceDateEpoch);
    // "." and "./x" become "rootfs" and "rootfs/x"; symlink targets stay as they are (S), hard-link
    // targets follow their members. 512-byte records, so that the manifest can be appended.
    await run('tar', [...treeArgs.slice(0, -1), '--blocking-factor=1', '--transform=s,^\\.,rootfs,S', '.'], { step: 'tar (aci)' });
    await appendManifest(dest, manifest, opts.sourceDateEpoch ?? Math.floor(Date.now() / 1000));
  },
};
