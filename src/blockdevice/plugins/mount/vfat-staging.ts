/**
 * Copies a vfat mount point's staging tree into the vfat filesystem without mounting it (the
 * kernel here has no vfat): mtools writes into the raw image at the partition's byte offset.
 */
import { blockDeviceFailed } from '../../../errors.js';
import { run } from '../../../host/exec.js';
import { copyTreeIntoVfat } from '../../../host/vfat.js';
import type { LifecycleContext } from '../../lifecycle/context.js';

/** Where a filesystem's bytes live as a file: the raw image and the offset of its partition. */
export function filesystemRegion(ctx: LifecycleContext, mkfsNode: string): { file: string; offset: number; device: string } {
  const fs = ctx.state.filesys[mkfsNode];
  if (!fs) throw blockDeviceFailed(`no filesystem "${mkfsNode}" in the block-device state`, { node: mkfsNode });
  const dev = Object.values(ctx.state.blockdev).find((b) => b.device === fs.device);
  if (!dev) throw blockDeviceFailed(`filesystem "${mkfsNode}": device ${fs.device} is not in the block-device state`, { node: mkfsNode });
  // an LV or a device given by the config has no image: mtools reads the device itself
  return { file: dev.image ?? dev.device, offset: dev.image ? (dev.offset ?? 0) : 0, device: dev.device };
}

export async function copyStagedTreeIntoVfat(ctx: LifecycleContext, mkfsNode: string, stagingDir: string): Promise<void> {
  const region = filesystemRegion(ctx, mkfsNode);
  // what mkfs wrote through the loop device must be in the file before mtools reads it, and the
  // device's cache must not hold the old sectors afterwards
  await run('blockdev', ['--flushbufs', region.device], { step: 'blockdev flushbufs' });
  await copyTreeIntoVfat(region.file, region.offset, stagingDir);
  await run('blockdev', ['--flushbufs', region.device], { step: 'blockdev flushbufs' });
}
