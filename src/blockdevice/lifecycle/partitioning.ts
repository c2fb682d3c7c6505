/**
 * Partition tables (`partitioning` entries, mbr | gpt): compute the layout, write the table into
 * the disk image with our own writer (no sfdisk/sgdisk), and give every partition a block device
 * (partition-devices.ts). Result: `state.blockdev[<partition name>] = { device, image, offset, size }`.
 *
 * Two views of the same config are accepted:
 * - the graph's `partition` nodes (DIB's node set): the first partition node of a table does the
 *   work, the later ones find their device ready; at umount the first one — visited last in
 *   reverse order, after everything on any partition of the table is unmounted — releases the
 *   table's partition devices;
 * - one `partitioning` node per table, its config the whole entry: that node does it all.
 */
import { blockDeviceFailed } from '../../errors.js';
import { log } from '../../log.js';
import { computeLayout, type GptAttribute, type PartitionFlag, type PartitionLayout, type PartitionSpec } from '../partition-table/layout.js';
import { writePartitionTable } from '../partition-table/write-table.js';
import { parseAbsSize, parseSizeSpec } from '../size.js';
import type { ConfigEntry, ConfigNode } from '../types.js';
import { singleBase } from './config-value.js';
import type { LifecycleContext, NodeLifecycle } from './context.js';
import { detachLoopAndWait } from './detach-loop.js';
import { localLoopSpec } from './local-loop.js';
import { reachPartitions, removeKernelPartitions } from './partition-devices.js';

/** The partitioning entry a partition node came from (a `partitioning` node is its own entry). */
function tableEntry(node: ConfigNode, ctx: LifecycleContext): ConfigEntry {
  if (node.kind === 'partitioning') return { plugin: 'partitioning', name: node.name, config: node.config, configPath: node.configPath, index: node.entry };
  const entry = ctx.entries.find((e) => e.index === node.entry);
  if (!entry || entry.plugin !== 'partitioning') {
    throw blockDeviceFailed(`partition node "${node.name}": its partitioning entry (#${node.entry}) was not given`, {
      node: node.name,
      hint: 'pass the whole BlockDeviceGraph (with its entries) to createBlockDevice',
    });
  }
  return entry;
}

function sizeOf(value: unknown, what: string, node: string): ReturnType<typeof parseSizeSpec> {
  try {
    return parseSizeSpec(value as string | number);
  } catch (e) {
    throw blockDeviceFailed(`${what}: ${(e as Error).message}`, { node });
  }
}

function partitionSpecs(entry: ConfigEntry): PartitionSpec[] {
  const list = entry.config['partitions'];
  if (!Array.isArray(list) || list.length === 0) throw blockDeviceFailed(`${entry.configPath}: partitioning needs [partitions]`);
  return list.map((raw: unknown) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const name = String(p['name'] ?? '');
    const spec: PartitionSpec = { name, size: sizeOf(p['size'], `partition ${name}`, name) };
    if (Array.isArray(p['flags'])) spec.flags = p['flags'] as PartitionFlag[];
    if (p['type'] !== undefined) spec.type = String(p['type']);
    if (Array.isArray(p['attributes'])) spec.attributes = p['attributes'] as GptAttribute[];
    return spec;
  });
}

/** The layout a partitioning entry asks for on a disk of `diskSize` bytes with `sectorSize` sectors. */
export function tableLayout(entry: ConfigEntry, diskSize: number, sectorSize: number): PartitionLayout {
  const label = entry.config['label'];
  if (label !== 'mbr' && label !== 'gpt') throw blockDeviceFailed(`${entry.configPath}: label must be 'mbr' or 'gpt', got ${JSON.stringify(label)}`);
  const alignSpec = entry.config['align'];
  // DIB aligns MBR partitions to `align`; GPT ignores it (and the config check says so)
  const align = alignSpec !== undefined && label === 'mbr' ? parseAbsSize(alignSpec as string | number) : undefined;
  return computeLayout({ label, diskSize, sectorSize, partitions: partitionSpecs(entry), ...(align ? { align } : {}) });
}

function diskOf(node: ConfigNode, ctx: LifecycleContext): { name: string; device: string; image: string; size: number; blockSize: number } {
  const name = singleBase(node);
  const dev = ctx.state.blockdev[name];
  const img = ctx.extras.images[name];
  if (!dev || !img) throw blockDeviceFailed(`partition node "${node.name}": its base "${name}" is not a local_loop disk image`, { node: node.name });
  return { name, device: dev.device, image: img.image, size: img.size, blockSize: img.blockSize };
}

async function createTable(node: ConfigNode, entry: ConfigEntry, ctx: LifecycleContext): Promise<void> {
  const disk = diskOf(node, ctx);
  const layout = tableLayout(entry, disk.size, disk.blockSize);
  const written = await writePartitionTable(disk.image, layout);
  log.info(`${layout.label} table on ${disk.name}: ${written.partitions.map((p) => `${p.name} ${p.sizeLimit} bytes at ${p.offset}`).join(', ')}`);
  const reached = await reachPartitions(ctx, node.name, { device: disk.device, image: disk.image, blockSize: disk.blockSize }, written.partitions, ctx.options.partitionDevices);
  ctx.extras.partitionTables[String(entry.index)] = {
    disk: disk.device,
    label: layout.label,
    via: reached.via,
    partitions: reached.partitions.map((p) => p.name),
    holder: node.name,
  };
  for (const p of reached.partitions) ctx.state.blockdev[p.name] = { device: p.device, image: disk.image, offset: p.offset, size: p.sizeLimit };
}

export const partitionLifecycle: NodeLifecycle = {
  async check(node, ctx) {
    const entry = tableEntry(node, ctx);
    const first = ctx.nodes.find((n) => (n.kind === 'partition' || n.kind === 'partitioning') && n.entry === node.entry);
    const disk = ctx.nodesByName.get(singleBase(node));
    if (first !== node || disk?.kind !== 'local_loop') return;
    const spec = localLoopSpec(disk, ctx);
    tableLayout(entry, spec.size, spec.blockSize);
  },

  async create(node, ctx) {
    const entry = tableEntry(node, ctx);
    if (!ctx.extras.partitionTables[String(entry.index)]) await createTable(node, entry, ctx);
    if (node.kind === 'partition' && !ctx.state.blockdev[node.name]) throw blockDeviceFailed(`partition node "${node.name}" is not in its table's layout`, { node: node.name });
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
};
