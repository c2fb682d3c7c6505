/**
 * The semantic checks of a `partitioning` entry: partition types and flags for the label, sizes,
 * the MBR's primary/logical order, GPT name lengths, and — when the disk size is known — that the
 * table's layout fits (laid out by table.ts, as the build will).
 */
import { isTsdibError } from '../../../errors.js';
import { GPT_ENTRY_COUNT, GPT_NAME_MAX } from '../../partition-table/gpt-layout.js';
import { resolveGptType } from '../../partition-table/gpt-types.js';
import type { CheckContext } from '../../plugin.js';
import { parseAbsSize, parseSizeSpec, SizeSpecError } from '../../size.js';
import type { ConfigEntry, ConfigProblem } from '../../types.js';
import { tableLayout } from './table.js';

const MBR_MAX_PRIMARY = 4;
const MBR_EXTENDED_TYPES = new Set([0x05, 0x0f, 0x85]);

type MbrType = { byte: number } | { gptCode: string } | { problem: string };

/** An MBR type as written: one hex byte, an sgdisk GPT code (DIB lets it through), or a problem. */
export function classifyMbrType(type: unknown): MbrType {
  if (typeof type === 'number') return { problem: `MBR type ${type} must be a quoted hex string such as '0x83' (unquoted, YAML reads it as a decimal number)` };
  const t = String(type).trim();
  const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(t);
  if (m) {
    const byte = parseInt(m[1]!, 16);
    if (byte === 0) return { problem: `MBR type ${t} marks an unused entry; use a real type such as '0x83'` };
    if (MBR_EXTENDED_TYPES.has(byte)) return { problem: `MBR type ${t} is an extended container; tsdib makes it itself for logical partitions` };
    return { byte };
  }
  if (/^(?:0x)?[0-9a-f]{4}$/i.test(t) && resolveGptType(t) !== undefined) return { gptCode: t };
  return { problem: `unknown MBR type "${t}"; use a one-byte hex value such as '0x83', '0x82', '0xef'` };
}

function checkSize(size: unknown, path: string): ConfigProblem[] {
  if (size === undefined) return [];
  try {
    const s = parseSizeSpec(size as string | number);
    if ('percent' in s && (s.percent <= 0 || s.percent > 100)) return [{ path, message: `size ${JSON.stringify(size)} must be more than 0% and at most 100%` }];
    if ('bytes' in s && s.bytes <= 0) return [{ path, message: `size ${JSON.stringify(size)} must be more than 0 bytes` }];
    return [];
  } catch (e) {
    if (e instanceof SizeSpecError) return [{ path, message: e.message }];
    throw e;
  }
}

function checkType(label: string, type: unknown, path: string, ctx: CheckContext): ConfigProblem[] {
  if (type === undefined) return [];
  if (label === 'mbr') {
    const t = classifyMbrType(type);
    if ('problem' in t) return [{ path, message: t.problem }];
    if ('gptCode' in t) {
      ctx.warn(path, `"${t.gptCode}" is an sgdisk GPT code, not an MBR type: DIB accepts it but cannot write it, and tsdib refuses it when it lays out the disk; use label gpt, or an MBR type such as '0xef'`);
    }
    return [];
  }
  const text = String(type);
  if (resolveGptType(text) !== undefined) return [];
  const hint = typeof type === 'number' ? ' (quote it: unquoted YAML numbers lose leading zeros)' : '';
  return [{ path, message: `unknown GPT type "${text}"${hint}; use an sgdisk code such as EF00, EF02, 8200, 8300, 8E00, FD00, or a type GUID` }];
}

/** MBR: at most four primaries, all before the first logical, and a slot left for the extended entry. */
function checkMbrOrder(parts: Array<Record<string, unknown>>, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  let primaries = 0;
  let firstLogical: string | undefined;
  parts.forEach((p, i) => {
    const primary = Array.isArray(p['flags']) && p['flags'].includes('primary');
    const where = `${path}.partitions[${i}]`;
    if (primary) {
      primaries++;
      if (firstLogical !== undefined) {
        problems.push({ path: `${where}.flags`, message: `primary partition after logical partition "${firstLogical}": all primary partitions must be given first` });
      } else if (primaries === MBR_MAX_PRIMARY + 1) {
        problems.push({ path: `${where}.flags`, message: `a 5th primary partition: an MBR holds ${MBR_MAX_PRIMARY}; drop the primary flag to make it logical` });
      }
    } else if (firstLogical === undefined) {
      firstLogical = String(p['name']);
      if (primaries >= MBR_MAX_PRIMARY) {
        problems.push({ path: `${where}.flags`, message: `logical partition after ${MBR_MAX_PRIMARY} primaries: no MBR entry is left for the extended partition` });
      }
    }
  });
  return problems;
}

