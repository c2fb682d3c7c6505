import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dir } from 'tmp-promise';
import { afterEach, describe, expect, it } from 'vitest';
import { treeTarArgs } from '../../../src/output/tree-tar.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const EPOCH = 1_700_000_000;

/** A tree with a sparse file (one 4 KiB data run in 8 MiB), a directory and a small file. */
async function treeWithSparseFile(): Promise<string> {
  const d = await dir({ unsafeCleanup: true });
  cleanups.push(d.cleanup);
  await mkdir(join(d.path, 'etc'));
  await writeFile(join(d.path, 'etc', 'hostname'), 'fake\n');
  const fh = await open(join(d.path, 'lastlog'), 'w');
  await fh.truncate(8 << 20);
  await fh.write(Buffer.alloc(4096, 1), 0, 4096, 5 << 20);
  await fh.close();
  return d.path;
}

/** `tar` run as a separate process (so with its own PID) with treeTarArgs; the archive's sha256. */
function archive(tree: string, dest: string, epoch?: number): string {
  execFileSync('tar', treeTarArgs(tree, dest, epoch));
  return dest;
}

const sha256 = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

describe('treeTarArgs', () => {
  it('uses sparse format 0.0 and clamps mtimes only with SOURCE_DATE_EPOCH', () => {
    const pinned = treeTarArgs('/t', '/a.tar', EPOCH);
    expect(pinned).toEqual(expect.arrayContaining(['--sparse', '--sparse-version=0.0', `--mtime=@${EPOCH}`, '--clamp-mtime', '--sort=name', '--numeric-owner']));
    const plain = treeTarArgs('/t', '/a.tar');
    expect(plain).toContain('--sparse');
    expect(plain.filter((a) => a.startsWith('--sparse-version') || a.startsWith('--mtime') || a === '--clamp-mtime')).toEqual([]);
  });

  it('gives byte-identical archives of a tree with a sparse file from two tar processes with SOURCE_DATE_EPOCH', async () => {
    const tree = await treeWithSparseFile();
    const out = await dir({ unsafeCleanup: true });
    cleanups.push(out.cleanup);
    const a = archive(tree, join(out.path, 'a.tar'), EPOCH);
    // a later wall-clock time for the tree's files: clamped to the epoch, so no difference either
    await utimes(join(tree, 'etc', 'hostname'), new Date(), new Date());
    const b = archive(tree, join(out.path, 'b.tar'), EPOCH);
    expect(await sha256(b)).toBe(await sha256(a));
    // the member keeps its real name (format 1.0 would name it ./GNUSparseFile.<pid>/lastlog) …
    const names = spawnSync('tar', ['-tf', a], { encoding: 'utf8' }).stdout.split('\n');
    expect(names).toContain('./lastlog');
    expect((await readFile(a)).includes('GNUSparseFile')).toBe(false);
    // … is still stored sparse (the archive is far smaller than the file) and extracts to the same bytes
    expect((await readFile(a)).length).toBeLessThan(1 << 20);
    const x = await dir({ unsafeCleanup: true });
    cleanups.push(x.cleanup);
    execFileSync('tar', ['-xf', a, '-C', x.path]);
    expect(await sha256(join(x.path, 'lastlog'))).toBe(await sha256(join(tree, 'lastlog')));
  });
});
