// Offline assembly (src/blockdevice/offline/) against the loop path, on the same config and the same
// tree (test/helpers/rich-tree.ts): the loop path creates the block device on loop devices, copies
// the tree in with `cp -a` and unmounts; offline assembly writes the same disk into a file with no
// loop device and no mount. Then, filesystem by filesystem: same type, label and UUID; a clean fsck;
// the same files with the same owners, modes, xattrs, ACLs, hard links, device nodes and symlinks;
// the same whole-second mtimes and sparse allocation; the same fstab and block-device values.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockDeviceValues } from '../../../src/blockdevice/lifecycle/block-device-values.js';
import { assembleDisk } from '../../../src/blockdevice/offline/assemble-disk.js';
import { planOfflineDisk, type OfflinePlan } from '../../../src/blockdevice/offline/plan-from-graph.js';
import type { BlockDeviceState } from '../../../src/blockdevice/types.js';
import { ReleaseStack } from '../../../src/host/release-stack.js';
import { makeRichTree, RICH_TREE_TIME } from '../../helpers/rich-tree.js';
import { esp, FSTAB_ROOT, FSTAB_SECONDARY, gptBootLayout, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { diffTrees, readTree, type TreeRecord } from '../../helpers/tree-compare.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';
import { createIn, expectNoLeaks, loadGraph, probe, skipLifecycle, vfatCat, vfatTree, workspacePerTest, type Workspace } from './fixture.js';
import { extShape, fsck, listFilesystem, tableShape } from './offline-compare.js';

const skip =
  skipLifecycle('offline assembly against the loop path') ||
  skipUnless(['setfattr', 'mkfs.btrfs', 'btrfs', 'fsck.vfat'].every(hasCommand), 'offline assembly against the loop path', 'setfattr, mkfs.btrfs, btrfs or fsck.vfat is missing');

/** GPT with ESP, BIOS boot, /boot (`bootSize`) and /, fixed labels and UUIDs. */
function separateBoot(bootSize = '48MiB'): string {
  return gptBootLayout({
    disk: { size: '160MiB' },
    espSize: '32MiB',
    bootSize,
    esp: { label: 'ESP', uuid: '1234-ABCD' },
    boot: { uuid: '11111111-2222-4333-8444-555555555555' },
    root: { type: 'ext4', label: 'cloudimg-rootfs', uuid: '66666666-7777-4888-8999-aaaaaaaaaaaa' },
  });
}

// elements/block-device-mbr's layout with fixed ids, on a disk past 512 MiB (where mkfs.vfat --offset
// on the image file would pick FAT32 by the file's size and fail for the 32 MiB ESP)
const MBR_DEFAULT = partitionedDisk(
  'mbr',
  [
    { ...esp('32MiB', { label: 'ESP', uuid: '0BAD-F00D', fstab: FSTAB_SECONDARY }), type: '0xef', flags: ['primary'] },
    rootPartition({ name: 'mkfs_root', type: 'ext4', uuid: '0f0f0f0f-1111-4222-8333-444444444444', fstab: FSTAB_ROOT }, { type: '0x83', flags: ['boot', 'primary'] }),
  ],
  { size: '1GiB' },
);

const PLAIN_EXT4 = `
- local_loop:
    name: image0
    size: 96MiB
- mkfs:
    name: mkfs_root
    base: image0
    type: ext4
    label: plain
    uuid: 12121212-3434-4565-8787-909090909090
    opts: "-E lazy_itable_init=1 -i 8192"
    mount:
      mount_point: /
      fstab: { options: "defaults,noatime", fsck-passno: 1 }
`;

const BTRFS_AND_SWAP = `
- local_loop:
    name: image0
    size: 288MiB
- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: swap
        type: '8200'
        size: 16MiB
        mkfs:
          type: swap
          label: swap0
          uuid: 21212121-4343-4565-8787-909090909090
          mount:
            mount_point: none
            fstab: {}
      - name: root
        size: 100%
        mkfs:
          name: mkfs_root
          type: btrfs
          label: broot
          uuid: 31313131-4343-4565-8787-909090909090
          mount:
            mount_point: /
            fstab: { options: "defaults", fsck-passno: 0 }
`;

interface Built {
  image: string;
  state: BlockDeviceState;
}

/** The loop path: block device on loop devices, `cp -a` of the tree, umount (the ESP is filled with mtools then). */
async function loopPath(ws: Workspace, yaml: string, tree: string): Promise<Built> {
  const { session, state, image } = await createIn(ws, yaml, { partitionDevices: 'offset' });
  execFileSync('cp', ['-a', `${tree}/.`, `${ws.params.mountBase}/`]);
  await session.cleanup();
  expectNoLeaks(ws);
  return { image, state };
}

async function offlinePath(ws: Workspace, yaml: string, tree: string): Promise<Built & { plan: OfflinePlan }> {
  const params = { ...ws.params, imageDir: join(ws.root, 'offline'), mountBase: tree };
  mkdirSync(params.imageDir);
  const plan = await planOfflineDisk(await loadGraph(yaml, ws), params);
  const release = new ReleaseStack();
  const disk = await assembleDisk(plan.disk, tree, { workDir: ws.root, release });
  disk.imageHandle.forget();
  expect(release.size).toBe(0);
  return { image: disk.image, state: plan.state, plan };
}

/** The mtimes that must match: everything but lost+found and the mount-point directories (both made at build time). */
function stableMtimes(m: Map<string, number>, mountPoints: readonly string[]): Map<string, number> {
  return new Map([...m].filter(([p]) => p !== '/lost+found' && !p.startsWith('/lost+found/') && !mountPoints.includes(p)));
}

/** What makes the tree rich must be there at all: equal listings could otherwise both have lost it. */
function expectRichTreeKept(tree: Map<string, TreeRecord>, deviceNodes: boolean): void {
  expect(Object.keys(tree.get('/usr/bin/ping')?.xattrs ?? {})).toContain('security.capability');
  expect(Object.keys(tree.get('/srv/data/acl')?.xattrs ?? {})).toContain('system.posix_acl_access');
  expect(Object.keys(tree.get('/var/lib/app')?.xattrs ?? {})).toContain('system.posix_acl_default');
  expect(tree.get('/srv/data/xattr')?.xattrs?.['user.tsdib']).toBe(Buffer.from('hello').toString('hex'));
  expect(tree.get('/srv/data/copyright.other-dir')?.hardlinkGroup).toBe('/srv/data/copyright.other-dir');
  expect(tree.get('/usr/share/doc/pkg/copyright')?.hardlinkGroup).toBe('/srv/data/copyright.other-dir');
  expect(tree.get('/usr/bin/su')).toMatchObject({ mode: 0o4755 });
  expect(tree.get('/var/lib/app')).toMatchObject({ mode: 0o750, uid: 42, gid: 43 });
  expect(tree.get('/srv/data/fifo')).toMatchObject({ type: 'fifo' });
  expect(tree.get('/srv/data/name with spaces\nand a newline')).toMatchObject({ type: 'file', size: 4 });
  if (deviceNodes) expect(tree.get('/dev/loop9')).toMatchObject({ type: 'block', dev: '7:9' });
}

/** The tree as a tar listing, to show offline assembly put it back together. */
async function treeListing(tree: string, work: string): Promise<Map<string, TreeRecord>> {
  const tar = join(work, `tree-${Date.now()}.tar`);
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', tree, '-cf', tar, '.']);
  return readTree(tar, { volatile: [] });
}

async function expectSameDisks(ws: Workspace, yaml: string, treeOpts: Parameters<typeof makeRichTree>[1] = {}): Promise<void> {
  const tree = join(ws.root, 'tree');
  mkdirSync(tree);
  makeRichTree(tree, treeOpts);
  const loop = await loopPath(ws, yaml, tree);
  const before = await treeListing(tree, ws.root);
  const offline = await offlinePath(ws, yaml, tree);
  expectNoLeaks(ws);
  expect(diffTrees(before, await treeListing(tree, ws.root), ['before', 'after'])).toEqual([]);

  expect(offline.state.fstab).toEqual(loop.state.fstab);
  expect(offline.state.mounts.map((m) => m.mountPoint)).toEqual(loop.state.mounts.map((m) => m.mountPoint));
  const nodes = (await loadGraph(yaml, ws)).nodes;
  const values = (s: BlockDeviceState) => {
    const { imagePath: _p, imageBlockDevice: _d, imageBlockDevices: _ds, ...v } = blockDeviceValues(s, nodes);
    return v;
  };
  expect(values(offline.state)).toEqual(values(loop.state));
  if (offline.plan.disk.layout) expect(tableShape(offline.image)).toEqual(tableShape(loop.image));

  const innerMountPoints = offline.plan.disk.filesystems.flatMap((f) => (f.mountPoint && f.mountPoint !== '/' && f.mountPoint !== 'none' ? [f.mountPoint] : []));
  for (const fs of offline.plan.disk.filesystems) {
    const region = { offset: fs.offset, size: fs.size };
    const what = `${fs.spec.type} ${fs.name}`;
    const theirs = probe(loop.image, fs.offset);
    const ours = probe(offline.image, fs.offset);
    const ids = (p: Record<string, string>) => ({ TYPE: p['TYPE'], VERSION: p['VERSION'], LABEL: p['LABEL'], UUID: p['UUID'] });
    expect(ids(ours), what).toEqual(ids(theirs));
    if (fs.spec.type === 'swap') continue;
    if (fs.spec.type.startsWith('ext')) {
      const shape = extShape(offline.image, fs.offset);
      expect(Object.keys(shape).length, `${what}: dumpe2fs fields`).toBeGreaterThanOrEqual(7);
      expect(shape, what).toEqual(extShape(loop.image, fs.offset));
    }
    const check = fsck(offline.image, region, fs.spec.type);
    expect(check.status, `${what}: ${check.output}`).toBe(0);
    if (fs.spec.type === 'vfat') {
      expect(vfatTree(offline.image, fs.offset), what).toEqual(vfatTree(loop.image, fs.offset));
      expect(vfatCat(offline.image, fs.offset, '/EFI/BOOT/grub.cfg')).toBe(vfatCat(loop.image, fs.offset, '/EFI/BOOT/grub.cfg'));
      continue;
    }
    const a = await listFilesystem(loop.image, region, fs.spec.type);
    const b = await listFilesystem(offline.image, region, fs.spec.type);
    expect(diffTrees(a.tree, b.tree, ['loop', 'offline']), what).toEqual([]);
    if (fs.mountPoint === '/') expectRichTreeKept(b.tree, treeOpts.deviceNodes ?? true);
    // below this filesystem's root, the mount points of the others are relative paths of it
    const relMounts = innerMountPoints.map((mp) => (fs.mountPoint === '/' ? mp : mp.slice((fs.mountPoint ?? '').length))).filter((p) => p.startsWith('/'));
    expect(Object.fromEntries(stableMtimes(b.mtimes, relMounts)), what).toEqual(Object.fromEntries(stableMtimes(a.mtimes, relMounts)));
    expect([...stableMtimes(b.mtimes, relMounts).values()].every((t) => t === RICH_TREE_TIME), `${what}: every mtime is the tree's`).toBe(true);
    if (fs.mountPoint === '/' && fs.spec.type !== 'btrfs') expect(b.blocks.get('/srv/data/sparse'), `${what}: the sparse file stays sparse`).toBe(a.blocks.get('/srv/data/sparse'));
  }
}

describe.skipIf(skip)('offline assembly makes the disk the loop path makes', () => {
  const newWorkspace = workspacePerTest();

  it('GPT with a separate /boot and /boot/efi (vfat) and a BIOS boot partition', async () => {
    await expectSameDisks(await newWorkspace(), separateBoot());
  });

  it("block-device-mbr's layout: MBR, vfat ESP at /boot/efi, ext4 root", async () => {
    await expectSameDisks(await newWorkspace(), MBR_DEFAULT);
  });

  it('one ext4 filesystem on the whole disk, its -E options merged with the offset', async () => {
    await expectSameDisks(await newWorkspace(), PLAIN_EXT4);
  });

  it('btrfs root (from --rootdir, copied in without its holes) and swap, on a tree without device nodes', async () => {
    await expectSameDisks(await newWorkspace(), BTRFS_AND_SWAP, { deviceNodes: false });
  });

  it('refuses a btrfs filesystem whose part of the tree holds device nodes, before the image exists', async () => {
    const ws = await newWorkspace();
    const tree = join(ws.root, 'tree');
    mkdirSync(tree);
    makeRichTree(tree);
    const params = { ...ws.params, imageDir: join(ws.root, 'offline'), mountBase: tree };
    const plan = await planOfflineDisk(await loadGraph(BTRFS_AND_SWAP, ws), params);
    const release = new ReleaseStack();
    await expect(assembleDisk(plan.disk, tree, { workDir: ws.root, release })).rejects.toThrow(/btrfs mkfs_root \(\/\): the tree holds device nodes \(\/dev\/loop9, \/dev\/null\), which mkfs.btrfs --rootdir writes as 0:0/);
    expect(release.size).toBe(0);
    expect(existsSync(plan.disk.image)).toBe(false);
  });

  it('releases the image and its scratch files and puts the tree back when a filesystem cannot be made', async () => {
    const ws = await newWorkspace();
    const tree = join(ws.root, 'tree');
    mkdirSync(tree);
    makeRichTree(tree);
    writeFileSync(join(tree, 'boot/too-big'), randomBytes(20 * 1024 * 1024));
    const before = await treeListing(tree, ws.root);
    const params = { ...ws.params, imageDir: join(ws.root, 'offline'), mountBase: tree };
    mkdirSync(params.imageDir);
    const plan = await planOfflineDisk(await loadGraph(separateBoot('8MiB'), ws), params);
    const release = new ReleaseStack();
    await expect(assembleDisk(plan.disk, tree, { workDir: ws.root, release })).rejects.toThrow(/mkfs .*exited 1/);
    await release.releaseAll();
    expect(readdirSync(params.imageDir)).toEqual([]);
    expect(existsSync(join(ws.root, 'offline-assembly'))).toBe(false);
    expect(diffTrees(before, await treeListing(tree, ws.root), ['before', 'after'])).toEqual([]);
    expectNoLeaks(ws);
  });
});
