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
import type { PartitionLabel, PartitionLayout, PartitionSpec, PartitionTableSpec } from './layout-types.js';
export type { GptAttribute, PartitionFlag, PartitionLabel, PartitionLayout, PartitionSize, PartitionSpec, PartitionTableSpec, PlacedPartition } from './layout-types.js';

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