/** When the disk size is known: lay the table out with the partition-table code, which checks that it fits. */
function checkLayout(entry: ConfigEntry, parts: Array<Record<string, unknown>>, diskSize: number, sectorSize: number): ConfigProblem[] {
  try {
    tableLayout(entry, diskSize, sectorSize);
    return [];
  } catch (e) {
    if (!isTsdibError(e)) throw e;
    const i = parts.findIndex((p) => p['name'] === e.context.node);
    return [{ path: i >= 0 ? `${entry.configPath}.partitions[${i}]` : entry.configPath, message: `on a ${diskSize}-byte disk: ${e.message}` }];
  }
}

/** The semantic problems of a partitioning entry that passed its schema. */
export function checkPartitioning(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const label = String(entry.config['label']);
  const base = String(entry.config['base']);
  const problems: ConfigProblem[] = [];
  const disk = ctx.byName.get(base);
  if (disk && disk.kind !== 'local_loop') {
    problems.push({ path: `${path}.base`, message: `"${base}" is a ${disk.kind} node; a partition table goes on a disk (a local_loop node)` });
  }
  const align = entry.config['align'];
  if (align !== undefined) {
    if (label === 'gpt') ctx.warn(`${path}.align`, 'align is ignored for GPT (partitions are aligned to 1 MiB)');
    try {
      const bytes = parseAbsSize(align as string | number);
      if (bytes <= 0 || bytes % 512 !== 0) problems.push({ path: `${path}.align`, message: `align ${JSON.stringify(align)} must be a positive multiple of 512 bytes` });
    } catch (e) {
      if (!(e instanceof SizeSpecError)) throw e;
      problems.push({ path: `${path}.align`, message: e.message });
    }
  }
  const parts = (entry.config['partitions'] as unknown[]).map((p) => p as Record<string, unknown>);
  parts.forEach((p, i) => {
    const where = `${path}.partitions[${i}]`;
    const flags = Array.isArray(p['flags']) ? (p['flags'] as string[]) : [];
    if (label === 'gpt' && flags.includes('primary')) problems.push({ path: `${where}.flags`, message: 'the primary flag is MBR only; GPT partitions have no primary/logical distinction' });
    if (label === 'mbr' && p['attributes'] !== undefined) problems.push({ path: `${where}.attributes`, message: 'attributes are GPT only; use the boot flag on MBR' });
    const name = String(p['name']);
    if (label === 'gpt' && Buffer.byteLength(name, 'utf16le') / 2 > GPT_NAME_MAX) {
      problems.push({ path: `${where}.name`, message: `GPT partition names hold ${GPT_NAME_MAX} characters; "${name}" has ${name.length}` });
    }
    problems.push(...checkSize(p['size'], `${where}.size`), ...checkType(label, p['type'], `${where}.type`, ctx));
  });
  if (label === 'mbr') problems.push(...checkMbrOrder(parts, path));
  // known without the disk's size (the layout below needs it, and a build knows it only later)
  if (label === 'gpt' && parts.length > GPT_ENTRY_COUNT) {
    problems.push({ path: `${path}.partitions[${GPT_ENTRY_COUNT}]`, message: `${parts.length} partitions; a GPT holds ${GPT_ENTRY_COUNT}` });
  }
  const diskSize = disk?.kind === 'local_loop' ? ctx.diskSize(base) : undefined;
  if (problems.length === 0 && diskSize !== undefined) {
    const sectorSize = Number(disk?.config['block_size'] ?? 512);
    problems.push(...checkLayout(entry, parts, diskSize, sectorSize));
  }
  return problems;
}
