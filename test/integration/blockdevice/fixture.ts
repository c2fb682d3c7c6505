// Shared set-up for the block-device lifecycle tests: a tmp workspace, params, a release stack,
// and oracles that read the raw image directly (sfdisk, blkid -p -O, debugfs, mtools).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dir, type DirectoryResult } from 'tmp-promise';
import { afterEach, expect } from 'vitest';
import { createBlockDevice, type BlockDeviceSession, type LifecycleOptions } from '../../../src/blockdevice/lifecycle.js';
import { loadBlockDeviceConfig } from '../../../src/blockdevice/load-config.js';
import type { BlockDeviceGraph, BlockDeviceParams } from '../../../src/blockdevice/types.js';
import { ReleaseStack } from '../../../src/host/release-stack.js';
import { hostSnapshot, leaked, type HostSnapshot } from '../../helpers/host-state.js';
import { hasCommand, hasLoop, skipUnless } from '../../helpers/resources.js';

export const MIB = 1024 * 1024;

export const canRun = hasLoop && ['sfdisk', 'blkid', 'debugfs', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'mdir', 'partx'].every(hasCommand);
export const whyNot = hasLoop ? 'a block-device tool is missing (sfdisk, blkid, debugfs, mkfs.ext4, mkfs.vfat, mtools, partx)' : 'needs root and /dev/loop-control';

/** Whether the block-device tests of `what` must skip here (prints the reason when they must). */
export function skipLifecycle(what = 'block-device lifecycle on loop devices'): boolean {
  return skipUnless(canRun, what, whyNot);
}

export interface Workspace {
  root: string;
  params: BlockDeviceParams;
  release: ReleaseStack;
  before: HostSnapshot;
  tmp: DirectoryResult;
}

export async function makeWorkspace(imageSize = 64 * MIB): Promise<Workspace> {
  const tmp = await dir({ unsafeCleanup: true, prefix: 'tsdib-bd-' });
  const root = tmp.path;
  mkdirSync(join(root, 'build'));
  const params: BlockDeviceParams = {
    imageDir: join(root, 'images'),
    imageSize,
    mountBase: join(root, 'mnt'),
    buildDir: join(root, 'build'),
    rootFsType: 'ext4',
    rootLabel: undefined,
    rootFsOpts: undefined,
  };
  return { root, params, release: new ReleaseStack(), before: hostSnapshot(), tmp };
}

/** Releases whatever a test left and removes its tmp dir; returns what leaked before that release. */
export async function disposeWorkspace(ws: Workspace | undefined): Promise<void> {
  if (!ws) return;
  await ws.release.releaseAll();
  await ws.tmp.cleanup();
}

/**
 * For a describe block: each test makes its workspace with the returned function, and an afterEach
 * releases and removes it (after `beforeDispose`, for what is not on the workspace's release stack).
 */
export function workspacePerTest(beforeDispose?: (ws: Workspace) => Promise<unknown>): (imageSize?: number) => Promise<Workspace> {
  let ws: Workspace | undefined;
  afterEach(async () => {
    if (ws && beforeDispose) await beforeDispose(ws);
    await disposeWorkspace(ws);
    ws = undefined;
  });
  return async (imageSize) => (ws = await makeWorkspace(imageSize));
}

/** The raw image of the `local_loop` node `disk` in the workspace. */
export function imageOf(ws: Workspace, disk = 'image0'): string {
  return join(ws.params.imageDir, `${disk}.raw`);
}

/** Creates the block device of a config in the workspace: the session, its state and the raw image of `disk`. */
export async function createIn(
  ws: Workspace,
  yaml: string,
  options: LifecycleOptions = {},
  disk = 'image0',
): Promise<{ session: BlockDeviceSession; state: BlockDeviceSession['state']; image: string }> {
  const session = await createBlockDevice(await loadGraph(yaml, ws), ws.params, ws.release, options);
  return { session, state: session.state, image: imageOf(ws, disk) };
}

/** Asserts that no loop device or mount of the workspace is left on the host. */
export function expectNoLeaks(ws: Workspace): void {
  expect(leaksSince(ws)).toEqual({ loops: [], mounts: [] });
}

/** Cleans the session up; then nothing of the workspace is attached or mounted and only the raw image `disk` is left in it. */
export async function cleanupLeavesOnlyImage(session: BlockDeviceSession, ws: Workspace, disk = 'image0'): Promise<void> {
  await session.cleanup();
  expectNoLeaks(ws);
  expect(treeOf(ws.root)).toEqual(['build/', 'images/', `images/${disk}.raw`]);
}

/**
 * Loop devices and mounts of this workspace still on the host: loops whose backing file is inside
 * it, and mounts new since the workspace was made that lie inside it. Other tests and builds run
 * on this host at the same time (and reuse loop device numbers), so only what is ours counts.
 */
export function leaksSince(ws: Workspace): HostSnapshot {
  const inside = (p: string | undefined) => p !== undefined && (p === ws.root || p.startsWith(`${ws.root}/`));
  const loops = execFileSync('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const)
    .filter(([, file]) => inside(file))
    .map(([name]) => name)
    .sort();
  return { loops, mounts: leaked(ws.before, hostSnapshot()).mounts.filter(inside) };
}

/** Every file and directory under `dir`, relative, sorted. */
export function treeOf(dirPath: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${r}/` : r);
      if (e.isDirectory()) walk(join(d, e.name), r);
    }
  };
  walk(dirPath, '');
  return out.sort();
}

/** The validated graph of a block-device config, as a build loads it (params fill mkfs_root and the disk size). */
export function loadGraph(yaml: string, ws: Workspace): Promise<BlockDeviceGraph> {
  return loadBlockDeviceConfig(yaml, 'test config', ws.params);
}

export interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  bootable?: boolean;
  name?: string;
}

export function sfdiskJson(image: string): { label: string; sectorsize?: number; partitions: SfdiskPartition[] } {
  const out = execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' });
  return (JSON.parse(out) as { partitiontable: { label: string; sectorsize?: number; partitions: SfdiskPartition[] } }).partitiontable;
}

/** blkid's probe of the filesystem at `offset` bytes in `image`: TYPE, LABEL, UUID… */
export function probe(image: string, offset: number): Record<string, string> {
  const out = execFileSync('blkid', ['-p', '-O', String(offset), '-o', 'export', image], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** A file's contents in the ext filesystem at `offset`, read by debugfs from the image (no mount). */
export function extCat(image: string, offset: number, path: string): string {
  return execFileSync('debugfs', ['-R', `cat ${path}`, `${image}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Names in a directory of the ext filesystem at `offset` (debugfs `ls -p`), without . and ... */
export function extLs(image: string, offset: number, path: string): string[] {
  const out = execFileSync('debugfs', ['-R', `ls -p ${path}`, `${image}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .map((l) => l.split('/')[5])
    .filter((n): n is string => n !== undefined && n !== '' && n !== '.' && n !== '..')
    .sort();
}

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1', MTOOLSRC: '/dev/null' };

/** Every path in the vfat filesystem at `offset` (mdir -/ -b), sorted. */
export function vfatTree(image: string, offset: number): string[] {
  const out = execFileSync('mdir', ['-i', `${image}@@${offset}`, '-/', '-b', '::/'], { encoding: 'utf8', env: MTOOLS_ENV });
  return out
    .split('\n')
    .filter((l) => l.startsWith('::/'))
    .map((l) => l.slice(2))
    .sort();
}

export function vfatCat(image: string, offset: number, path: string): string {
  return execFileSync('mtype', ['-i', `${image}@@${offset}`, `::${path}`], { encoding: 'utf8', env: MTOOLS_ENV });
}
