/**
 * The text descriptor qemu-img embeds in a single-file VMDK (monolithicSparse, streamOptimized),
 * made right after `qemu-img convert`: its extent line names the file qemu-img wrote, which is our
 * temp name `<final>.tmp-<pid>`, and its `CID=` is random (g_random_int). The extent gets the final
 * file name; with a seed (or SOURCE_DATE_EPOCH) the CID is derived from it, so two builds give the
 * same bytes. The descriptor's region (header fields descriptorOffset/descriptorSize, in sectors)
 * keeps its size: the new text is padded with NULs as qemu-img pads it.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { outputFailed } from '../errors.js';

const SECTOR = 512;
const MAGIC = 0x564d444b; // "KDMV" little-endian

/** The CID derived from `seed`: 8 hex digits of sha256("tsdib:vmdk-cid:" + seed). */
export function derivedCid(seed: string): string {
  return createHash('sha256').update(`tsdib:vmdk-cid:${seed}`).digest('hex').slice(0, 8);
}

/** The descriptor text with its extent lines naming `extentName` and, when given, `CID=cid`. */
export function rewriteDescriptor(text: string, change: { extentName: string; cid?: string }): string {
  return text
    .split('\n')
    .map((line) => {
      if (change.cid !== undefined && /^CID=[0-9a-fA-F]+$/.test(line)) return `CID=${change.cid}`;
      const extent = /^((?:RW|RDONLY|NOACCESS) \d+ \w+ )"[^"]*"(.*)$/.exec(line);
      return extent ? `${extent[1]}"${change.extentName}"${extent[2]}` : line;
    })
    .join('\n');
}

/**
 * Rewrites the embedded descriptor of the VMDK at `path` (see above). A file without an embedded
 * descriptor (no KDMV header, or descriptorOffset 0) is left as it is.
 */
export async function pinVmdkDescriptor(path: string, change: { extentName: string; cid?: string }): Promise<boolean> {
  const fh = await open(path, 'r+');
  try {
    const header = Buffer.alloc(SECTOR);
    await fh.read(header, 0, SECTOR, 0);
    if (header.readUInt32LE(0) !== MAGIC) return false;
    const offset = Number(header.readBigUInt64LE(28)) * SECTOR;
    const size = Number(header.readBigUInt64LE(36)) * SECTOR;
    if (offset === 0 || size === 0) return false;
    const region = Buffer.alloc(size);
    await fh.read(region, 0, size, offset);
    const end = region.indexOf(0);
    const text = region.subarray(0, end < 0 ? size : end).toString('latin1');
    const next = Buffer.from(rewriteDescriptor(text, change), 'latin1');
    if (next.length > size) throw outputFailed(`${path}: the VMDK descriptor naming ${change.extentName} needs ${next.length} bytes, its region has ${size}`);
    const out = Buffer.alloc(size);
    next.copy(out);
    await fh.write(out, 0, size, offset);
    return true;
  } finally {
    await fh.close();
  }
}

/** What the vmdk written to `dest` (a temp name) is pinned to: its final file name, and a CID when the build is seeded. */
export function vmdkChange(finalPath: string, opts: { seed?: string; sourceDateEpoch?: number }): { extentName: string; cid?: string } {
  const seed = opts.seed ?? (opts.sourceDateEpoch !== undefined ? '' : undefined);
  return { extentName: basename(finalPath), ...(seed !== undefined ? { cid: derivedCid(seed) } : {}) };
}
