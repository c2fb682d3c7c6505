/**
 * MBR placement, with DIB's numbers (see layout.ts for the rules). Works in sectors, returns bytes.
 */
import { configInvalid } from '../../errors.js';
import type { PartitionLayout, PartitionSpec, PlacedPartition } from './layout-types.js';
import { requestedBytes } from './requested-size.js';

/** Types tsdib writes itself (extended containers); a partition cannot ask for them. */
const EXTENDED_TYPES = new Set([0x05, 0x0f, 0x85]);
export const MBR_DEFAULT_TYPE = 0x83;
export const MBR_EXTENDED_TYPE = 0x0f;
const MAX_PRIMARY = 4;
const MAX_LBA = 0xffffffff;

interface Geometry {
  diskSize: number;
  sectorSize: number;
  align: number;
}

/** What is wrong with an MBR type text ('0x83', '83', 'c' are fine), or undefined when nothing is. */
export function mbrTypeProblem(text: string): string | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(String(text).trim());
  if (!m) return `MBR type "${text}" is not a one-byte hex value such as '0x83' or '0c' (GPT codes like EF00 need label gpt)`;
  const t = parseInt(m[1]!, 16);
  if (t === 0) return 'MBR type 0x00 marks an unused entry; choose a real type such as 0x83';
  if (EXTENDED_TYPES.has(t)) return `MBR type 0x${t.toString(16)} is an extended container; tsdib makes it for logical partitions itself`;
  return undefined;
}

/** Parses an MBR type; throws CONFIG_INVALID naming the partition. */
export function parseMbrType(p: PartitionSpec): number {
  if (p.type === undefined) return MBR_DEFAULT_TYPE;
  const problem = mbrTypeProblem(p.type);
  if (problem) throw configInvalid(`partition ${p.name}: ${problem}`, { node: p.name });
  return parseInt(p.type.trim().replace(/^0x/i, ''), 16);
}

export function layoutMbr(specs: readonly PartitionSpec[], g: Geometry): PartitionLayout {
  const ss = g.sectorSize;
  const alignS = g.align / ss;
  const diskS = Math.floor(g.diskSize / ss);
  const alignUp = (lba: number): number => Math.ceil(lba / alignS) * alignS;
  const partitions: PlacedPartition[] = [];
  let extended: PartitionLayout['extended'];
  let nextFree = alignUp(1);
  let primaries = 0;
  let logicals = 0;

  for (const p of specs) {
    const where = { node: p.name };
    const primary = p.flags?.includes('primary') ?? false;
    const type = parseMbrType(p);
    if (primary && extended) {
      throw configInvalid(`partition ${p.name}: primary partitions must all come before the first logical one (a partition without the primary flag is logical)`, where);
    }
    if (primary && primaries === MAX_PRIMARY) {
      throw configInvalid(`partition ${p.name}: an MBR holds ${MAX_PRIMARY} primary partitions and this is the 5th; drop its primary flag to make it logical`, where);
    }
    // DIB: free = disk − (next free + one alignment), the alignment being room for an EBR.
    const free = diskS * ss - (nextFree + alignUp(1)) * ss;
    const bytes = requestedBytes(p, free);
    const lengthS = Math.floor(bytes / ss);
    if (lengthS < 1) {
      throw configInvalid(
        'percent' in p.size
          ? `partition ${p.name}: ${p.size.percent}% of the ${Math.max(0, free)} bytes left is less than one sector; the disk is full`
          : `partition ${p.name}: ${bytes} bytes is less than one ${ss}-byte sector`,
        where,
      );
    }
    let start: number;
    let ebr: number | undefined;
    if (primary) {
      start = nextFree;
    } else {
      if (!extended) {
        if (primaries === MAX_PRIMARY) {
          throw configInvalid(`partition ${p.name}: logical partitions need an extended partition, but all ${MAX_PRIMARY} MBR entries hold primaries`, where);
        }
        extended = { start: nextFree * ss, size: (diskS - nextFree) * ss, slot: primaries };
        checkLba(p.name, 'the extended partition', nextFree, diskS - nextFree);
      }
      ebr = nextFree;
      start = alignUp(ebr + 1);
    }
    const end = start + lengthS;
    if (end > diskS) {
      throw configInvalid(
        `partition ${p.name}: ${lengthS * ss} bytes starting at byte ${start * ss} end at byte ${end * ss}, beyond the ${diskS * ss}-byte disk`,
        where,
      );
    }
    checkLba(p.name, `partition ${p.name}`, start, lengthS);
    nextFree = alignUp(end);
    const placed: PlacedPartition = {
      name: p.name,
      number: primary ? ++primaries : 4 + ++logicals,
      start: start * ss,
      size: lengthS * ss,
      type: `0x${type.toString(16).padStart(2, '0')}`,
      bootable: p.flags?.includes('boot') ?? false,
      logical: !primary,
      attributes: [],
    };
    if (ebr !== undefined) placed.ebrOffset = ebr * ss;
    partitions.push(placed);
  }
  return {
    label: 'mbr',
    diskSize: g.diskSize,
    sectorSize: ss,
    align: g.align,
    partitions,
    ...(extended ? { extended } : {}),
  };
}

function checkLba(name: string, what: string, start: number, length: number): void {
  if (start > MAX_LBA || length > MAX_LBA) {
    throw configInvalid(`partition ${name}: ${what} lies beyond what MBR can address (2^32 sectors, 2 TiB with 512-byte sectors); use label gpt`, {
      node: name,
    });
  }
}
