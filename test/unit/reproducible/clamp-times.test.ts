import { lstat, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clampTimes } from '../../../src/reproducible/clamp-times.js';

const EPOCH = 1700000000;
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'clamp-times-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const times = async (p: string) => {
  const st = await lstat(p);
  return [Math.floor(st.atimeMs / 1000), Math.floor(st.mtimeMs / 1000)];
};

describe('clampTimes', () => {
  it('clamps newer atimes and mtimes to the epoch and leaves older ones', async () => {
    await mkdir(join(root, 'new'));
    await writeFile(join(root, 'new', 'f'), 'x');
    await writeFile(join(root, 'old'), 'y');
    await utimes(join(root, 'old'), EPOCH - 50, EPOCH - 100);
    await clampTimes(root, EPOCH);
    expect(await times(join(root, 'new', 'f'))).toEqual([EPOCH, EPOCH]);
    expect(await times(join(root, 'new'))).toEqual([EPOCH, EPOCH]);
    expect(await times(root)).toEqual([EPOCH, EPOCH]);
    expect(await times(join(root, 'old'))).toEqual([EPOCH - 50, EPOCH - 100]);
  });

  it("gives a directory back its (clamped) atime after its own readdir, run twice as offline assembly does", async () => {
    const dir = join(root, 'd');
    await mkdir(dir);
    await writeFile(join(dir, 'f'), 'x');
    await clampTimes(root, EPOCH);
    // a reader between the two passes (the tar output); under relatime an atime this old moves to now
    await readdir(dir);
    await clampTimes(root, EPOCH);
    expect(await times(dir)).toEqual([EPOCH, EPOCH]);
    await utimes(dir, EPOCH - 10, EPOCH - 20);
    await clampTimes(root, EPOCH);
    expect(await times(dir)).toEqual([EPOCH - 10, EPOCH - 20]);
  });
});
