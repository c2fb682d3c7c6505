import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKeyInputs } from '../../../src/pipeline/cache/cache-key.js';
import { pruneCache, pruneGroup } from '../../../src/pipeline/cache/cache-prune.js';
import { listEntries, phaseCacheDir, writeManifest, type BaseInput } from '../../../src/pipeline/cache/cache-store.js';
import { decide } from '../../../src/pipeline/cache/phase-cache.js';

let cache: string;
let dir: string;
const DAY = 86_400_000;

async function entry(key: string, group: string, daysAgo: number, base: BaseInput[] = []): Promise<void> {
  const inputs = await cacheKeyInputs({ elements: [], env: { DIB_X: key }, packages: [], skipBase: false, clearEnv: false });
  await writeFile(join(dir, `${key}.tar.zst`), 'archive');
  await writeManifest(dir, { key, group, label: group, created: new Date().toISOString(), archive: `${key}.tar.zst`, archiveBytes: 7, seconds: 1, inputs, base });
  const t = new Date(Date.now() - daysAgo * DAY);
  await utimes(join(dir, `${key}.json`), t, t);
}

beforeEach(async () => {
  cache = await mkdtemp(join(tmpdir(), 'tsdib-cache-prune-'));
  dir = phaseCacheDir(cache);
  await mkdir(dir, { recursive: true });
});

afterEach(async () => {
  await rm(cache, { recursive: true, force: true });
});

describe('phase cache pruning', () => {
  it('keeps the N most recently used entries of a group and leaves other groups alone', async () => {
    await entry('aa01', 'g1', 3);
    await entry('aa02', 'g1', 1);
    await entry('aa03', 'g1', 2);
    await entry('bb01', 'g2', 9);
    const removed = await pruneGroup(dir, 'g1', 1);
    expect(removed.map((e) => e.manifest.key).sort()).toEqual(['aa01', 'aa03']);
    expect((await listEntries(dir)).map((e) => e.manifest.key)).toEqual(['aa02', 'bb01']);
    expect((await readdir(dir)).sort()).toEqual(['aa02.json', 'aa02.tar.zst', 'bb01.json', 'bb01.tar.zst']);
  });

  it('--max-age removes entries unused for longer, and old base tarballs', async () => {
    await entry('aa01', 'g1', 10);
    await entry('aa02', 'g1', 1);
    await mkdir(join(cache, 'rootfs'));
    await writeFile(join(cache, 'rootfs', 'old.tar'), 'x');
    await writeFile(join(cache, 'rootfs', 'old.tar.key'), 'k');
    const old = new Date(Date.now() - 20 * DAY);
    await utimes(join(cache, 'rootfs', 'old.tar'), old, old);
    const removed = await pruneCache(cache, { all: false, keep: undefined, maxAgeDays: 7 });
    expect(removed.map((r) => r.path.slice(cache.length + 1)).sort()).toEqual(['phase-cache/aa01.tar.zst', 'rootfs/old.tar', 'rootfs/old.tar.key']);
    expect((await listEntries(dir)).map((e) => e.manifest.key)).toEqual(['aa02']);
  });

  it('--dry-run removes nothing; --all removes every cache', async () => {
    await entry('aa01', 'g1', 1);
    await mkdir(join(cache, 'apt-archives', 'debian-bookworm-amd64'), { recursive: true });
    expect((await pruneCache(cache, { all: true, keep: undefined, maxAgeDays: undefined, dryRun: true })).length).toBeGreaterThan(0);
    expect(await listEntries(dir)).toHaveLength(1);
    await pruneCache(cache, { all: true, keep: undefined, maxAgeDays: undefined });
    expect(await listEntries(dir)).toHaveLength(0);
    expect(await readdir(join(cache, 'apt-archives'))).toEqual([]);
  });

  it('--max-size removes the least recently used entries of any element set until the rest fits (--dry-run first)', async () => {
    await entry('aa01', 'g1', 3);
    await entry('aa02', 'g1', 1);
    await entry('bb01', 'g2', 2);
    // three 7-byte archives; a budget of 14 bytes, in GiB
    const budget = { all: false, keep: undefined, maxAgeDays: undefined, maxGiB: 14 / 1024 ** 3 };
    const dry = await pruneCache(cache, { ...budget, dryRun: true });
    expect(dry.map((r) => r.why)).toEqual([expect.stringMatching(/^g1: least recently used beyond /)]);
    expect(await listEntries(dir)).toHaveLength(3);
    const removed = await pruneCache(cache, budget);
    expect(removed.map((r) => r.path.slice(dir.length + 1))).toEqual(['aa01.tar.zst']);
    expect((await listEntries(dir)).map((e) => e.manifest.key)).toEqual(['aa02', 'bb01']);
  });

  it('removes half-written entries of builds that are gone', async () => {
    await writeFile(join(dir, 'cc01.tar.zst.partial.999999999'), 'x');
    await writeFile(join(dir, 'cc02.tar.zst'), 'no manifest');
    const removed = await pruneCache(cache, { all: false, keep: 3, maxAgeDays: undefined });
    expect(removed.map((r) => r.why)).toEqual(['incomplete entry', 'incomplete entry']);
  });
});

describe('phase cache lookup', () => {
  it('does not reuse an entry whose base tarball was rebuilt, or is due for a rebuild', async () => {
    const tarball = join(cache, 'base.tar');
    await writeFile(tarball, 'base');
    const inputs = await cacheKeyInputs({ elements: [], env: { DIB_X: 'k1' }, packages: [], skipBase: false, clearEnv: false });
    const { stat } = await import('node:fs/promises');
    const s = await stat(tarball);
    await writeFile(join(dir, 'k1.tar.zst'), 'archive');
    await writeManifest(dir, { key: 'k1', group: 'g', label: 'g', created: new Date().toISOString(), archive: 'k1.tar.zst', archiveBytes: 7, seconds: 1, inputs, base: [{ path: tarball, size: s.size, mtimeMs: s.mtimeMs, maxAgeDays: 7 }] });
    expect((await decide(dir, 'k1', inputs, 'g')).entry).toBeDefined();

    const later = new Date(s.mtimeMs + 5000);
    await utimes(tarball, later, later);
    const rebuilt = await decide(dir, 'k1', inputs, 'g');
    expect(rebuilt.entry).toBeUndefined();
    expect(rebuilt.reasons.join()).toContain('was rebuilt');

    const old = new Date(Date.now() - 9 * DAY);
    await utimes(tarball, old, old);
    const manifestBase = [{ path: tarball, size: s.size, mtimeMs: (await stat(tarball)).mtimeMs, maxAgeDays: 7 }];
    await writeManifest(dir, { key: 'k1', group: 'g', label: 'g', created: new Date().toISOString(), archive: 'k1.tar.zst', archiveBytes: 7, seconds: 1, inputs, base: manifestBase });
    const stale = await decide(dir, 'k1', inputs, 'g');
    expect(stale.entry).toBeUndefined();
    expect(stale.reasons.join()).toContain('older than 7 days');
  });

  it('says which input differs from the newest entry of the same element set', async () => {
    await entry('aa01', 'g1', 1);
    const now = await cacheKeyInputs({ elements: [], env: { DIB_X: 'other' }, packages: [], skipBase: false, clearEnv: false });
    const d = await decide(dir, 'zz99', now, 'g1');
    expect(d.entry).toBeUndefined();
    expect(d.reasons.join('\n')).toContain('environment DIB_X changed');
  });
});
