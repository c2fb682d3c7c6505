// `--offline-assembly` end to end: `tsdib debian vm -t qcow2 --offline-assembly` with vm's own
// layout (block-device-mbr) and with a GPT config with separate /boot and /boot/efi partitions.
// While each build runs the host is sampled every 0.5 s (loop devices, mount table): no loop device
// backed by the build's files and no mount of the image may appear. Each image boots once per
// firmware: to `login:` under SeaBIOS (`tsdib boot --expect login:`), and under OVMF through
// `tsdib test` (the serial getty runs, / is read-write; for the GPT layout /boot and /boot/efi are
// their own filesystems). The tree comes from the same phase-cache entry as debian-vm.test.ts's
// build (the same SOURCE_DATE_EPOCH; the options here do not change its key), so a warm cache pays only
// for the assembly.
// A fault case interrupts a build as `assemble` starts: exit 130, nothing left on the host.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptBootLayout } from '../fixtures/block-device/layouts.mjs';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { E2E_SOURCE_DATE_EPOCH } from './helpers/rebuild.js';
import { seenUnder, startHostSampler, type HostSample } from './helpers/host-sampler.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS, CHECKS_DIR, tsdibBoot, tsdibTest } from './helpers/tsdib-boot.js';

/** debian-vm.test.ts's build is a SOURCE_DATE_EPOCH build (a keyed variable): the same epoch here shares its tree. */
const TWIN_ENV = { SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH };

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e offline assembly', missing ?? '');

interface Case {
  title: string;
  /** Extra build arguments (given a scratch directory for files they need). */
  args: (dir: string) => string[];
  /** Checks `tsdib test` runs in the guest under OVMF. */
  checks: string[];
}

const CASES: Case[] = [
  {
    title: "vm's own layout (block-device-mbr: MBR, one ext4 root)",
    args: () => [],
    checks: [join(CHECKS_DIR, 'serial-login.sh')],
  },
  {
    title: 'GPT with ESP at /boot/efi, BIOS boot, /boot and root',
    args: (dir) => {
      const config = join(dir, 'gpt-boot.yaml');
      writeFileSync(config, gptBootLayout({ bootSize: '256MiB' }));
      return ['--block-device-config', config];
    },
    checks: [join(CHECKS_DIR, 'serial-login.sh'), join(CHECKS_DIR, 'boot-partitions.sh')],
  },
];

describe.skipIf(skip)('--offline-assembly and the phase cache', () => {
  it("plans the same phase-cache key (the tree) as debian-vm.test.ts's `debian vm -t qcow2,tar` build, for both layouts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-offline-plan-'));
    try {
      const key = async (args: string[]) => {
        const r = await runBuild(['plan', '--json', 'debian', 'vm', ...args], { env: TWIN_ENV });
        expect(r.status, tail(r.output)).toBe(0);
        return (JSON.parse(r.output) as { phaseCache: { key?: string } }).phaseCache.key;
      };
      const loop = await key(['-t', 'qcow2,tar', '-o', 'out/debian']);
      expect(loop).toMatch(/^[0-9a-f]{16,}$/);
      for (const c of CASES) expect(await key(['-t', 'qcow2', '--offline-assembly', '-o', join(dir, 'out', 'debian'), ...c.args(dir)])).toBe(loop);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip).each(CASES)('tsdib debian vm -t qcow2 --offline-assembly, $title', ({ args, checks }) => {
  let dir: string;
  let build: BuildRun;
  let samples: HostSample[];
  let image: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-offline-'));
    const prefix = join(dir, 'out', 'debian');
    image = `${prefix}.qcow2`;
    const sampler = startHostSampler(500);
    try {
      build = await runBuild(['debian', 'vm', '-t', 'qcow2', '--offline-assembly', '-o', prefix, ...args(dir)], { env: TWIN_ENV });
    } finally {
      samples = await sampler.stop();
    }
    const steps = [...build.output.matchAll(/✔ (restore snapshot|block device|finalise\.d|assemble|disk outputs).*\(([\d.]+) s\)/g)].map((m) => `${m[1]} ${m[2]} s`);
    process.stdout.write(`offline assembly: built in ${build.seconds.toFixed(0)} s (exit ${build.status}; ${steps.join(', ')}), ${samples.length} host samples\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 and writes the qcow2', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(statSync(image).size).toBeGreaterThan(50 * 1024 * 1024);
  });

  it('never had a loop device or a mount of the image on the host while it ran, and left nothing', () => {
    expect(build.workspace, tail(build.output)).toMatch(/tsdib_build\./);
    expect(samples.length).toBeGreaterThan(10);
    expect(seenUnder(samples, [build.workspace as string, dir])).toEqual({ loops: [], mounts: [] });
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('boots to login: under SeaBIOS (`tsdib boot --expect login:`)', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(image, 'bios', { logDir: dir });
    process.stdout.write(`offline assembly: tsdib boot (SeaBIOS) ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT_MS + 180_000);

  it('boots under OVMF (UEFI) and its checks pass in the guest (`tsdib test`)', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibTest(image, 'uefi', checks, { logDir: dir, junit: join(dir, 'junit-uefi.xml') });
    process.stdout.write(`offline assembly: tsdib test (OVMF) exit ${r.status}, ${r.seconds.toFixed(0)} s in the VM\n`);
    expect(r.status, tail(r.output)).toBe(0);
    for (const check of checks) expect(r.output).toMatch(new RegExp(`^PASS  ${check} \\(`, 'm'));
  }, BOOT_TIMEOUT_MS + 180_000);
});

describe.skipIf(skip)('tsdib debian vm -t qcow2 --offline-assembly, interrupted (SIGINT) as `assemble` starts', () => {
  let dir: string;
  let build: BuildRun;
  let samples: HostSample[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-offline-int-'));
    const sampler = startHostSampler(500);
    try {
      // `package list` is the last step before `assemble` that prints (`tree outputs` has nothing to do for -t qcow2)
      build = await runBuild(['debian', 'vm', '-t', 'qcow2', '--offline-assembly', '-o', join(dir, 'out', 'debian')], { env: TWIN_ENV, interruptWhen: /✔ package list/ });
    } finally {
      samples = await sampler.stop();
    }
    const stopped = /^.*✘.*$/m.exec(build.output)?.[0] ?? '(no failed step in the log)';
    process.stdout.write(`offline assembly, interrupted: exit ${build.status} after ${build.seconds.toFixed(0)} s; ${stopped.trim()}\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 130, had no loop device or mount of the image, and leaves no workspace, loop device, mount or output', () => {
    expect(build.status, tail(build.output)).toBe(130);
    expect(build.workspace, tail(build.output)).toMatch(/tsdib_build\./);
    expect(seenUnder(samples, [build.workspace as string, dir])).toEqual({ loops: [], mounts: [] });
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
    expect(existsSync(join(dir, 'out', 'debian.qcow2'))).toBe(false);
  });
});
