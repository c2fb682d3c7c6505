/**
 * Writes a computed layout as an MBR or a GPT, and says where each partition's bytes are, so a
 * caller can attach one offset loop device per partition (`losetup --offset --sizelimit`).
 */
import { stat } from 'node:fs/promises';
import { blockDeviceFailed } from '../../errors.js';
import { writeGpt } from './gpt.js';
import type { PartitionLayout, PartitionLabel } from './layout.js';
import { writeMbr } from './mbr.js';

export interface WriteTableOptions {
  /** Makes the disk id and GUIDs a pure function of this string (reproducible images). */
  seed?: string;
  /** MBR only: the 32-bit disk signature. */
  diskSignature?: number;
  /** GPT only: the disk GUID. */
  diskGuid?: string;
  /** GPT only: unique partition GUIDs by partition name. */
  partitionGuids?: Readonly<Record<string, string>>;
}

export interface PartitionExtent {
  name: string;
  number: number;
  /** Byte offset into the disk (for `losetup --offset`). */
  offset: number;
  /** Byte length (for `losetup --sizelimit`). */
  sizeLimit: number;
}

export interface WrittenPartition extends PartitionExtent {
  /** PARTUUID as blkid and the kernel show it: GPT unique GUID (lower-case) or MBR `<disk id>-<nn>`. */
  partUuid: string;
}

export interface WrittenTable {
  label: PartitionLabel;
  /** MBR: `0x` + 8 hex digits (as sfdisk shows it); GPT: disk GUID, upper-case. */
  diskId: string;
  partitions: WrittenPartition[];
}

/** Where each partition's data lies, in layout order. */
export function partitionExtents(layout: PartitionLayout): PartitionExtent[] {
  return layout.partitions.map((p) => ({ name: p.name, number: p.number, offset: p.start, sizeLimit: p.size }));
}

/**
 * Writes the partition table of `layout` into `target` (an image file or a block device). A regular
 * file must already be at least `layout.diskSize` bytes long (the backup GPT lives at its end).
 */
export async function writePartitionTable(target: string, layout: PartitionLayout, opts: WriteTableOptions = {}): Promise<WrittenTable> {
  const st = await stat(target).catch((e: unknown) => {
    throw blockDeviceFailed(`cannot write a partition table to ${target}: ${(e as Error).message}`, { cause: e });
  });
  if (st.isFile() && st.size < layout.diskSize) {
    throw blockDeviceFailed(`${target} has ${st.size} bytes but the ${layout.label} layout is for ${layout.diskSize}`, {
      hint: 'create the image at its full size first (local_loop does)',
    });
  }
  const extents = partitionExtents(layout);
  if (layout.label === 'mbr') {
    const sig = await writeMbr(target, layout, opts);
    const id = sig.toString(16).padStart(8, '0');
    return { label: 'mbr', diskId: `0x${id}`, partitions: extents.map((e) => ({ ...e, partUuid: `${id}-${e.number.toString(16).padStart(2, '0')}` })) };
  }
  const ids = await writeGpt(target, layout, opts);
  return {
    label: 'gpt',
    diskId: ids.diskGuid,
    partitions: extents.map((e, i) => ({ ...e, partUuid: ids.partitionGuids[i]!.toLowerCase() })),
  };
}
