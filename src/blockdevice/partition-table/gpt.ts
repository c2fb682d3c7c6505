/**
 * GPT writer (UEFI spec, "GUID Partition Table Disk Layout"): protective MBR at LBA 0, primary
 * header at LBA 1, entry array at LBA 2, backup entry array just before the last LBA, backup
 * header at the last LBA; CRC32 over the entry array and over each 92-byte header.
 */
import { crc32 } from 'node:zlib';
import { blockDeviceFailed } from '../../errors.js';
import { guidToBytes, isGuid, makeGuid } from './guid.js';
import type { PartitionLayout } from './layout.js';
import { putBootSignature, putMbrEntry } from './mbr-entry.js';
import { writeChunks, type DiskChunk } from './write-chunks.js';

const SIGNATURE = Buffer.from('EFI PART', 'latin1');
const REVISION_1_0 = 0x00010000;
const HEADER_SIZE = 92;
const PROTECTIVE_TYPE = 0xee;

export interface GptIds {
  diskGuid: string;
  /** Unique partition GUIDs, in layout order. */
  partitionGuids: string[];
}

export interface WriteGptOptions {
  /** Makes the disk and partition GUIDs a pure function of the seed (reproducible images). */
  seed?: string;
  diskGuid?: string;
  /** Unique partition GUIDs by partition name (others come from the seed, or are random). */
  partitionGuids?: Readonly<Record<string, string>>;
}

/** Disk and partition GUIDs: given ones first, then seeded, then random. */
export function gptIds(layout: PartitionLayout, opts: WriteGptOptions = {}): GptIds {
  const check = (g: string, what: string): string => {
    if (!isGuid(g)) throw blockDeviceFailed(`${what} "${g}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
    return g.toUpperCase();
  };
  return {
    diskGuid: opts.diskGuid ? check(opts.diskGuid, 'GPT disk GUID') : makeGuid('gpt-disk', opts.seed),
    partitionGuids: layout.partitions.map((p) => {
      const given = opts.partitionGuids?.[p.name];
      return given ? check(given, `GUID of partition ${p.name}`) : makeGuid(`gpt-partition:${p.number}:${p.name}`, opts.seed);
    }),
  };
}

/** The entry array (128 × 128 bytes, or as the layout says). */
export function gptEntryArray(layout: PartitionLayout, ids: GptIds): Buffer {
  const g = requireGpt(layout);
  const ss = layout.sectorSize;
  const array = Buffer.alloc(g.entryCount * g.entrySize);
  layout.partitions.forEach((p, i) => {
    const o = (p.number - 1) * g.entrySize;
    guidToBytes(p.type).copy(array, o);
    guidToBytes(ids.partitionGuids[i]!).copy(array, o + 16);
    array.writeBigUInt64LE(BigInt(p.start / ss), o + 32);
    array.writeBigUInt64LE(BigInt((p.start + p.size) / ss - 1), o + 40);
    array.writeBigUInt64LE(p.attributes.reduce((acc, bit) => acc | (1n << BigInt(bit)), 0n), o + 48);
    array.write(p.name, o + 56, 72, 'utf16le');
  });
  return array;
}

/** One header sector; `backup` swaps MyLBA/AlternateLBA and points at the backup entry array. */
export function gptHeader(layout: PartitionLayout, ids: GptIds, entriesCrc: number, backup: boolean): Buffer {
  const g = requireGpt(layout);
  const h = Buffer.alloc(layout.sectorSize);
  SIGNATURE.copy(h, 0);
  h.writeUInt32LE(REVISION_1_0, 8);
  h.writeUInt32LE(HEADER_SIZE, 12);
  h.writeBigUInt64LE(BigInt(backup ? g.lastLba : 1), 24);
  h.writeBigUInt64LE(BigInt(backup ? 1 : g.lastLba), 32);
  h.writeBigUInt64LE(BigInt(g.firstUsableLba), 40);
  h.writeBigUInt64LE(BigInt(g.lastUsableLba), 48);
  guidToBytes(ids.diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(backup ? g.lastLba - g.entrySectors : 2), 72);
  h.writeUInt32LE(g.entryCount, 80);
  h.writeUInt32LE(g.entrySize, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, HEADER_SIZE)), 16);
  return h;
}

/** LBA 0: one entry of type 0xEE from LBA 1 over the whole disk (capped at 2^32 − 1 sectors). */
export function protectiveMbr(layout: PartitionLayout): Buffer {
  const g = requireGpt(layout);
  const mbr = Buffer.alloc(layout.sectorSize);
  const length = Math.min(g.lastLba, 0xffffffff);
  putMbrEntry(mbr, 0, { bootable: false, type: PROTECTIVE_TYPE, lbaStart: 1, lbaLength: length, absFirst: 1, absLast: g.lastLba });
  putBootSignature(mbr);
  return mbr;
}

/** Every chunk a GPT layout writes: protective MBR, primary header + entries, backup entries + header. */
export function gptChunks(layout: PartitionLayout, ids: GptIds): DiskChunk[] {
  const g = requireGpt(layout);
  const ss = layout.sectorSize;
  const entries = gptEntryArray(layout, ids);
  const entriesCrc = crc32(entries);
  return [
    { offset: 0, bytes: protectiveMbr(layout) },
    { offset: ss, bytes: gptHeader(layout, ids, entriesCrc, false) },
    { offset: 2 * ss, bytes: entries },
    { offset: (g.lastLba - g.entrySectors) * ss, bytes: entries },
    { offset: g.lastLba * ss, bytes: gptHeader(layout, ids, entriesCrc, true) },
  ];
}

/** Writes the GPT of `layout` into `target` (file or block device); returns the GUIDs written. */
export async function writeGpt(target: string, layout: PartitionLayout, opts: WriteGptOptions = {}): Promise<GptIds> {
  const ids = gptIds(layout, opts);
  await writeChunks(target, gptChunks(layout, ids));
  return ids;
}

function requireGpt(layout: PartitionLayout): NonNullable<PartitionLayout['gpt']> {
  if (layout.label !== 'gpt' || !layout.gpt) throw blockDeviceFailed(`a ${layout.label} layout was given to the GPT writer`);
  return layout.gpt;
}
