import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitTree } from '../../../../src/blockdevice/offline/tree-split.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(): { tree: string; aside: string } {
  const root = mkdtempSync(join(tmpdir(), 'tsdib-split-'));
  dirs.push(root);
  const tree = join(root, 'tree');
  const aside = join(root, 'aside');
  mkdirSync(join(tree, 'boot/efi/EFI'), { recursive: true });
  mkdirSync(join(tree, 'etc'));
  mkdirSync(aside);
  writeFileSync(join(tree, 'boot/vmlinuz'), 'k');
  writeFileSync(join(tree, 'boot/efi/EFI/BOOTX64.EFI'), 'e');
  writeFileSync(join(tree, 'etc/fstab'), 'f');
  utimesSync(join(tree, 'boot'), 1000, 1000);
  utimesSync(tree, 2000, 2000);
  return { tree, aside };
}

const list = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).sort();

describe('splitTree', () => {
  it('gives each mount point its own directory and leaves empty mount points in the parent', async () => {
    const { tree, aside } = workspace();
    const split = await splitTree(tree, ['/', '/boot', '/boot/efi'], aside);
    expect(list(tree)).toEqual(['boot', 'etc', 'etc/fstab']);
    expect(list(split.sources.get('/boot')!)).toEqual(['efi', 'vmlinuz']);
    expect(list(split.sources.get('/boot/efi')!)).toEqual(['EFI', 'EFI/BOOTX64.EFI']);
    expect(split.sources.get('/')).toBe(tree);
    expect(statSync(join(tree, 'boot')).mode & 0o777).toBe(0o755);
    expect(statSync(tree).mtimeMs).toBe(2_000_000);
  });

  it('puts the tree back together, parents with their times', async () => {
    const { tree, aside } = workspace();
    const before = list(tree);
    const split = await splitTree(tree, ['/boot/efi', '/boot'], aside);
    await split.restore();
    await split.restore();
    expect(list(tree)).toEqual(before);
    expect(list(aside)).toEqual([]);
    expect(statSync(join(tree, 'boot')).mtimeMs).toBe(1_000_000);
    expect(statSync(tree).mtimeMs).toBe(2_000_000);
  });

  it('makes an empty filesystem source and the mount point for a mount point the tree lacks', async () => {
    const { tree, aside } = workspace();
    const split = await splitTree(tree, ['/srv/data'], aside);
    expect(list(split.sources.get('/srv/data')!)).toEqual([]);
    expect(lstatSync(join(tree, 'srv/data')).isDirectory()).toBe(true);
  });

  it('with an epoch, gives the directories it makes the epoch as times and the existing parent keeps its own', async () => {
    const { tree, aside } = workspace();
    const split = await splitTree(tree, ['/boot/efi', '/srv/data'], aside, { epoch: 1500 });
    for (const made of ['boot/efi', 'srv', 'srv/data']) expect(statSync(join(tree, made)).mtimeMs, made).toBe(1_500_000);
    expect(statSync(split.sources.get('/srv/data')!).mtimeMs).toBe(1_500_000);
    expect(statSync(join(tree, 'boot')).mtimeMs).toBe(1_000_000);
    expect(statSync(tree).mtimeMs).toBe(2_000_000);
  });

  it('refuses a mount point that is a symbolic link in the tree, and leaves the tree as it was', async () => {
    const { tree, aside } = workspace();
    symlinkSync('/elsewhere', join(tree, 'var'));
    const before = list(tree);
    await expect(splitTree(tree, ['/boot', '/var'], aside)).rejects.toThrow(/mount point \/var is not a directory in the tree \(it is a symbolic link\)/);
    expect(list(tree)).toEqual(before);
  });
});
