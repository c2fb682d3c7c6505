import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tidyImage } from '../../../src/pipeline/tidy.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function file(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('tidyImage', () => {
  it("empties /tmp, truncates every file under /var/log, removes /root's *.log files at any depth, and puts resolv.conf back", async () => {
    root = mkdtempSync(join(tmpdir(), 'tsdib-tidy-'));
    const r = root;
    file(join(r, 'etc/resolv.conf'), 'nameserver 127.0.0.1\n');
    file(join(r, 'etc/resolv.conf.ORIG'), 'nameserver 10.0.0.1\n');
    file(join(r, 'tmp/build/scratch'), 'x');
    file(join(r, 'var/log/apt/history.log'), 'lots of lines\n');
    file(join(r, 'var/log/dpkg.log'), 'more\n');
    file(join(r, 'root/install.log'), 'x');
    file(join(r, 'root/deep/er/build.log'), 'x');
    file(join(r, 'root/keep.txt'), 'kept');
    symlinkSync('/etc/hostname', join(r, 'root/link.log'));
    await tidyImage(r);
    expect(readdirSync(join(r, 'tmp'))).toEqual([]);
    expect(statSync(join(r, 'var/log/apt/history.log')).size).toBe(0);
    expect(statSync(join(r, 'var/log/dpkg.log')).size).toBe(0);
    expect(existsSync(join(r, 'root/install.log'))).toBe(false);
    expect(existsSync(join(r, 'root/deep/er/build.log'))).toBe(false);
    expect(readFileSync(join(r, 'root/keep.txt'), 'utf8')).toBe('kept');
    expect(readdirSync(join(r, 'root'))).toContain('link.log');
    expect(readFileSync(join(r, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 10.0.0.1\n');
  });

  it('copes with a tree that has none of these directories', async () => {
    root = mkdtempSync(join(tmpdir(), 'tsdib-tidy-'));
    await expect(tidyImage(root)).resolves.toBeUndefined();
  });
});
