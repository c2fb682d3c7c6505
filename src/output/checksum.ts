/**
 * Checksums of finished outputs: one read of the file computes every digest (sha256 always, for the
 * result and the manifest; md5 too when `--checksum` asks for it), in a worker thread so the main
 * thread keeps writing the other formats. `--checksum` files use the coreutils format that
 * `md5sum -c` / `sha256sum -c` read: `<hex>  <basename>\n`, as DIB writes them.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { flagInvalid, showValue } from '../errors.js';
import { commitOutput, tempName } from './output-file.js';

export type ChecksumAlgorithm = 'md5' | 'sha256';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['md5', 'sha256'];

/**
 * DIB_CHECKSUM semantics: true/"1" → md5 and sha256; false/""/"0" → none; otherwise a comma list of
 * md5 and sha256. Anything else is FLAG_INVALID.
 */
export function parseChecksum(value: boolean | string | undefined): ChecksumAlgorithm[] {
  if (value === undefined || value === false) return [];
  if (value === true) return [...CHECKSUM_ALGORITHMS];
  const v = value.trim();
  if (v === '' || v === '0') return [];
  if (v === '1') return [...CHECKSUM_ALGORITHMS];
  const out: ChecksumAlgorithm[] = [];
  for (const part of v.split(',').map((p) => p.trim())) {
    if (part !== 'md5' && part !== 'sha256') {
      throw flagInvalid({ flag: '--checksum', value, problem: `unknown algorithm ${showValue(part)}`, hint: 'use md5, sha256 or md5,sha256' });
    }
    if (!out.includes(part)) out.push(part);
  }
  return CHECKSUM_ALGORITHMS.filter((a) => out.includes(a));
}

// Runs in a worker (eval'd JavaScript, so it works from dist/ and from the TypeScript sources alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const hashes = workerData.algorithms.map((a) => createHash(a));
const buf = Buffer.allocUnsafe(1 << 20);
const fd = openSync(workerData.path, 'r');
try {
  for (let pos = 0; ; ) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    const view = buf.subarray(0, n);
    for (const h of hashes) h.update(view);
    pos += n;
  }
} finally {
  closeSync(fd);
}
parentPort.postMessage(hashes.map((h) => h.digest('hex')));
`;

/**
 * Digests of a file, hex, keyed by algorithm: one worker thread per algorithm, so md5 and sha256 of
 * a large image run on both cores (the second read comes from the page cache).
 */
export async function hashFile(path: string, algorithms: readonly ChecksumAlgorithm[]): Promise<Partial<Record<ChecksumAlgorithm, string>>> {
  const digests = await Promise.all(algorithms.map((a) => hashInWorker(path, [a])));
  const out: Partial<Record<ChecksumAlgorithm, string>> = {};
  digests.forEach((d) => Object.assign(out, d));
  return out;
}

function hashInWorker(path: string, algorithms: readonly ChecksumAlgorithm[]): Promise<Partial<Record<ChecksumAlgorithm, string>>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, algorithms } });
    let done = false;
    worker.once('message', (digests: string[]) => {
      done = true;
      const out: Partial<Record<ChecksumAlgorithm, string>> = {};
      algorithms.forEach((a, i) => (out[a] = digests[i]));
      resolve(out);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`checksum worker for ${path} exited ${code}`));
    });
  });
}

/** The text of a checksum file for `file`. */
export function checksumLine(hex: string, file: string): string {
  return `${hex}  ${basename(file)}\n`;
}

/** Writes `<file>.<algorithm>` for each algorithm (temp name, then rename); returns their paths. */
export async function writeChecksumFiles(
  file: string,
  digests: Partial<Record<ChecksumAlgorithm, string>>,
  algorithms: readonly ChecksumAlgorithm[],
): Promise<string[]> {
  const written: string[] = [];
  for (const a of algorithms) {
    const hex = digests[a];
    if (!hex) throw new Error(`no ${a} digest for ${file}`);
    const target = `${file}.${a}`;
    const temp = tempName(target);
    await writeFile(temp, checksumLine(hex, file), { flag: 'wx', mode: 0o644 });
    await commitOutput(temp, target);
    written.push(target);
  }
  return written;
}
