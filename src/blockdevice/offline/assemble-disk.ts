/**
 * Offline assembly: the whole disk written into one image file from the finished root tree, with
 * no loop device and no mount. In order: every filesystem is checked against the tree (nothing is
 * written before all pass); the image file is made (sparse) and its removal registered; the
 * partition table is written by our own writer — a build does these before pre-finalise.d, so hooks
 * see the disk's layout; after the late phases, the tree is split per mount point (renames), each
 * filesystem is made and filled at its offset, and the tree is put back together.
 */
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed } from '../../errors.js';
import { removeDirSafely } from '../../host/release-resource.js';
import type { ReleaseHandle, ReleaseStack } from '../../host/release-stack.js';
import { withStep } from '../../log.js';
import { writePartitionTable, type WrittenTable } from '../partition-table/write-table.js';
import type { OfflineDisk, OfflineFilesystem } from './offline-disk.js';
import { offlinePopulator } from './populators.js';
import type { FilesystemPopulator } from './populator.js';
import { splitTree } from './tree-split.js';

export interface AssembleOptions {
  /** Where scratch files go: a new directory is made in it and removed afterwards (same filesystem as the tree). */
  workDir: string;
  release: ReleaseStack;
  /** SOURCE_DATE_EPOCH: the time mkfs writes into the filesystems. */
  sourceDateEpoch?: number;
}

export interface AssembledDisk {
  image: string;
  /** The partition table written, or undefined for a filesystem on the whole disk. */
  table: WrittenTable | undefined;
  /** The image's removal on the release stack: `forget()` it once the image is the build's output. */
  imageHandle: ReleaseHandle;
}

function populatorOf(fs: OfflineFilesystem): FilesystemPopulator {
  const p = offlinePopulator(fs.spec.type);
  if ('unsupported' in p) {
    throw blockDeviceFailed(`filesystem ${fs.name} (${fs.spec.type}${fs.mountPoint ? ` at ${fs.mountPoint}` : ''}) cannot be assembled offline: ${p.unsupported}`, {
      node: fs.name,
      hint: 'use ext4 or btrfs, or build as root on loop devices (the loop path)',
    });
  }
  return p;
}

/** Every problem of the disk against the tree, before anything is written; throws them all at once. */
export async function checkOfflineDisk(disk: OfflineDisk, tree: string): Promise<void> {
  const problems: string[] = [];
  for (const fs of disk.filesystems) {
    let p: FilesystemPopulator;
    try {
      p = populatorOf(fs);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const source = fs.mountPoint && fs.mountPoint !== 'none' ? join(tree, fs.mountPoint) : undefined;
    if (p.check) problems.push(...(await p.check(fs, source)));
  }
  if (problems.length > 0) {
    throw blockDeviceFailed(problems.length === 1 ? problems[0]! : `${problems.length} filesystems cannot be assembled offline`, {
      ...(problems.length > 1 ? { details: problems } : {}),
      hint: 'build as root on loop devices (the loop path) for these',
    });
  }
}

async function createImageFile(path: string, size: number): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st && !st.isFile()) throw blockDeviceFailed(`${path} exists and is not a regular file; refusing to replace it with a disk image`);
  await rm(path, { force: true });
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

/**
 * The first half: the image file (sparse, its removal registered) with its partition table, so a
 * hook given IMAGE_BLOCK_DEVICE finds the disk's layout before the filesystems are made.
 */
export async function createOfflineImage(disk: OfflineDisk, release: ReleaseStack): Promise<Omit<AssembledDisk, 'image'>> {
  const imageHandle = release.push(`remove ${disk.image}`, { kind: 'file', path: disk.image }, () => rm(disk.image, { force: true }));
  await createImageFile(disk.image, disk.size);
  const table = disk.layout ? await writePartitionTable(disk.image, disk.layout, disk.tableOptions) : undefined;
  return { table, imageHandle };
}

/**
 * The second half: every filesystem made at its offset in the image and filled from its part of
 * `tree`. Scratch files are released with the stack on failure; the tree is always put back together.
 */
export async function populateOfflineDisk(disk: OfflineDisk, tree: string, opts: AssembleOptions): Promise<void> {
  const work = join(opts.workDir, 'offline-assembly');
  await mkdir(work);
  const workHandle = opts.release.push(`remove ${work}`, { kind: 'dir', path: work }, () => removeDirSafely(work));
  const aside = join(work, 'aside');
  const scratchDir = join(work, 'scratch');
  await mkdir(aside);
  await mkdir(scratchDir);
  const mounted = disk.filesystems.flatMap((f) => (f.mountPoint && f.mountPoint !== 'none' ? [f.mountPoint] : []));
  const split = await splitTree(tree, mounted, aside, opts.sourceDateEpoch !== undefined ? { epoch: opts.sourceDateEpoch } : {});
  try {
    for (const fs of disk.filesystems) {
      const source = fs.mountPoint && fs.mountPoint !== 'none' ? split.sources.get(fs.mountPoint) : undefined;
      await withStep(`${fs.spec.type} ${fs.name}${fs.mountPoint && fs.mountPoint !== 'none' ? ` (${fs.mountPoint})` : ''}`, () =>
        populatorOf(fs).populate(fs, source, { image: disk.image, scratchDir, ...(opts.sourceDateEpoch !== undefined ? { sourceDateEpoch: opts.sourceDateEpoch } : {}) }),
      );
    }
  } finally {
    await split.restore();
  }
  await workHandle.release();
}

/** Both halves at once: checks, image and table, filesystems. */
export async function assembleDisk(disk: OfflineDisk, tree: string, opts: AssembleOptions): Promise<AssembledDisk> {
  await checkOfflineDisk(disk, tree);
  const made = await createOfflineImage(disk, opts.release);
  await populateOfflineDisk(disk, tree, opts);
  return { image: disk.image, ...made };
}
