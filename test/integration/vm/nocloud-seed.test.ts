// The NoCloud seed `--seed DIR` attaches: a vfat filesystem labelled CIDATA with the directory's
// user-data and meta-data (a missing meta-data gets an instance-id), found by blkid as cloud-init
// finds it; and a seed made this way is accepted by `--seed FILE`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeedImage, checkSeed } from '../../../src/vm/nocloud-seed.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(['mkfs.vfat', 'mcopy', 'blkid'].every(hasCommand), 'NoCloud seed', 'needs mkfs.vfat, mcopy and blkid');
const mtype = (image: string, name: string) => execFileSync('mtype', ['-i', image, `::${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });

describe.skipIf(skip)('NoCloud seed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-seed-test-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds user-data and meta-data in a vfat filesystem labelled CIDATA', async () => {
    const seedDir = join(dir, 'full');
    mkdirSync(seedDir);
    writeFileSync(join(seedDir, 'user-data'), '#cloud-config\nruncmd: [echo hi]\n');
    writeFileSync(join(seedDir, 'meta-data'), 'instance-id: test-1\n');
    writeFileSync(join(seedDir, 'notes.txt'), 'not for cloud-init\n');
    const work = mkdtempSync(join(dir, 'work-'));
    expect(await checkSeed(seedDir)).toBe('dir');
    const image = await buildSeedImage(seedDir, work);
    expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', image], { encoding: 'utf8' }).trim()).toBe('vfat');
    expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'LABEL', image], { encoding: 'utf8' }).trim()).toBe('CIDATA');
    expect(mtype(image, 'user-data')).toBe('#cloud-config\nruncmd: [echo hi]\n');
    expect(mtype(image, 'meta-data')).toBe('instance-id: test-1\n');
    expect(() => mtype(image, 'notes.txt')).toThrow();
    expect(await checkSeed(image)).toBe('file');
  });

  it('gives a seed without meta-data an instance-id derived from user-data', async () => {
    const seedDir = join(dir, 'user-only');
    mkdirSync(seedDir);
    writeFileSync(join(seedDir, 'user-data'), '#cloud-config\n');
    const image = await buildSeedImage(seedDir, mkdtempSync(join(dir, 'work-')));
    expect(mtype(image, 'meta-data')).toMatch(/^instance-id: tsdib-[0-9a-f]{16}\n/);
  });

  it('refuses a directory with neither user-data nor meta-data', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(checkSeed(empty)).rejects.toMatchObject({ code: 'FLAG_INVALID', message: expect.stringContaining('has neither user-data nor meta-data') });
  });
});
