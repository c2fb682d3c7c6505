// One `tsdib debian vm` build writing every output type with checksums: each disk format reads
// back equal to the raw image (qemu-img is the oracle), the checksum files verify, the tar and the
// squashfs hold the image's root tree, and the qcow2 boots.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { diffListings, listRootFilesystem, listSquashfs, listTar } from './helpers/image-tree.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, tsdibBoot } from './helpers/tsdib-boot.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e debian vm with every output type', missing ?? '');
const TYPES = ['raw', 'qcow2', 'vhd', 'vmdk', 'tar', 'tgz', 'squashfs'];
// the ESP is its own filesystem; the tree writers keep /proc, /sys and /dev but not their contents
const notInRootFs = (p: string) => p === '/proc' || p === '/sys' || ['/boot/efi/', '/proc/', '/sys/', '/dev/'].some((d) => p.startsWith(d));

const qemuImg = (args: string[]) => spawnSync('qemu-img', args, { encoding: 'utf8' });

describe.skipIf(skip)('tsdib debian vm -t raw,qcow2,vhd,vmdk,tar,tgz,squashfs --checksum', () => {
  let dir: string;
  let prefix: string;
  let build: BuildRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-outputs-'));
    prefix = join(dir, 'all');
    build = await runBuild(['debian', 'vm', '-t', TYPES.join(','), '--checksum', '-o', prefix]);
    process.stdout.write(`debian vm with ${TYPES.length} output types built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 40 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0, writes every output 0644 and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    const files = readdirSync(dir).sort();
    for (const name of ['all.raw', 'all.qcow2', 'all.vhd', 'all.vmdk', 'all.tar', 'all.tgz', 'all.squash']) {
      expect(files).toContain(name);
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o644);
    }
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('writes checksum files that md5sum -c and sha256sum -c verify', () => {
    expect(build.status).toBe(0);
    const sums = readdirSync(dir).filter((f) => f.endsWith('.md5') || f.endsWith('.sha256'));
    expect(sums.length).toBe(2 * TYPES.length);
    for (const f of sums) {
      const tool = f.endsWith('.md5') ? 'md5sum' : 'sha256sum';
      const r = spawnSync(tool, ['-c', f], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${tool} -c ${f}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/: OK$/m);
    }
  });

  it('writes a qcow2 that qemu-img check finds clean and each disk format equal to the raw', () => {
    expect(build.status).toBe(0);
    const check = qemuImg(['check', '-f', 'qcow2', `${prefix}.qcow2`]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    for (const [file, format] of [
      [`${prefix}.qcow2`, 'qcow2'],
      [`${prefix}.vhd`, 'vpc'],
      [`${prefix}.vmdk`, 'vmdk'],
    ] as const) {
      const cmp = qemuImg(['compare', '-f', 'raw', '-F', format, `${prefix}.raw`, file]);
      expect(cmp.status, `${basename(file)}: ${cmp.stdout}${cmp.stderr}`).toBe(0);
    }
  }, 10 * 60_000);

  it('writes a VHD whose virtual size is the raw size rounded up to a whole MiB', () => {
    expect(build.status).toBe(0);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '-f', 'vpc', '--output', 'json', `${prefix}.vhd`], { encoding: 'utf8' })) as { 'virtual-size': number };
    const raw = statSync(`${prefix}.raw`).size;
    expect(info['virtual-size']).toBe(Math.ceil(raw / 2 ** 20) * 2 ** 20);
  });

  it("holds in the tar, the tgz and the squashfs the same tree as the image's root filesystem", () => {
    expect(build.status).toBe(0);
    const image = listRootFilesystem(`${prefix}.raw`, notInRootFs);
    expect(image.entries.size).toBeGreaterThan(1000);
    const tar = listTar(`${prefix}.tar`, notInRootFs);
    expect(tar.entries.get('/etc/passwd')).toBe('file 644 0 0');
    expect(diffListings(image, tar, ['image', 'tar'])).toEqual([]);
    expect(diffListings(tar, listTar(`${prefix}.tgz`, notInRootFs), ['tar', 'tgz'])).toEqual([]);
    expect(diffListings(tar, listSquashfs(`${prefix}.squash`, notInRootFs), ['tar', 'squashfs'])).toEqual([]);
    expect(dirname(prefix)).toBe(dir);
  }, 10 * 60_000);

  it('writes a qcow2 that boots to a login prompt (SeaBIOS)', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(`${prefix}.qcow2`, 'bios', { logDir: dir, logName: 'console.log' });
    process.stdout.write(`all-outputs qcow2: SeaBIOS boot ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});
