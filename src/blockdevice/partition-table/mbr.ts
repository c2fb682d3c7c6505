/**
 * MBR writer: the MBR sector (zero boot code, disk signature, four entries, 0x55AA) and one EBR per
 * logical partition, chained the standard way: an EBR's first entry points at its partition
 * (start relative to the EBR), its second entry (type 0x05) at the next EBR (start relative to
 * the extended partition, length up to the end of the next logical partition).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PartitionLayout } from './layout.js';
import { MBR_DISK_ID_OFFSET, putBootSignature, putMbrEntry } from './mbr-entry.js';
import { MBR_EXTENDED_TYPE } from './mbr-layout.js';
import { writeChunks, type DiskChunk } from './write-chunks.js';

const EBR_LINK_TYPE = 0x05;

/** A 32-bit, non-zero disk signature: from the seed when given, else random. */
export function makeDiskSignature(seed?: string): number {
  const b = seed === undefined ? randomBytes(4) : createHash('sha256').update(`tsdib:mbr-disk-signature:${seed}`).digest();
  return b.readUInt32LE(0) || 1;
}

/** The sectors an MBR layout writes, in disk order; pure, for tests and for writeMbr. */
export function mbrChunks(layout: PartitionLayout, diskSignature: number): DiskChunk[] {
  const ss = layout.sectorSize;
  const lba = (bytes: number): number => bytes / ss;
  const mbr = Buffer.alloc(ss);
  mbr.writeUInt32LE(diskSignature >>> 0, MBR_DISK_ID_OFFSET);
  putBootSignature(mbr);
  const chunks: DiskChunk[] = [{ offset: 0, bytes: mbr }];

  for (const p of layout.partitions.filter((q) => !q.logical)) {
    putMbrEntry(mbr, p.number - 1, {
      bootable: p.bootable,
      type: parseInt(p.type, 16),
      lbaStart: lba(p.start),
      lbaLength: lba(p.size),
      absFirst: lba(p.start),
      absLast: lba(p.start + p.size) - 1,
    });
  }
  const ext = layout.extended;
  const logicals = layout.partitions.filter((q) => q.logical);
  if (!ext) return chunks;
  putMbrEntry(mbr, ext.slot, {
    bootable: false,
    type: MBR_EXTENDED_TYPE,
    lbaStart: lba(ext.start),
    lbaLength: lba(ext.size),
    absFirst: lba(ext.start),
    absLast: lba(ext.start + ext.size) - 1,
  });
  logicals.forEach((p, i) => {
    const ebrLba = lba(p.ebrOffset!);
    const ebr = Buffer.alloc(ss);
    putBootSignature(ebr);
    putMbrEntry(ebr, 0, {
      bootable: p.bootable,
      type: parseInt(p.type, 16),
      lbaStart: lba(p.start) - ebrLba,
      lbaLength: lba(p.size),
      absFirst: lba(p.start),
      absLast: lba(p.start + p.size) - 1,
    });
    const next = logicals[i + 1];
    if (next) {
      const nextEbr = lba(next.ebrOffset!);
      putMbrEntry(ebr, 1, {
        bootable: false,
        type: EBR_LINK_TYPE,
        lbaStart: nextEbr - lba(ext.start),
        lbaLength: lba(next.start + next.size) - nextEbr,
        absFirst: nextEbr,
        absLast: lba(next.start + next.size) - 1,
      });
    }
    chunks.push({ offset: p.ebrOffset!, bytes: ebr });
  });
  return chunks;
}

/**
 * A sector of zeros over LBA 1 when no partition or EBR lives there, so a GPT header left by an
 * earlier table does not make tools see two tables.
 */
function staleGptWipe(layout: PartitionLayout): DiskChunk[] {
  const ss = layout.sectorSize;
  const firstUsed = Math.min(...layout.partitions.map((p) => p.ebrOffset ?? p.start), layout.extended?.start ?? Infinity);
  return firstUsed >= 2 * ss ? [{ offset: ss, bytes: Buffer.alloc(ss) }] : [];
}

export interface WriteMbrOptions {
  /** Disk signature (bytes 440-443); default: from `seed`, else random. */
  diskSignature?: number;
  seed?: string;
}

/** Writes the MBR and EBRs of `layout` into `target` (file or block device); returns the disk signature. */
export async function writeMbr(target: string, layout: PartitionLayout, opts: WriteMbrOptions = {}): Promise<number> {
  const signature = (opts.diskSignature ?? makeDiskSignature(opts.seed)) >>> 0;
  await writeChunks(target, [...mbrChunks(layout, signature), ...staleGptWipe(layout)]);
  return signature;
}
