/**
 * The steps that turn the finished tree into a disk: size it, create the block device (loop,
 * partitions, filesystems, mounts), copy the tree in, write fstab, and unmount.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { createBlockDevice } from '../blockdevice/lifecycle.js';
import { loadBlockDeviceConfig } from '../blockdevice/load-config.js';
import { parseSizeSpec } from '../blockdevice/size.js';
import type { ConfigNode } from '../blockdevice/types.js';
import { blockDeviceFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { mountsUnder } from '../host/mount.js';
import { removeDirSafely } from '../host/release-resource.js';
import { log, withProgress } from '../log.js';
import { formatBytes } from '../report/summary.js';
import { need, type BuildContext } from './context.js';
import { computeImageSize, treeUsageKiB } from './image-size.js';
import { unmountHookMountsBelow } from './dib-compat-mounts.js';
import { deferredTreeKiB, restoreIntoImage } from './phase-cache.js';
import { rootFsParams } from './prepare.js';
import { tidyImage } from './tidy.js';

/** Bytes of the partitions with an absolute size (percentages take what is left). */
export function fixedPartitionBytes(nodes: readonly ConfigNode[]): number {
  let total = 0;
  for (const n of nodes) {
    if (n.kind !== 'partition' || n.config['size'] === undefined) continue;
    const spec = parseSizeSpec(n.config['size'] as string | number);
    if ('bytes' in spec) total += spec.bytes;
  }
  return total;
}

/** DIB's size step (image-size.ts), then the block-device config validated against that size. */
export async function sizeImage(ctx: BuildContext): Promise<void> {
  const ws = need(ctx.workspace, 'workspace');
  const env = ctx.hostEnv;
  const fs = rootFsParams(ctx);
  const size = computeImageSize({
    treeKiB: deferredTreeKiB(ctx) ?? (await treeUsageKiB(ws.mountPath)),
    imageSizeGB: ctx.opts.imageSizeGB ?? (env['DIB_IMAGE_SIZE'] ? Number(env['DIB_IMAGE_SIZE']) : undefined),
    imageExtraSizeMB: ctx.opts.imageExtraSizeMB ?? (env['DIB_IMAGE_EXTRA_SIZE'] ? Number(env['DIB_IMAGE_EXTRA_SIZE']) : undefined),
    journalSizeMB: ctx.opts.mkfsJournalSizeMB ?? Number(env['DIB_JOURNAL_SIZE'] || 64),
    rootFsType: fs.rootFsType,
    fixedPartitionBytes: fixedPartitionBytes(need(ctx.graph, 'block-device graph').nodes),
    maxOnlineResize: ctx.opts.maxOnlineResize ?? (env['MAX_ONLINE_RESIZE'] ? Number(env['MAX_ONLINE_RESIZE']) : undefined),
    mkfsOptions: ctx.opts.mkfsOptions,
  });
  ctx.imageSize = size;
  log.info(`image size ${(size.bytes / 1024 ** 2).toFixed(0)} MiB: ${size.explanation}`);
  const cfg = need(ctx.blockDeviceConfig, 'block-device config');
  ctx.graph = await loadBlockDeviceConfig(cfg.text, cfg.source, { ...fs, imageSize: size.bytes, rootFsOpts: size.rootFsOpts });
}

/** Moves the tree aside (DIB's `built`) and creates the block device mounted at TMP_MOUNT_PATH. */
export async function createImage(ctx: BuildContext): Promise<void> {
  const ws = need(ctx.workspace, 'workspace');
  const graph = need(ctx.graph, 'block-device graph');
  const size = need(ctx.imageSize, 'image size');
  await unmountHookMountsBelow(ws.mountPath);
  const left = await mountsUnder(ws.mountPath);
  if (left.length > 0) throw blockDeviceFailed(`cannot move the tree: still mounted below it: ${left.join(', ')}`);
  await rm(join(ws.mountPath, 'lost+found'), { recursive: true, force: true });
  await rename(ws.mountPath, builtPath(ctx));
  await mkdir(ws.mountPath, { mode: 0o755 });
  const fs = rootFsParams(ctx);
  ctx.blockDevice = await createBlockDevice(graph, {
    imageDir: ws.imageDir,
    imageSize: size.bytes,
    mountBase: ws.mountPath,
    buildDir: ws.dir,
    rootFsType: fs.rootFsType,
    rootLabel: fs.rootLabel,
    rootFsOpts: size.rootFsOpts,
  }, ctx.release);
  const v = ctx.blockDevice.values();
  log.info(`block device ${v.imageBlockDevice}: ${v.mountPoints.join(' ')}`);
}

function builtPath(ctx: BuildContext): string {
  return join(need(ctx.workspace, 'workspace').dir, 'built');
}

/** Copies the tree into the mounted filesystems (hard links, ACLs, xattrs kept), then drops it. */
export async function copyRootTree(ctx: BuildContext): Promise<void> {
  const ws = need(ctx.workspace, 'workspace');
  const built = builtPath(ctx);
  await withProgress(() => usedIn(ws.mountPath), async () => {
    // a phase-cache snapshot not unpacked yet goes straight into the image (phase-cache.ts)
    if (!(await restoreIntoImage(ctx))) await run('cp', ['-a', `${built}/.`, `${ws.mountPath}/`], { step: 'copy tree' });
  });
  await removeDirSafely(built);
}

/** For the progress line: how full the root filesystem being filled is. */
function usedIn(mountPath: string): string | undefined {
  try {
    const fs = statfsSync(mountPath);
    return `${formatBytes((fs.blocks - fs.bfree) * fs.bsize)} used in the image`;
  } catch {
    return undefined;
  }
}

export async function writeFstab(ctx: BuildContext): Promise<void> {
  const ws = need(ctx.workspace, 'workspace');
  const text = need(ctx.blockDevice, 'block device').fstabText();
  await mkdir(join(ws.mountPath, 'etc'), { recursive: true });
  await writeFile(join(ws.mountPath, 'etc/fstab'), text, { mode: 0o644 });
  log.info(`fstab:\n${text.trimEnd()}`);
}

export async function tidyTree(ctx: BuildContext): Promise<void> {
  await tidyImage(need(ctx.workspace, 'workspace').mountPath);
}

/** Unmounts in reverse order (the vfat staging trees are copied in) and detaches the loops. */
export async function unmountImage(ctx: BuildContext): Promise<void> {
  await need(ctx.blockDevice, 'block device').umount();
}

export async function releaseBlockDevice(ctx: BuildContext): Promise<void> {
  await ctx.blockDevice?.cleanup();
}
