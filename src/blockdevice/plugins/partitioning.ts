/**
 * `partitioning`: an MBR or GPT partition table on a disk (`base`, a local_loop node). Like DIB,
 * the table itself is no graph node: each partition is one (`kind: 'partition'`, base = the
 * disk), with an edge from the disk and from the partition before it in the same table.
 * Where partitions land is computed by `partition-table/layout.ts`; this file checks the config.
 */
import type { SchemaObject } from 'ajv';
import { isTsdibError } from '../../errors.js';
import { GPT_NAME_MAX } from '../partition-table/gpt-layout.js';
import { resolveGptType } from '../partition-table/gpt-types.js';
import type { GptAttribute, PartitionFlag, PartitionSpec } from '../partition-table/layout.js';
import { computeLayout } from '../partition-table/layout.js';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { makeNode, record, str } from '../plugin.js';
import { parseAbsSize, parseSizeSpec, SizeSpecError } from '../size.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../types.js';

const MBR_MAX_PRIMARY = 4;
const MBR_EXTENDED_TYPES = new Set([0x05, 0x0f, 0x85]);

const partitionSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'size'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name of the partition; on GPT also the partition name (at most 36 characters)' },
    base: { type: 'string', description: "The disk the partition is on (always the table's base; filled in by the tree conversion)" },
    flags: {
      type: 'array',
      uniqueItems: true,
      items: { enum: ['boot', 'primary'] },
      description: 'boot: MBR active flag / GPT legacy-BIOS-bootable; primary: MBR primary partition (without it an MBR partition is logical)',
    },
    size: { type: ['string', 'integer'], description: 'Absolute size ("512MiB", "3G") or a percentage of the space still free ("100%")' },
    type: {
      type: ['string', 'integer'],
      description: "MBR: one-byte hex type ('0x83', default 83). GPT: sgdisk code ('EF00', 'EF02', '8300' default) or a type GUID",
    },
    attributes: {
      type: 'array',
      uniqueItems: true,
      items: { anyOf: [{ type: 'integer', minimum: 0, maximum: 63 }, { enum: ['required', 'no-block-io-protocol', 'legacy-bios-bootable'] }] },
      description: 'GPT only: attribute bits (0..63) or names required, no-block-io-protocol, legacy-bios-bootable',
    },
  },
};

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['base', 'label', 'partitions'],
  properties: {
    name: { type: 'string', description: 'Name of the table (no graph node of its own); tree default partitioning_<base>' },
    base: { type: 'string', minLength: 1, description: 'The disk (a local_loop node) to partition' },
    label: { enum: ['mbr', 'gpt'], description: 'Partition table type: mbr or gpt' },
    align: { type: ['string', 'integer'], description: 'Alignment of partitions (MBR), default "1MiB"' },
    partitions: { type: 'array', items: partitionSchema, description: 'The partitions, in disk order' },
  },
};

function partitionNodes(entry: ConfigEntry): ConfigNode[] {
  const parts = entry.config['partitions'];
  if (!Array.isArray(parts)) return [];
  const base = str(entry.config['base']);
  const nodes: ConfigNode[] = [];
  parts.forEach((p, i) => {
    const item = record(p);
    const name = str(item?.['name']);
    if (!item || !name) return;
    nodes.push(makeNode(entry, { name, kind: 'partition', base: base ? [base] : [], config: item, configPath: `${entry.configPath}.partitions[${i}]` }));
  });
  return nodes;
}

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

function toSpec(p: Record<string, unknown>): PartitionSpec {
  const spec: PartitionSpec = { name: String(p['name']), size: parseSizeSpec(p['size'] as string | number) };
  if (Array.isArray(p['flags'])) spec.flags = p['flags'] as PartitionFlag[];
  if (p['type'] !== undefined) spec.type = String(p['type']);
  if (Array.isArray(p['attributes'])) spec.attributes = p['attributes'] as GptAttribute[];
  return spec;
}

/** When the disk size is known: lay the table out with the partition-table code, which checks that it fits. */
function checkLayout(entry: ConfigEntry, parts: Array<Record<string, unknown>>, diskSize: number, sectorSize: number): ConfigProblem[] {
  const label = entry.config['label'] as 'mbr' | 'gpt';
  const align = entry.config['align'];
  try {
    computeLayout({
      label,
      diskSize,
      sectorSize,
      ...(align !== undefined && label === 'mbr' ? { align: parseAbsSize(align as string | number) } : {}),
      partitions: parts.map(toSpec),
    });
    return [];
  } catch (e) {
    if (!isTsdibError(e)) throw e;
    const i = parts.findIndex((p) => p['name'] === e.context.node);
    return [{ path: i >= 0 ? `${entry.configPath}.partitions[${i}]` : entry.configPath, message: `on a ${diskSize}-byte disk: ${e.message}` }];
  }
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
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
  const diskSize = disk?.kind === 'local_loop' ? ctx.diskSize(base) : undefined;
  if (problems.length === 0 && diskSize !== undefined) {
    const sectorSize = Number(disk?.config['block_size'] ?? 512);
    problems.push(...checkLayout(entry, parts, diskSize, sectorSize));
  }
  return problems;
}

export const partitioningPlugin: BlockDevicePlugin = {
  kind: 'partitioning',
  description: 'an MBR or GPT partition table on a disk; each partition is a node',
  schema,
  nodes: partitionNodes,
  edges(node, all) {
    const table = all.filter((n) => n.entry === node.entry && n.kind === 'partition');
    const tablePath = node.configPath.replace(/\.partitions\[\d+\]$/, '');
    const edges = node.base.map((b) => ({ from: b, to: node.name, path: `${tablePath}.base` }));
    const prev = table[table.indexOf(node) - 1];
    if (prev) edges.push({ from: prev.name, to: node.name, path: node.configPath });
    return edges;
  },
  check,
};
