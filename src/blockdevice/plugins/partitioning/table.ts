/**
 * A partition table from its `partitioning` entry: the layout (partition-table/layout.ts, our own
 * MBR/GPT code) and, on the loop path, the table written into the disk image (no sfdisk/sgdisk)
 * with every partition given a block device (lifecycle/partition-devices.ts).
 */
import { blockDeviceFailed } from '../../../errors.js';
import { log } from '../../../log.js';
import { singleBase } from '../../lifecycle/config-value.js';
import type { LifecycleContext } from '../../lifecycle/context.js';
import { reachPartitions } from '../../lifecycle/partition-devices.js';
import { computeLayout, type GptAttribute, type PartitionFlag, type PartitionLabel, type PartitionLayout, type PartitionSpec } from '../../partition-table/layout.js';
import { writePartitionTable } from '../../partition-table/write-table.js';
import { parseAbsSize, parseSizeSpec } from '../../size.js';
import type { ConfigEntry, ConfigNode } from '../../types.js';

/** The partitioning entry a partition node came from. */
export function tableEntry(node: ConfigNode, ctx: Pick<LifecycleContext, 'entries'>): ConfigEntry {
  const entry = ctx.entries.find((e) => e.index === node.entry);
  if (!entry || entry.plugin !== 'partitioning') {
    throw blockDeviceFailed(`partition node "${node.name}": its partitioning entry (#${node.entry}) was not given`, {
      node: node.name,
      hint: 'pass the whole BlockDeviceGraph (with its entries) to createBlockDevice',
    });
  }
  return entry;
}

/** The partitions of a checked partitioning entry, as the layout code takes them. */
function partitionSpecs(entry: ConfigEntry): PartitionSpec[] {
  return (entry.config['partitions'] as Array<Record<string, unknown>>).map((p) => {
    const spec: PartitionSpec = { name: String(p['name']), size: parseSizeSpec(p['size'] as string | number) };
    if (Array.isArray(p['flags'])) spec.flags = p['flags'] as PartitionFlag[];
    if (p['type'] !== undefined) spec.type = String(p['type']);
    if (Array.isArray(p['attributes'])) spec.attributes = p['attributes'] as GptAttribute[];
    return spec;
  });
}

/** The layout a partitioning entry asks for on a disk of `diskSize` bytes with `sectorSize` sectors. */
export function tableLayout(entry: ConfigEntry, diskSize: number, sectorSize: number): PartitionLayout {
  const label = entry.config['label'] as PartitionLabel;
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

export async function createTable(node: ConfigNode, entry: ConfigEntry, ctx: LifecycleContext): Promise<void> {
  const disk = diskOf(node, ctx);
  const layout = tableLayout(entry, disk.size, disk.blockSize);
  const written = await writePartitionTable(disk.image, layout, ctx.params.seed === undefined ? undefined : { seed: ctx.params.seed });
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
