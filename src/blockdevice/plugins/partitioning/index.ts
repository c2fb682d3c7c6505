/**
 * `partitioning`: an MBR or GPT partition table on a disk (`base`, a local_loop node). Like DIB,
 * the table itself is no graph node: each partition is one (`kind: 'partition'`, base = the
 * disk), with an edge from the disk and from the partition before it in the same table.
 * Where partitions land is computed by `partition-table/layout.ts` (table.ts); check.ts checks
 * the config.
 *
 * Loop backend: the first partition node of a table writes the table and makes every partition
 * reachable (`state.blockdev[<partition>] = { device, image, offset, size }`); the later ones find
 * their device ready. At umount the first one — visited last in reverse order, after everything
 * on any partition of the table is unmounted — releases the table's partition devices.
 * Offline: the table's layout gives each partition's byte range in the image file.
 */
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../../errors.js';
import { singleBase } from '../../lifecycle/config-value.js';
import { detachLoopAndWait } from '../../lifecycle/detach-loop.js';
import { removeKernelPartitions } from '../../lifecycle/partition-devices.js';
import type { BlockDevicePlugin } from '../../plugin.js';
import { makeNode, record, str } from '../../plugin.js';
import type { ConfigEntry, ConfigNode } from '../../types.js';
import { localLoopSpec } from '../local-loop.js';
import { parseSizeSpec } from '../../size.js';
import { checkPartitioning } from './check.js';
import { createTable, tableEntry, tableLayout } from './table.js';

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

/** A partition's size known before the disk's: an absolute size (not a percentage), else undefined. */
function absoluteBytes(spec: unknown): number | undefined {
  try {
    const size = parseSizeSpec(spec as string | number);
    return 'bytes' in size ? size.bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `node` is the first partition of its table (the one that makes and releases the table). */
function isFirstOfTable(node: ConfigNode, all: readonly ConfigNode[]): boolean {
  return all.find((n) => n.kind === 'partition' && n.entry === node.entry) === node;
}

export const partitioningPlugin: BlockDevicePlugin = {
  kind: 'partitioning',
  description: 'an MBR or GPT partition table on a disk; each partition is a node',
  schema,
  nodes: partitionNodes,
  deviceBytes(node, ctx) {
    const disk = ctx.byName.get(node.base[0] ?? '');
    const diskSize = disk ? ctx.diskSize(disk.name) : undefined;
    const entry = ctx.entries.find((e) => e.index === node.entry);
    if (!disk || !entry) return undefined;
    if (diskSize === undefined) return absoluteBytes(node.config['size']);
    try {
      return tableLayout(entry, diskSize, Number(disk.config['block_size'] ?? 512)).partitions.find((p) => p.name === node.name)?.size;
    } catch {
      // a table that does not fit is the partitioning check's problem, reported there
      return undefined;
    }
  },
  edges(node, all) {
    const table = all.filter((n) => n.entry === node.entry && n.kind === 'partition');
    const tablePath = node.configPath.replace(/\.partitions\[\d+\]$/, '');
    const edges = node.base.map((b) => ({ from: b, to: node.name, path: `${tablePath}.base` }));
    const prev = table[table.indexOf(node) - 1];
    if (prev) edges.push({ from: prev.name, to: node.name, path: node.configPath });
    return edges;
  },
  check: checkPartitioning,

  async ready(node, ctx) {
    // the config check laid the table out on the configured disk; DIB_BLOCK_SIZE may change its sectors
    const disk = ctx.nodesByName.get(singleBase(node));
    if (!isFirstOfTable(node, ctx.nodes) || disk?.kind !== 'local_loop') return;
    const spec = localLoopSpec(disk, ctx);
    tableLayout(tableEntry(node, ctx), spec.size, spec.blockSize);
  },

  async create(node, ctx) {
    const entry = tableEntry(node, ctx);
    if (!ctx.extras.partitionTables[String(entry.index)]) await createTable(node, entry, ctx);
    if (!ctx.state.blockdev[node.name]) throw blockDeviceFailed(`partition node "${node.name}" is not in its table's layout`, { node: node.name });
  },

  async umount(node, ctx) {
    const table = ctx.extras.partitionTables[String(node.entry)];
    if (!table || table.holder !== node.name) return;
    for (const h of ctx.heldBy(node.name)) {
      const r = h.resource;
      if (r.kind === 'loop') await ctx.releaseHeld(h, () => detachLoopAndWait(r.device, r.image));
      else if (r.kind === 'other') await ctx.releaseHeld(h, () => removeKernelPartitions(table.disk));
    }
  },

  offline: {
    plan(node, p) {
      if (p.regions.has(node.name)) return;
      const disk = p.disk;
      if (!disk || node.base[0] !== disk.name) throw blockDeviceFailed(`partition node "${node.name}": its base is not the disk image`, { node: node.name });
      const entry = tableEntry(node, p.ctx);
      if (disk.layout) throw blockDeviceFailed(`${entry.configPath}: a second partition table on disk "${disk.name}"`, { node: node.name });
      disk.layout = tableLayout(entry, disk.size, disk.sectorSize);
      for (const part of disk.layout.partitions) {
        p.regions.set(part.name, { offset: part.start, size: part.size });
        p.ctx.state.blockdev[part.name] = { device: `${disk.image}@@${part.start}`, image: disk.image, offset: part.start, size: part.size };
      }
    },
  },
};
