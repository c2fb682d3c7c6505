/**
 * Makes the partitions of a disk image reachable as block devices, without kpartx or
 * device-mapper: the kernel's partition devices (`/dev/loopNpK`, added by `partx --add`) when
 * they appear and match the layout, otherwise one loop device per partition with
 * `--offset/--sizelimit`. Every acquisition is registered on the release stack and held by the
 * partitioning node.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { blockDeviceFailed } from '../../errors.js';
import { run, succeeds } from '../../host/exec.js';
import { attachLoop } from '../../host/loop.js';
import { log } from '../../log.js';
import type { PartitionExtent } from '../partition-table/write-table.js';
import type { LifecycleContext, PartitionDeviceMode } from './context.js';

export interface DiskImage {
  /** The whole-disk loop device. */
  device: string;
  image: string;
  blockSize: number;
}

export interface ReachedPartition extends PartitionExtent {
  device: string;
}

/** The kernel partition device of `disk` numbered `n`, if it exists and lies where the layout says. */
async function kernelPartition(disk: string, p: PartitionExtent): Promise<string | undefined> {
  const name = `${basename(disk)}p${p.number}`;
  const device = `/dev/${name}`;
  const isBlock = await stat(device).then(
    (s) => s.isBlockDevice(),
    () => false,
  );
  if (!isBlock) return undefined;
  const sys = `/sys/class/block/${name}`;
  // sysfs counts 512-byte sectors whatever the logical block size
  const start = Number((await readFile(`${sys}/start`, 'utf8').catch(() => '')).trim()) * 512;
  const size = Number((await readFile(`${sys}/size`, 'utf8').catch(() => '')).trim()) * 512;
  return start === p.offset && size === p.sizeLimit ? device : undefined;
}

/** Partition devices the kernel has for `disk` (names such as `loop0p1`), from sysfs. */
async function kernelPartitionNames(disk: string): Promise<string[]> {
  const name = basename(disk);
  const entries = await readdir(`/sys/block/${name}`).catch(() => [] as string[]);
  return entries.filter((e) => e.startsWith(`${name}p`));
}

/** Waits (briefly) for devtmpfs to make the nodes of the partitions just added. */
async function waitForNodes(disk: string, parts: readonly PartitionExtent[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const present = await Promise.all(parts.map((p) => stat(`/dev/${basename(disk)}p${p.number}`).then(() => true, () => false)));
    if (present.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `partx --add`, then the kernel's devices if every partition got one; undefined when not. */
async function tryKernelPartitions(ctx: LifecycleContext, owner: string, disk: DiskImage, parts: readonly PartitionExtent[]): Promise<ReachedPartition[] | undefined> {
  // A loop device attached without partition scan keeps BLKPG-added partitions across a detach:
  // whatever the device has now is a leftover of an earlier user, never ours.
  const stale = await kernelPartitionNames(disk.device);
  if (stale.length > 0) {
    log.warn(`${disk.device} still has partition devices of an earlier user (${stale.join(', ')}); removing them`);
    await removeKernelPartitions(disk.device);
  }
  const description = `kernel partitions of ${disk.device}`;
  const handle = ctx.release.push(`remove partitions of ${disk.device}`, { kind: 'other', description }, () => removeKernelPartitions(disk.device));
  ctx.hold(owner, description, { kind: 'other', description }, handle);
  const dropKernelPartitions = async () => {
    const h = ctx.heldBy(owner, 'other')[0];
    if (h) await ctx.releaseHeld(h, () => removeKernelPartitions(disk.device));
  };
  if (!(await succeeds('partx', ['--add', disk.device], { step: 'partx add' }))) {
    // it may have added some before failing; the offset path must not share the disk with them
    await dropKernelPartitions();
    return undefined;
  }
  await waitForNodes(disk.device, parts);
  const reached: ReachedPartition[] = [];
  for (const p of parts) {
    const device = await kernelPartition(disk.device, p);
    if (!device) {
      log.debug(`partition ${p.name}: no kernel device /dev/${basename(disk.device)}p${p.number} at the expected place`);
      await dropKernelPartitions();
      return undefined;
    }
    reached.push({ ...p, device });
  }
  return reached;
}

export async function removeKernelPartitions(disk: string): Promise<void> {
  await run('partx', ['--delete', disk], { step: 'release partx delete', afterInterrupt: true, okExitCodes: [0, 1] });
}

async function attachOffsetLoops(ctx: LifecycleContext, owner: string, disk: DiskImage, parts: readonly PartitionExtent[]): Promise<ReachedPartition[]> {
  const reached: ReachedPartition[] = [];
  for (const p of parts) {
    const loop = await attachLoop(ctx.release, disk.image, { offset: p.offset, sizeLimit: p.sizeLimit, sectorSize: disk.blockSize });
    ctx.hold(owner, `loop ${loop.device} for partition ${p.name}`, { kind: 'loop', device: loop.device, image: disk.image }, loop.handle);
    reached.push({ ...p, device: loop.device });
  }
  return reached;
}

/** Gives every partition a block device; `mode` picks the way (auto: kernel devices if they work). */
export async function reachPartitions(
  ctx: LifecycleContext,
  owner: string,
  disk: DiskImage,
  parts: readonly PartitionExtent[],
  mode: PartitionDeviceMode,
): Promise<{ via: 'kernel' | 'offset'; partitions: ReachedPartition[] }> {
  // the table was written to the image file: the disk device must not serve old cached sectors
  await run('blockdev', ['--flushbufs', disk.device], { step: 'blockdev flushbufs' });
  if (mode !== 'offset') {
    const viaKernel = await tryKernelPartitions(ctx, owner, disk, parts);
    if (viaKernel) return { via: 'kernel', partitions: viaKernel };
    if (mode === 'kernel') {
      throw blockDeviceFailed(`the kernel gave no partition devices for ${disk.device} (partx --add)`, {
        node: owner,
        hint: 'use TSDIB_PARTITION_DEVICES=auto or offset to reach partitions through offset loop devices',
      });
    }
    log.info(`no kernel partition devices for ${disk.device}: one offset loop device per partition`);
  }
  return { via: 'offset', partitions: await attachOffsetLoops(ctx, owner, disk, parts) };
}
