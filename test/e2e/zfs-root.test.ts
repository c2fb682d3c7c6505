// `tsdib ubuntu vm zfs-root -t qcow2` (plus the test element report-rootfs): Ubuntu with / on
// rpool/ROOT/ubuntu. The pool is made on this host by OpenZFS or zfs-fuse; the image boots with
// SeaBIOS and OVMF and reports `ROOTFS: zfs rpool/ROOT/ubuntu` on the serial console. After the
// build no pool is imported, no loop device or mount is left. Skips (and says why) when the
// Ubuntu archive does not answer or the host has no ZFS tools.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedPools } from '../../src/host/zfs.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { hasCommand, skipOnHost, skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { archiveAnswers, e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, tsdibBoot, type Firmware } from './helpers/tsdib-boot.js';

const MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const WHAT = 'e2e ubuntu vm zfs-root';
const missing = e2eMissing() ?? (hasCommand('zpool') && hasCommand('zfs') ? undefined : 'needs zpool and zfs (OpenZFS or zfs-fuse: tsdib doctor --install)');
const archive = missing === undefined ? await archiveAnswers(`${MIRROR}/dists/noble/Release`) : { ok: false, why: '' };
const skip = skipUnless(missing === undefined, WHAT, missing ?? '') || skipOnHost(archive.ok, WHAT, `the Ubuntu archive does not answer: ${archive.why}`);
const ROOTFS_LINE = /ROOTFS: zfs\s+rpool\/ROOT\/ubuntu/;

describe.skipIf(skip)('tsdib ubuntu vm zfs-root -t qcow2', () => {
  let dir: string;
  let build: BuildRun;
  let prefix: string;
  let poolsAfter: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-zfs-root-'));
    prefix = join(dir, 'noble-zfs');
    // -v: the checks below read the pool's export line and the hooks' output on the terminal
    build = await runBuild(['-v', 'ubuntu', 'vm', 'zfs-root', 'report-rootfs', '-t', 'qcow2', '-o', prefix], {
      env: { DIB_DISTRIBUTION_MIRROR: MIRROR, ELEMENTS_PATH: join(REPO_ROOT, 'test', 'fixtures', 'elements') },
    });
    poolsAfter = await importedPools();
    process.stdout.write(`ubuntu vm zfs-root built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0, writes the qcow2, leaves no pool imported and no loop device or mount', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(statSync(`${prefix}.qcow2`).size).toBeGreaterThan(50 * 1024 * 1024);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
    expect(poolsAfter.filter((p) => p === 'rpool' || p.startsWith('tsdib-'))).toEqual([]);
    expect(build.output).toMatch(/exported as rpool \(bootfs rpool\/ROOT\/ubuntu\)/);
    expect(build.output).toMatch(/root=ZFS=rpool\/ROOT\/ubuntu/);
  });

  it.each<[string, Firmware]>([
    ['SeaBIOS', 'bios'],
    ['OVMF (UEFI)', 'uefi'],
  ])('boots with %s and mounts / from rpool/ROOT/ubuntu (zfs)', async (name, firmware) => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(`${prefix}.qcow2`, firmware, { expect: ROOTFS_LINE, logDir: dir });
    process.stdout.write(`ubuntu vm zfs-root: ${name} boot ${r.reached ? 'reported ROOTFS zfs' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});
