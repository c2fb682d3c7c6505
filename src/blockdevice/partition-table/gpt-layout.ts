/**
 * GPT placement with DIB's sizes (DIB hands `-n N:0:+<MiB>M` to sgdisk): each size floored to
 * whole MiB, percentages of (disk − 2 MiB − earlier sizes), partitions one after another from the
 * first aligned sector after the primary entry array, ending before the backup entry array.
 */
import { configInvalid } from '../../errors.js';
import { GPT_DEFAULT_TYPE_CODE, gptTypeProblem, resolveGptType } from './gpt-types.js';
import type { GptAttribute, PartitionLayout, PartitionSpec, PlacedPartition } from './layout-types.js';
import { MIB, requestedBytes } from './requested-size.js';

export const GPT_ENTRY_COUNT = 128;
export const GPT_ENTRY_SIZE = 128;
export const GPT_NAME_MAX = 36;
/** DIB keeps this much of the disk out of percentage sizes, for the GPT structures and alignment. */
const DIB_GPT_RESERVE = 2 * MIB;
const LEGACY_BIOS_BOOTABLE = 2;

/** Named GPT attribute bits (UEFI spec, GPT partition entry attributes). */
export const GPT_ATTRIBUTE_BITS: Readonly<Record<Exclude<GptAttribute, number>, number>> = {
  required: 0,
  'no-block-io-protocol': 1,
  'legacy-bios-bootable': 2,
};

interface Geometry {
  diskSize: number;
  sectorSize: number;
  align: number;
}

export function layoutGpt(specs: readonly PartitionSpec[], g: Geometry): PartitionLayout {
  const ss = g.sectorSize;
  const alignS = g.align / ss;
  const diskS = Math.floor(g.diskSize / ss);
  const entrySectors = Math.ceil((GPT_ENTRY_COUNT * GPT_ENTRY_SIZE) / ss);
  const firstUsableLba = 2 + entrySectors;
  const lastLba = diskS - 1;
  const lastUsableLba = lastLba - entrySectors - 1;
  if (lastUsableLba < firstUsableLba) {
    throw configInvalid(`partition table: a ${g.diskSize}-byte disk is too small for GPT (headers and entry arrays need ${(2 * entrySectors + 3) * ss} bytes)`);
  }
  if (specs.length > GPT_ENTRY_COUNT) {
    const extra = specs[GPT_ENTRY_COUNT]!;
    throw configInvalid(`partition ${extra.name}: GPT holds ${GPT_ENTRY_COUNT} partitions and this is number ${GPT_ENTRY_COUNT + 1}`, { node: extra.name });
  }

  const partitions: PlacedPartition[] = [];
  let free = g.diskSize - DIB_GPT_RESERVE;
  let next = firstUsableLba;
  specs.forEach((p, i) => {
    const where = { node: p.name };
    const type = resolveGptType(p.type ?? GPT_DEFAULT_TYPE_CODE);
    if (type === undefined) throw configInvalid(`partition ${p.name}: ${gptTypeProblem(p.type ?? '')}`, where);
    checkName(p);
    const bytes = requestedBytes(p, free);
    if (bytes > free) {
      throw configInvalid(
        `partition ${p.name}: needs ${bytes} bytes but only ${Math.max(0, free)} are left (disk size less 2 MiB for the GPT structures, less earlier partitions)`,
        where,
      );
    }
    const mib = Math.floor(bytes / MIB);
    if (mib < 1) {
      throw configInvalid(`partition ${p.name}: GPT sizes are whole MiB (as with DIB) and ${bytes} bytes is less than 1 MiB`, where);
    }
    const start = Math.ceil(next / alignS) * alignS;
    const lengthS = (mib * MIB) / ss;
    const end = start + lengthS - 1;
    if (end > lastUsableLba) {
      throw configInvalid(
        `partition ${p.name}: ${mib} MiB from sector ${start} would end at sector ${end}, past the last usable sector ${lastUsableLba} of the ${g.diskSize}-byte disk`,
        where,
      );
    }
    free -= bytes;
    next = end + 1;
    const bootable = p.flags?.includes('boot') ?? false;
    const attributes = attributeBits(p);
    if (bootable && !attributes.includes(LEGACY_BIOS_BOOTABLE)) attributes.push(LEGACY_BIOS_BOOTABLE);
    partitions.push({
      name: p.name,
      number: i + 1,
      start: start * ss,
      size: lengthS * ss,
      type,
      bootable,
      logical: false,
      attributes: attributes.sort((a, b) => a - b),
    });
  });
  return {
    label: 'gpt',
    diskSize: g.diskSize,
    sectorSize: ss,
    align: g.align,
    partitions,
    gpt: { firstUsableLba, lastUsableLba, lastLba, entryCount: GPT_ENTRY_COUNT, entrySize: GPT_ENTRY_SIZE, entrySectors },
  };
}

function checkName(p: PartitionSpec): void {
  const units = Buffer.byteLength(p.name, 'utf16le') / 2;
  if (units > GPT_NAME_MAX) {
    throw configInvalid(`partition ${p.name}: GPT names hold ${GPT_NAME_MAX} UTF-16 characters and this one has ${units}`, { node: p.name });
  }
}

/** Attribute bits, validated: 0..2 (required, no block IO protocol, legacy BIOS bootable) or 48..63 (type-specific). */
function attributeBits(p: PartitionSpec): number[] {
  const bits = new Set<number>();
  for (const a of p.attributes ?? []) {
    const bit = typeof a === 'number' ? a : GPT_ATTRIBUTE_BITS[a as Exclude<GptAttribute, number>];
    if (bit === undefined || !Number.isInteger(bit) || !(bit <= 2 || (bit >= 48 && bit <= 63))) {
      throw configInvalid(
        `partition ${p.name}: GPT attribute "${String(a)}" is not one of required, no-block-io-protocol, legacy-bios-bootable or a bit number 0-2 or 48-63`,
        { node: p.name },
      );
    }
    bits.add(bit);
  }
  return [...bits];
}
