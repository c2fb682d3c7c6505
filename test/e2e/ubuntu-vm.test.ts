// `tsdib ubuntu vm -t qcow2,tar`: built from the Ubuntu archive with the pinned archive key; boots
// with SeaBIOS and OVMF. Skips (and says why) when the Ubuntu archive does not answer.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { bootToPrompt } from './helpers/boot.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { archiveAnswers, e2eMissing } from './helpers/requirements.js';

const MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const missing = e2eMissing();
const archive = missing === undefined ? await archiveAnswers(`${MIRROR}/dists/noble/Release`) : { ok: false, why: '' };
const skip = skipUnless(missing === undefined, 'e2e ubuntu vm', missing ?? '') || skipUnless(archive.ok, 'e2e ubuntu vm', `the Ubuntu archive does not answer: ${archive.why}`);
const BOOT_TIMEOUT = 10 * 60_000;

describe.skipIf(skip)('tsdib ubuntu vm -t qcow2,tar', () => {
  let dir: string;
  let build: BuildRun;
  let prefix: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-ubuntu-'));
    prefix = join(dir, 'noble');
    build = await runBuild(['ubuntu', 'vm', '-t', 'qcow2,tar', '-o', prefix], { env: { DIB_DISTRIBUTION_MIRROR: MIRROR } });
    process.stdout.write(`ubuntu vm built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
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

  it('boots to a login prompt with SeaBIOS', async () => {
    expect(build.status).toBe(0);
    const r = await bootToPrompt({ image: `${prefix}.qcow2`, firmware: 'bios', timeoutMs: BOOT_TIMEOUT, consoleLog: join(dir, 'console-bios.log') });
    process.stdout.write(`ubuntu vm: SeaBIOS boot ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, `${r.exit ?? ''}\n${r.tail}`).toBe(true);
  }, BOOT_TIMEOUT + 60_000);

  it('boots to a login prompt with OVMF (UEFI)', async () => {
    expect(build.status).toBe(0);
    const r = await bootToPrompt({ image: `${prefix}.qcow2`, firmware: 'uefi', timeoutMs: BOOT_TIMEOUT, consoleLog: join(dir, 'console-uefi.log') });
    process.stdout.write(`ubuntu vm: OVMF boot ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, `${r.exit ?? ''}\n${r.tail}`).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});
