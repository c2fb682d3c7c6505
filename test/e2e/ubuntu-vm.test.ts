// `SOURCE_DATE_EPOCH=… tsdib ubuntu vm -t qcow2,tar`: built from the Ubuntu archive with the pinned
// archive key; boots with SeaBIOS and OVMF; a `--no-cache` rebuild from another TMPDIR gives the same
// sha256 for both outputs (issue 19). Skips (and says why) when the Ubuntu archive does not answer.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipOnHost, skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { E2E_SOURCE_DATE_EPOCH, rebuildAndCompare } from './helpers/rebuild.js';
import { archiveAnswers, e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, CHECKS_DIR, tsdibBoot, tsdibTest } from './helpers/tsdib-boot.js';

const MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const missing = e2eMissing();
const archive = missing === undefined ? await archiveAnswers(`${MIRROR}/dists/noble/Release`) : { ok: false, why: '' };
const skip = skipUnless(missing === undefined, 'e2e ubuntu vm', missing ?? '') || skipOnHost(archive.ok, 'e2e ubuntu vm', `the Ubuntu archive does not answer: ${archive.why}`);

describe.skipIf(skip)('tsdib ubuntu vm -t qcow2,tar', () => {
  let dir: string;
  let build: BuildRun;
  let prefix: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-ubuntu-'));
    prefix = join(dir, 'noble');
    build = await runBuild(['ubuntu', 'vm', '-t', 'qcow2,tar', '-o', prefix], { env: { DIB_DISTRIBUTION_MIRROR: MIRROR, SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH } });
    process.stdout.write(`ubuntu vm (SOURCE_DATE_EPOCH=${E2E_SOURCE_DATE_EPOCH}) built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0, writes noble.qcow2 and noble.tar, and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(statSync(`${prefix}.qcow2`).size).toBeGreaterThan(50 * 1024 * 1024);
    expect(statSync(`${prefix}.tar`).size).toBeGreaterThan(100 * 1024 * 1024);
    expect(build.workspace).toMatch(/tsdib_build\./);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('verified the archive with the pinned Ubuntu key (no unauthenticated packages)', () => {
    expect(build.status).toBe(0);
    expect(build.output).not.toMatch(/NO_PUBKEY|AllowUnauthenticated|trusted=yes/);
  });

  it('`tsdib boot --expect login:` reaches the login prompt with SeaBIOS', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(`${prefix}.qcow2`, 'bios', { logDir: dir });
    process.stdout.write(`ubuntu vm: tsdib boot (SeaBIOS) ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 180_000);

  it('`tsdib test` with OVMF (UEFI): the serial-login check passes in the guest', async () => {
    expect(build.status).toBe(0);
    const junit = join(dir, 'junit-uefi.xml');
    const r = await tsdibTest(`${prefix}.qcow2`, 'uefi', [join(CHECKS_DIR, 'serial-login.sh')], { logDir: dir, junit });
    process.stdout.write(`ubuntu vm: tsdib test (OVMF) exit ${r.status}, ${r.seconds.toFixed(0)} s from qemu's start to the guest's power-off\n`);
    expect(r.status, tail(r.output)).toBe(0);
    expect(readFileSync(junit, 'utf8')).toContain('tests="1" failures="0" errors="0"');
  }, BOOT_TIMEOUT + 180_000);

  it('a --no-cache rebuild from another TMPDIR into another directory gives the same sha256 for the qcow2 and the tar', async () => {
    expect(build.status).toBe(0);
    expect(build.output).toContain(`SOURCE_DATE_EPOCH=${E2E_SOURCE_DATE_EPOCH}: assembling the disk offline`);
    const again = await rebuildAndCompare(['ubuntu', 'vm'], ['qcow2', 'tar'], prefix, dir, { DIB_DISTRIBUTION_MIRROR: MIRROR });
    process.stdout.write(`ubuntu vm: --no-cache rebuild in ${again.build.seconds.toFixed(0)} s (exit ${again.build.status})\n${again.report}\n`);
    expect(again.build.status, tail(again.build.output)).toBe(0);
    for (const [type, [first, second]] of Object.entries(again.sums)) expect(second, `${type} of the rebuild`).toBe(first);
  }, 30 * 60_000);
});
