// The README's image command (`npm run image`, i.e. `tsdib debian vm -t qcow2,tar -o out/debian`),
// run as written in README.md with SOURCE_DATE_EPOCH set: one build shared by every test here; the
// qcow2 boots to a login prompt under SeaBIOS (`tsdib boot --expect login:`) and runs checks under
// OVMF (`tsdib test`, one passing and one failing, with JUnit) without changing the image file, the
// tar holds the same tree as the image's root fs, and a `--no-cache` rebuild from another TMPDIR
// gives the same sha256 for both outputs (issue 19: the image that boots is the reproducible one).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runShellCommand, tail, type BuildRun } from './helpers/build.js';
import { diffListings, listRootFilesystem, listTar, qcow2ToRaw } from './helpers/image-tree.js';
import { readmeImageCommand } from './helpers/readme-command.js';
import { E2E_SOURCE_DATE_EPOCH, rebuildAndCompare } from './helpers/rebuild.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, CHECKS_DIR, tsdibBoot, tsdibTest } from './helpers/tsdib-boot.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e debian vm', missing ?? '');

// The ESP is a separate filesystem mounted at /boot/efi (in the tar, not in the root fs); the tar
// writer leaves out what is inside /proc, /sys and /dev (the directories themselves are compared).
// /lost+found is mke2fs's: assembled offline (SOURCE_DATE_EPOCH), the tar is written from the tree.
const notInRootFs = (p: string) => p === '/proc' || p === '/sys' || p === '/lost+found' || ['/boot/efi/', '/proc/', '/sys/', '/dev/'].some((d) => p.startsWith(d));

describe.skipIf(skip)("README's `npm run image`: tsdib debian vm -t qcow2,tar", () => {
  let dir: string;
  let build: BuildRun;
  let prefix: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-debian-'));
    prefix = join(REPO_ROOT, 'out', 'debian');
    rmSync(`${prefix}.qcow2`, { force: true });
    rmSync(`${prefix}.tar`, { force: true });
    const command = readmeImageCommand();
    build = await runShellCommand(command, { env: { SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH } });
    process.stdout.write(`README's \`SOURCE_DATE_EPOCH=${E2E_SOURCE_DATE_EPOCH} ${command}\` (debian vm) built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (prefix) for (const ext of ['qcow2', 'tar']) rmSync(`${prefix}.${ext}`, { force: true });
  });

  it('exits 0 and writes out/debian.qcow2 and out/debian.tar', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(statSync(`${prefix}.qcow2`).size).toBeGreaterThan(50 * 1024 * 1024);
    expect(statSync(`${prefix}.tar`).size).toBeGreaterThan(100 * 1024 * 1024);
  });

  it('assembles the disk offline because SOURCE_DATE_EPOCH is set, and says so', () => {
    expect(build.output).toContain(`SOURCE_DATE_EPOCH=${E2E_SOURCE_DATE_EPOCH}: assembling the disk offline`);
  });

  it('leaves no loop device, mount or workspace behind', () => {
    expect(build.workspace).toMatch(/tsdib_build\./);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('`tsdib boot --expect login:` reaches the login prompt on the serial console with SeaBIOS', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(`${prefix}.qcow2`, 'bios', { logDir: dir });
    process.stdout.write(`debian vm: tsdib boot (SeaBIOS) ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 180_000);

  it('`tsdib test` with OVMF (UEFI): the serial-login check passes, the failing one fails, exit 1, JUnit says so, the image is unchanged', async () => {
    expect(build.status).toBe(0);
    const image = `${prefix}.qcow2`;
    const sha256 = () => createHash('sha256').update(readFileSync(image)).digest('hex');
    const before = sha256();
    const junit = join(dir, 'junit-uefi.xml');
    const good = join(CHECKS_DIR, 'serial-login.sh');
    const bad = join(CHECKS_DIR, 'fails-on-purpose.sh');
    const r = await tsdibTest(image, 'uefi', [good, bad], { logDir: dir, junit });
    process.stdout.write(`debian vm: tsdib test (OVMF) exit ${r.status}, ${r.seconds.toFixed(0)} s from qemu's start to the guest's power-off\n`);
    expect(r.status, tail(r.output)).toBe(1);
    expect(r.output).toMatch(new RegExp(`^PASS  ${good} \\(`, 'm'));
    expect(r.output).toMatch(new RegExp(`^FAIL  ${bad} \\(exit 1, `, 'm'));
    expect(r.output).toContain('this check fails on purpose');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1" errors="0"');
    expect(xml).toMatch(new RegExp(`<testcase name="${good}" [^>]*>\\s*<system-out>active`));
    expect(xml).toMatch(new RegExp(`<testcase name="${bad}" [^>]*>\\s*<failure type="exit" message="exited 1">this check fails on purpose`));
    expect(sha256()).toBe(before);
  }, BOOT_TIMEOUT + 180_000);

  it("points apt at Debian's archive and at its security archive (bookworm-security, not DIB's bookworm/updates)", () => {
    expect(build.status).toBe(0);
    const sources = execFileSync('tar', ['-xOf', `${prefix}.tar`, './etc/apt/sources.list'], { encoding: 'utf8' });
    const lines = sources.split('\n').filter((l) => l.startsWith('deb '));
    expect(lines).toEqual([
      'deb [signed-by=/etc/apt/keyrings/debian-archive.gpg] http://deb.debian.org/debian bookworm main',
      'deb [signed-by=/etc/apt/keyrings/debian-archive.gpg] http://deb.debian.org/debian bookworm-updates main',
      'deb [signed-by=/etc/apt/keyrings/debian-archive.gpg] http://security.debian.org/debian-security bookworm-security main',
    ]);
  });

  it("has in the tar the same paths, types, modes and owners as the image's root filesystem", async () => {
    expect(build.status).toBe(0);
    const raw = qcow2ToRaw(`${prefix}.qcow2`, dir);
    try {
      const image = listRootFilesystem(raw, notInRootFs);
      const tar = listTar(`${prefix}.tar`, notInRootFs);
      expect(image.entries.size).toBeGreaterThan(1000);
      expect(image.entries.get('/etc/fstab')).toBe('file 644 0 0');
      expect(diffListings(image, tar, ['image', 'tar'])).toEqual([]);
    } finally {
      rmSync(raw, { force: true });
    }
  }, 10 * 60_000);

  it('a --no-cache rebuild from another TMPDIR into another directory gives the same sha256 for the qcow2 and the tar', async () => {
    expect(build.status).toBe(0);
    const again = await rebuildAndCompare(['debian', 'vm'], ['qcow2', 'tar'], prefix, dir);
    process.stdout.write(`debian vm: --no-cache rebuild in ${again.build.seconds.toFixed(0)} s (exit ${again.build.status})\n${again.report}\n`);
    expect(again.build.status, tail(again.build.output)).toBe(0);
    for (const [type, [first, second]] of Object.entries(again.sums)) expect(second, `${type} of the rebuild`).toBe(first);
  }, 30 * 60_000);
});
