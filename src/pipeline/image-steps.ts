/**
 * The steps that turn the finished tree into a disk: size it, create the block device (loop,
 * partitions, filesystems, mounts), copy the tree in, write fstab, and unmount.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { createBlockDevice } from '../blockdevice/lifecycle.js';
import { sizeBlockDeviceGraph } from '../blockdevice/load-config.js';
import { parseSizeSpec } from '../blockdevice/size.js';
import type { ConfigNode } from '../blockdevice/types.js';
import { blockDeviceFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { mountsUnder } from '../host/mount.js';
import { removeDirSafely } from '../host/release-resource.js';
import { log, withProgress } from '../log.js';
import { formatBytes } from '../report/summary.js';
import type { ImageBuild, SizedBuild, TreeBuild } from './context.js';
import type { PhaseCacheEntry } from './cache/cache-store.js';
import { computeImageSize, treeUsageKiB } from './image-size.js';
import { unmountHookMountsBelow } from './dib-compat-mounts.js';
import { restoreSnapshotIntoImage } from './cache/phase-cache.js';
import { diskParams, rootFsParams } from './prepare.js';
import { tidyImage } from './tidy.js';
import type { Workspace } from './workspace.js';

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

/**
 * DIB's size step (image-size.ts), then the block-device graph bound to that size (the mkfs_root
 * options it implies, partitions checked against the disk). A snapshot restored into the image
 * later stands in with the tree size recorded when it was saved.
 */
export async function sizeImage(tree: TreeBuild): Promise<SizedBuild> {
  const { opts, hostEnv: env } = tree;
  const fs = rootFsParams(tree);
  const snapshot = tree.phaseCache?.snapshot;
  const size = computeImageSize({
    treeKiB: snapshot?.into === 'image' ? snapshot.treeKiB : await treeUsageKiB(tree.workspace.mountPath),
    imageSizeGB: opts.imageSizeGB ?? (env['DIB_IMAGE_SIZE'] ? Number(env['DIB_IMAGE_SIZE']) : undefined),
    imageExtraSizeMB: opts.imageExtraSizeMB ?? (env['DIB_IMAGE_EXTRA_SIZE'] ? Number(env['DIB_IMAGE_EXTRA_SIZE']) : undefined),
    journalSizeMB: opts.mkfsJournalSizeMB ?? Number(env['DIB_JOURNAL_SIZE'] || 64),
    rootFsType: fs.rootFsType,
    fixedPartitionBytes: fixedPartitionBytes(tree.graph.nodes),
    maxOnlineResize: opts.maxOnlineResize ?? (env['MAX_ONLINE_RESIZE'] ? Number(env['MAX_ONLINE_RESIZE']) : undefined),
    mkfsOptions: opts.mkfsOptions,
  });
  log.info(`image size ${(size.bytes / 1024 ** 2).toFixed(0)} MiB: ${size.explanation}`);
  const graph = sizeBlockDeviceGraph(tree.graph, { ...fs, imageSize: size.bytes, rootFsOpts: size.rootFsOpts });
  return { ...tree, imageSize: size, graph };
}

/** Moves the tree aside (DIB's `built`) and creates the block device mounted at TMP_MOUNT_PATH. */
export async function createImage(sized: SizedBuild): Promise<ImageBuild> {
  const { workspace: ws } = sized;
  await unmountHookMountsBelow(ws.mountPath);
  const left = await mountsUnder(ws.mountPath);
  if (left.length > 0) throw blockDeviceFailed(`cannot move the tree: still mounted below it: ${left.join(', ')}`);
  await rm(join(ws.mountPath, 'lost+found'), { recursive: true, force: true });
  await rename(ws.mountPath, builtPath(ws));
  await mkdir(ws.mountPath, { mode: 0o755 });
  const blockDevice = await createBlockDevice(sized.graph, diskParams(sized), sized.release);
  const v = blockDevice.values();
  log.info(`block device ${v.imageBlockDevice}: ${v.mountPoints.join(' ')}`);
  return { ...sized, blockDevice };
}

/** Where `block device` moves the tree (DIB's `built`). */
function builtPath(ws: Workspace): string {
  return join(ws.dir, 'built');
}

/** Copies the tree into the mounted filesystems (hard links, ACLs, xattrs kept), then drops it. */
export async function copyRootTree(image: ImageBuild): Promise<void> {
  const ws = image.workspace;
  const built = builtPath(ws);
  await withProgress(() => usedIn(ws.mountPath), () => run('cp', ['-a', `${built}/.`, `${ws.mountPath}/`], { step: 'copy tree' }));
  await removeDirSafely(built);
}

/** In place of `copy tree` after a hit (phase-cache.ts): the snapshot unpacked into the mounted filesystems; the empty tree moved aside is dropped. */
export async function fillImageFromSnapshot(image: ImageBuild, entry: PhaseCacheEntry): Promise<void> {
  const ws = image.workspace;
  await withProgress(() => usedIn(ws.mountPath), () => restoreSnapshotIntoImage(entry, ws.mountPath));
  await removeDirSafely(builtPath(ws));
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

export async function writeFstab(image: ImageBuild): Promise<void> {
  const text = image.blockDevice.fstabText();
  await mkdir(join(image.workspace.mountPath, 'etc'), { recursive: true });
  await writeFile(join(image.workspace.mountPath, 'etc/fstab'), text, { mode: 0o644 });
  log.info(`fstab:\n${text.trimEnd()}`);
}

export async function tidyTree(image: ImageBuild): Promise<void> {
  await tidyImage(image.workspace.mountPath);
}

/** Unmounts in reverse order (the vfat staging trees are copied in) and detaches the loops. */
export async function unmountImage(image: ImageBuild): Promise<void> {
  await image.blockDevice.umount();
}

/** Step `release`: the block device's state is removed (on failure the release stack undoes the rest). */
export async function releaseBlockDevice(image: ImageBuild): Promise<void> {
  await image.blockDevice.cleanup();
}
