import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restoreResolvConf, useHostResolvConf } from '../../../src/pipeline/resolv-conf.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsdib-resolv-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});
const exists = (p: string) => lstat(p).then(() => true, () => false);

describe('useHostResolvConf / restoreResolvConf', () => {
  it("moves the image's file aside, writes a resolver configuration, and puts the original back", async () => {
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/resolv.conf'), 'nameserver 10.0.0.1\n');
    await useHostResolvConf(root);
    expect(await readFile(join(root, 'etc/resolv.conf.ORIG'), 'utf8')).toBe('nameserver 10.0.0.1\n');
    expect(await readFile(join(root, 'etc/resolv.conf'), 'utf8')).toMatch(/\S/);
    await restoreResolvConf(root);
    expect(await readFile(join(root, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 10.0.0.1\n');
    expect(await exists(join(root, 'etc/resolv.conf.ORIG'))).toBe(false);
  });

  it('keeps an image symlink aside and back as a symlink', async () => {
    await mkdir(join(root, 'etc'));
    await symlink('../run/systemd/resolve/stub-resolv.conf', join(root, 'etc/resolv.conf'));
    await useHostResolvConf(root);
    expect((await lstat(join(root, 'etc/resolv.conf'))).isFile()).toBe(true);
    await restoreResolvConf(root);
    expect(await readlink(join(root, 'etc/resolv.conf'))).toBe('../run/systemd/resolve/stub-resolv.conf');
  });

  it('removes the file it wrote when the image had none', async () => {
    await mkdir(join(root, 'etc'));
    await useHostResolvConf(root);
    expect(await exists(join(root, 'etc/resolv.conf'))).toBe(true);
    await restoreResolvConf(root);
    expect(await exists(join(root, 'etc/resolv.conf'))).toBe(false);
  });

  it("keeps a hook's symlink (DIB's rule) and drops the saved original", async () => {
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/resolv.conf'), 'nameserver 10.0.0.1\n');
    await useHostResolvConf(root);
    await rm(join(root, 'etc/resolv.conf'));
    await symlink('/run/hook.conf', join(root, 'etc/resolv.conf'));
    await restoreResolvConf(root);
    expect(await readlink(join(root, 'etc/resolv.conf'))).toBe('/run/hook.conf');
    expect(await exists(join(root, 'etc/resolv.conf.ORIG'))).toBe(false);
  });

  it('does nothing on a tree without /etc', async () => {
    await useHostResolvConf(root);
    expect(await exists(join(root, 'etc'))).toBe(false);
  });
});
