/**
 * Undoes what a killed build's block device left, from its state file (for `tsdib cleanup`):
 * the held resources in reverse, then a sweep — anything still mounted under the mount base or at
 * a recorded mount point is unmounted (deepest first), and every loop device whose backing file
 * is one of the recorded images or lies in the build dir is detached. Each step first checks the
 * resource is still what the state says, so running it twice is harmless.
 */
import { rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { hasDeviceMapper } from '../../host/device-mapper.js';
import { run } from '../../host/exec.js';
import { listLoops } from '../../host/loop.js';
import { mountsUnder, unmountPath } from '../../host/mount.js';
import { releaseResource } from '../../host/release-resource.js';
import type { ReleaseFailure, Resource } from '../../host/release-stack.js';
import { log } from '../../log.js';
import { detachLoopAndWait } from './detach-loop.js';
import { removeKernelPartitions } from './partition-devices.js';
import { loadBlockDeviceState, type SavedBlockDevice } from './saved-state.js';

function inside(path: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, '');
  return path === d || path.startsWith(`${d}/`);
}

/** The backing file losetup shows, without the " (deleted)" it appends for a removed file. */
function backingPath(backingFile: string): string {
  return backingFile.replace(/ \(deleted\)$/, '');
}

async function releaseOther(saved: SavedBlockDevice, description: string): Promise<void> {
  const disk = /^kernel partitions of (\/dev\/loop\d+)$/.exec(description)?.[1];
  if (disk) {
    const images = Object.values(saved.extras.images).map((i) => i.image);
    const attached = (await listLoops()).find((l) => l.device === disk);
    if (attached && images.includes(backingPath(attached.backingFile))) await removeKernelPartitions(disk);
    return;
  }
  const lv = /^LVM LV (.+)$/.exec(description)?.[1];
  const vg = /^LVM VG (.+)$/.exec(description)?.[1];
  if ((lv || vg) && (await hasDeviceMapper())) {
    if (lv) await run('lvchange', ['-an', lv], { step: 'release lvchange', afterInterrupt: true, okExitCodes: [0, 5] });
    if (vg) await run('vgchange', ['-an', vg], { step: 'release vgchange', afterInterrupt: true, okExitCodes: [0, 5] });
  }
}

async function releaseSaved(saved: SavedBlockDevice, r: Resource): Promise<void> {
  if (r.kind === 'other') await releaseOther(saved, r.description);
  else await releaseResource(r);
}

/**
 * Releases what the block device recorded in `stateFile` still holds. Returns the releases that
 * failed (each also logged); when none failed, the state directory is removed. A missing state
 * file means there is nothing to do.
 */
export async function releaseFromState(stateFile: string): Promise<ReleaseFailure[]> {
  let saved: SavedBlockDevice;
  try {
    saved = loadBlockDeviceState(stateFile);
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return [];
    throw e;
  }
  const failures: ReleaseFailure[] = [];
  const attempt = async (label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.warn(`release failed: ${label}: ${message}`);
      failures.push({ label, message });
    }
  };

  // 1. what the state says is held, newest first (unmounts before detaches before file removal)
  for (const h of [...saved.held].reverse()) await attempt(h.label, () => releaseSaved(saved, h.resource));

  // 2. sweep: mounts under the mount base or at recorded mount points, deepest first
  const mountRoots = [saved.params.mountBase, ...saved.state.mounts.map((m) => m.path)].filter((p) => p && isAbsolute(p) && resolve(p) !== '/');
  const mounted = new Set<string>();
  for (const root of mountRoots) for (const m of await mountsUnder(root)) mounted.add(m);
  for (const m of [...mounted].sort((a, b) => b.length - a.length)) await attempt(`unmount ${m}`, () => unmountPath(m));

  // 3. sweep: loop devices backed by our images or by files in the build dir (partitions first)
  const images = new Set(Object.values(saved.extras.images).map((i) => i.image));
  const buildDir = saved.params.buildDir && isAbsolute(saved.params.buildDir) && resolve(saved.params.buildDir) !== '/' ? saved.params.buildDir : undefined;
  const ours = (await listLoops()).filter((l) => {
    const file = backingPath(l.backingFile);
    return images.has(file) || (buildDir !== undefined && inside(file, buildDir));
  });
  const disks = new Set(Object.values(saved.state.blockdev).filter((b) => b.image && !b.offset).map((b) => b.device));
  ours.sort((a, b) => Number(disks.has(a.device)) - Number(disks.has(b.device)));
  for (const l of ours) await attempt(`detach ${l.device} (${l.backingFile})`, () => detachLoopAndWait(l.device, backingPath(l.backingFile)));

  if (failures.length === 0) {
    await rm(stateFile, { force: true });
    await rmdir(dirname(stateFile)).catch(() => undefined);
  }
  return failures;
}
