import { chown, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseTree, pinShadowDays } from '../../../src/pipeline/reproducible-tree.js';

const EPOCH = 1700000000;
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'repro-tree-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, text: string): Promise<void> {
  await mkdir(join(root, rel, '..'), { recursive: true });
  await writeFile(join(root, rel), text);
}

describe('pinShadowDays', () => {
  it('sets a numeric last-change field to the epoch day and keeps empty ones and other fields', () => {
    expect(pinShadowDays('root:*:20428:0:99999:7:::\nnobody:*::0:99999:7:::\n', EPOCH)).toBe('root:*:19675:0:99999:7:::\nnobody:*::0:99999:7:::\n');
  });
});

describe('normaliseTree', () => {
  it('removes random seeds and caches, empties machine-id, pins shadow and clamps newer times only', async () => {
    await put('var/lib/systemd/random-seed', 'xx');
    await put('var/cache/ldconfig/aux-cache', 'yy');
    await put('var/lib/apt/lists/deb.debian.org_InRelease', 'zz');
    await put('var/lib/apt/lists/lock', '');
    await put('etc/machine-id', '0123456789abcdef0123456789abcdef\n');
    await put('etc/shadow', 'root:*:20428:0:99999:7:::\n');
    await put('etc/shadow-', 'root:*:20793:0:99999:7:::\n');
    await put('usr/share/old', 'o');
    await utimes(join(root, 'usr/share/old'), 1000, 1000);
    await symlink('/nonexistent', join(root, 'usr/dangling'));
    // as root (builds are): apt's partial directory, made _apt's (uid 42 on Debian) by a download
    const asRoot = process.getuid?.() === 0;
    await mkdir(join(root, 'var/lib/apt/lists/partial'));
    if (asRoot) await chown(join(root, 'var/lib/apt/lists/partial'), 42, 0);
    await normaliseTree(root, EPOCH);
    if (asRoot) expect((await lstat(join(root, 'var/lib/apt/lists/partial'))).uid).toBe(0);
    for (const gone of ['var/lib/systemd/random-seed', 'var/cache/ldconfig/aux-cache', 'var/lib/apt/lists/deb.debian.org_InRelease']) {
      await expect(lstat(join(root, gone))).rejects.toThrow(/ENOENT/);
    }
    await expect(lstat(join(root, 'var/lib/apt/lists/lock'))).resolves.toBeTruthy();
    expect(await readFile(join(root, 'etc/machine-id'), 'utf8')).toBe('');
    expect(await readFile(join(root, 'etc/shadow'), 'utf8')).toBe('root:*:19675:0:99999:7:::\n');
    expect(await readFile(join(root, 'etc/shadow-'), 'utf8')).toBe('root:*:19675:0:99999:7:::\n');
    expect((await stat(join(root, 'usr/share/old'))).mtimeMs).toBe(1000 * 1000);
    for (const p of ['', 'etc', 'etc/shadow', 'var/lib/apt/lists', 'usr/dangling']) expect((await lstat(join(root, p))).mtimeMs, p).toBe(EPOCH * 1000);
  });
});
