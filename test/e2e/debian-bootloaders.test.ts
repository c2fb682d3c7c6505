// The bootloader elements one by one: `debian vm grub block-device-mbr` boots with SeaBIOS;
// `debian vm uefi` (GRUB's EFI image only, on the removable path) boots with OVMF.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { partitionTable, qcow2ToRaw } from './helpers/image-tree.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, tsdibBoot } from './helpers/tsdib-boot.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e debian bootloaders', missing ?? '');

describe.skipIf(skip)('debian images per bootloader element', () => {
  let dir: string;
  const builds: Record<string, BuildRun> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-boot-'));
    builds['grub'] = await runBuild(['debian', 'vm', 'grub', 'block-device-mbr', '-t', 'qcow2', '-o', join(dir, 'grub')]);
    builds['uefi'] = await runBuild(['debian', 'vm', 'uefi', '-t', 'qcow2', '-o', join(dir, 'uefi')]);
  }, 40 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds both images and leaves nothing behind', () => {
    for (const [name, b] of Object.entries(builds)) {
      expect(b.status, `${name}:\n${tail(b.output)}`).toBe(0);
      expect(b.workspace, name).toMatch(/tsdib_build\./);
      expect(b.leaked, name).toEqual({ loops: [], mounts: [], workspaces: [] });
    }
  });

  it('lays out block-device-mbr as an ESP (0xef) and a bootable Linux root (0x83)', () => {
    expect(builds['grub']?.status).toBe(0);
    const raw = qcow2ToRaw(join(dir, 'grub.qcow2'), dir);
    try {
      const t = partitionTable(raw);
      expect(t.label).toBe('dos');
      expect(t.partitions.map((p) => [p.type, Boolean(p.bootable)])).toEqual([
        ['ef', false],
        ['83', true],
      ]);
    } finally {
      rmSync(raw, { force: true });
    }
  });

  it('boots `debian vm grub block-device-mbr` with SeaBIOS', async () => {
    expect(builds['grub']?.status).toBe(0);
    const r = await tsdibBoot(join(dir, 'grub.qcow2'), 'bios', { logDir: dir, logName: 'console-grub.log' });
    process.stdout.write(`debian vm grub: SeaBIOS boot ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 60_000);

  it('boots `debian vm uefi` with OVMF', async () => {
    expect(builds['uefi']?.status).toBe(0);
    const r = await tsdibBoot(join(dir, 'uefi.qcow2'), 'uefi', { logDir: dir });
    process.stdout.write(`debian vm uefi: OVMF boot ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});
