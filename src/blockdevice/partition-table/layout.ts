/**
 * Partition layout: from a table spec (what the config asks for) to where every partition lives,
 * in bytes. Pure: no disk is touched, so `tsdib plan` and config validation can call it.
 *
 * The rules are DIB's (`block_device/level1`), so a DIB config gives the same partitions:
 * - MBR (`mbr-layout.ts`): a partition is primary only with the `primary` flag, else logical;
 *   primaries come first; logicals live in one extended partition (type 0x0F) covering the rest of
 *   the disk; each logical has its EBR at its start and its data one alignment later; every end
 *   is rounded up to the alignment; `percent` is of the space left after the next alignment.
 * - GPT (`gpt-layout.ts`): sizes are floored to whole MiB; `percent` is of the disk size less
 *   2 MiB, less what earlier partitions took. Unlike DIB, `align` is honoured (default 1 MiB, so
 *   the first partition starts at LBA 2048 like sgdisk's) and the `boot` flag sets attribute bit 2
 *   (legacy BIOS bootable) instead of being ignored.
 * Every problem is a CONFIG_INVALID error naming the partition (`context.node`).
 */
import { configInvalid } from '../../errors.js';
import { layoutGpt } from './gpt-layout.js';
export { GPT_ATTRIBUTE_BITS } from './gpt-layout.js';
import { gptTypeProblem } from './gpt-types.js';
import { layoutMbr, mbrTypeProblem } from './mbr-layout.js';
import { MIB } from './requested-size.js';

export type PartitionLabel = 'mbr' | 'gpt';
export type PartitionFlag = 'boot' | 'primary';
export type PartitionSize = { bytes: number } | { percent: number };

/** GPT attribute: a bit number (0, 1, 2 or 48..63) or the name of bits 0..2. */
export type GptAttribute = number | 'required' | 'no-block-io-protocol' | 'legacy-bios-bootable';

export interface PartitionSpec {
  /** Node name; GPT partition name (at most 36 UTF-16 code units). */
  name: string;
  size: PartitionSize;
  flags?: readonly PartitionFlag[];
  /** MBR: one-byte hex (`'0x83'`, `'83'`, default 0x83). GPT: sgdisk code (`'EF00'`, default 8300) or a type GUID. */
  type?: string;
  /** GPT only. */
  attributes?: readonly GptAttribute[];
}

export interface PartitionTableSpec {
  label: PartitionLabel;
  /** Size of the whole disk in bytes. */
  diskSize: number;
  /** Alignment of partition starts and ends in bytes; default 1 MiB. */
  align?: number;
  /** Logical sector size; default 512. */
  sectorSize?: number;
  partitions: readonly PartitionSpec[];
}

export interface PlacedPartition {
  name: string;
  /** Partition number as the kernel numbers it: MBR primaries 1..4, logicals from 5; GPT entry index + 1. */
  number: number;
  /** Byte offset of the data on the disk. */
  start: number;
  /** Byte length of the data. */
  size: number;
  /** MBR: `'0x83'` form (lower-case); GPT: type GUID, upper-case. */
  type: string;
  /** MBR: active flag 0x80. GPT: attribute bit 2 is set. */
  bootable: boolean;
  /** MBR logical partition (inside the extended partition). */
  logical: boolean;
  /** MBR logical partitions: byte offset of this partition's EBR. */
  ebrOffset?: number;
  /** GPT attribute bit numbers, ascending (empty for MBR). */
  attributes: number[];
}

export interface PartitionLayout {
  label: PartitionLabel;
  diskSize: number;
  sectorSize: number;
  align: number;
  partitions: PlacedPartition[];
  /** MBR with logical partitions: the extended partition and its entry index (0..3) in the MBR. */
  extended?: { start: number; size: number; slot: number };
  /** GPT: usable LBA range and where the entry arrays live. */
  gpt?: { firstUsableLba: number; lastUsableLba: number; lastLba: number; entryCount: number; entrySize: number; entrySectors: number };
}

const SECTOR_SIZES = [512, 4096];

/** Computes where every partition goes; throws CONFIG_INVALID for the first problem found. */
export function computeLayout(spec: PartitionTableSpec): PartitionLayout {
  const sectorSize = spec.sectorSize ?? 512;
  const align = spec.align ?? MIB;
  if (!SECTOR_SIZES.includes(sectorSize)) {
    throw configInvalid(`partition table: sector size ${sectorSize} is not supported; use 512 or 4096`);
  }
  if (!Number.isSafeInteger(align) || align <= 0 || align % sectorSize !== 0) {
    throw configInvalid(`partition table: align ${align} must be a positive multiple of the ${sectorSize}-byte sector`);
  }
  if (!Number.isSafeInteger(spec.diskSize) || spec.diskSize <= 0) {
    throw configInvalid(`partition table: disk size ${spec.diskSize} is not a positive whole number of bytes`);
  }
  for (const p of spec.partitions) checkPartitionSpec(spec.label, p);
  if (spec.label === 'mbr') return layoutMbr(spec.partitions, { diskSize: spec.diskSize, sectorSize, align });
  if (spec.label === 'gpt') return layoutGpt(spec.partitions, { diskSize: spec.diskSize, sectorSize, align });
  throw configInvalid(`partition table: label "${String(spec.label)}" must be 'mbr' or 'gpt'`);
}

/**
 * What is wrong with a partition `type` for a label, or undefined when it is fine; for config
 * validation that reports every problem at once (computeLayout stops at the first).
 */
export function partitionTypeProblem(label: PartitionLabel, type: string): string | undefined {
  if (label === 'mbr') return mbrTypeProblem(type);
  return gptTypeProblem(type);
}

function checkPartitionSpec(label: PartitionLabel, p: PartitionSpec): void {
  const where = { node: p.name };
  if (typeof p.name !== 'string' || p.name === '') throw configInvalid('partition table: a partition has no name', where);
  const s = p.size as Partial<{ bytes: number; percent: number }>;
  if (s.percent !== undefined) {
    if (!Number.isFinite(s.percent) || s.percent <= 0 || s.percent > 100) {
      throw configInvalid(`partition ${p.name}: size ${s.percent}% must be more than 0% and at most 100%`, where);
    }
  } else if (s.bytes === undefined || !Number.isSafeInteger(s.bytes) || s.bytes <= 0) {
    throw configInvalid(`partition ${p.name}: size must be a positive number of bytes or a percentage`, where);
  }
  for (const f of p.flags ?? []) {
    if (f !== 'boot' && f !== 'primary') throw configInvalid(`partition ${p.name}: unknown flag "${String(f)}"; flags are boot, primary`, where);
  }
  if (label === 'gpt' && p.flags?.includes('primary')) {
    throw configInvalid(`partition ${p.name}: the primary flag is MBR only; remove it for label gpt`, where);
  }
  if (label === 'mbr' && p.attributes !== undefined && p.attributes.length > 0) {
    throw configInvalid(`partition ${p.name}: attributes are GPT only; use the boot flag for MBR`, where);
  }
}
