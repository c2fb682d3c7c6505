// Rootless builds (docs/rootless.md) end to end, as a NEW ordinary user made here with useradd: own
// group, a subordinate uid/gid range, not in the disk group, no sudo. The user gets their own clone
// of this checkout (git clone, node_modules linked, dist built by the user) and runs
// `tsdib debian vm -t qcow2` from it, with vm's own layout and with a GPT config with separate /boot
// and /boot/efi, and `tsdib ubuntu vm -t qcow2` (when the Ubuntu archive answers). While a build
// runs the host is sampled every 0.5 s: no loop device and no mount below the build's scratch
// directory or the user's home may ever appear. Each qcow2 belongs to the user, who boots it to
// `login:` (`tsdib boot --expect login:`; which firmware: CASES). A fault case interrupts another
// build (SIGINT) while its image chroot is up: exit 130, no process of the user, no mount, no loop
// device, no temp dir, no output. The user is removed afterwards.
//
// The user's DIB_IMAGE_CACHE is ROOTLESS_CACHE, kept between runs and handed to each new user
// (chown): a rootless tree has its own phase-cache key, so its snapshot is reused by the next run and
// never mixes with root's. A cold one is seeded from the suite's cache with what is safe to share:
// the base-tree tarballs with their key files (the hook checks them) and apt's .deb files (apt
// checks each against the signed index).
import { type ChildProcess, execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { gptBootLayout } from '../fixtures/block-device/layouts.mjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { hasCommand, isRoot, skipOnHost, skipUnless } from '../helpers/resources.js';
import { createTestUser, processesOf, removeTestUser, runAsUser, spawnAsUser, type TestUser } from '../helpers/test-user.js';
import { E2E_CACHE, tail, watchBuild } from './helpers/build.js';
import { startHostSampler, type HostSample } from './helpers/host-sampler.js';
import { archiveAnswers, e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS } from './helpers/tsdib-boot.js';

const ROOTLESS_CACHE = process.env['TSDIB_E2E_ROOTLESS_CACHE'] ?? '/var/tmp/tsdib-e2e-rootless-cache';
const missing = e2eMissing() ?? (['useradd', 'usermod', 'setpriv', 'unshare', 'newuidmap', 'newgidmap', 'git'].every(hasCommand) ? undefined : 'needs useradd/usermod, setpriv, unshare, uidmap (newuidmap, newgidmap) and git');
const skip = skipUnless(isRoot && missing === undefined, 'e2e rootless build', missing ?? '');

const UBUNTU_MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const ubuntuArchive = missing === undefined && isRoot ? await archiveAnswers(`${UBUNTU_MIRROR}/dists/noble/Release`) : { ok: false, why: '' };

type Firmware = 'bios' | 'uefi';
const FIRMWARE_NAMES: Record<Firmware, string> = { bios: 'SeaBIOS', uefi: 'OVMF (UEFI)' };

/**
 * What the user builds. Each image boots once under each firmware, as issue 20 asks of every one of
 * them (each boot costs 1–2 min under software emulation).
 */
const CASES: Array<{ title: string; name: string; elements: string[]; config?: string; env?: Record<string, string>; firmware: Firmware[]; skip?: boolean }> = [
  { title: "debian vm, vm's own layout (MBR, ESP, one ext4 root)", name: 'vm', elements: ['debian', 'vm'], firmware: ['bios', 'uefi'] },
  { title: 'debian vm, GPT with ESP at /boot/efi, BIOS boot, /boot and root', name: 'gpt-boot', elements: ['debian', 'vm'], config: gptBootLayout({ bootSize: '256MiB' }), firmware: ['bios', 'uefi'] },
  {
    title: 'ubuntu vm (noble)',
    name: 'noble',
    elements: ['ubuntu', 'vm'],
    env: { DIB_DISTRIBUTION_MIRROR: UBUNTU_MIRROR },
    firmware: ['bios', 'uefi'],
    skip: skipOnHost(ubuntuArchive.ok, 'e2e rootless ubuntu vm', `the Ubuntu archive does not answer: ${ubuntuArchive.why}`),
  },
];

interface UserBuild {
  status: number;
  output: string;
  seconds: number;
  /** The inner build's workspace, from its log. */
  workspace: string | undefined;
  samples: HostSample[];
}

/** `tsdib ARGS…` from the user's clone, as the user (host sampled meanwhile); SIGINT once the output matches `interruptWhen`. */
async function tsdibAsUser(user: TestUser, clone: string, args: string[], opts: { interruptWhen?: RegExp; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<UserBuild> {
  const sampler = startHostSampler(500);
  // setpriv execs node: the child is the outer tsdib, which gets the SIGINT
  const child: ChildProcess = spawnAsUser(user, process.execPath, [join(clone, 'dist/cli/main.js'), ...args], { cwd: clone, env: { DIB_IMAGE_CACHE: ROOTLESS_CACHE, ...opts.env } });
  const run = await watchBuild(child, { timeoutMs: opts.timeoutMs ?? 30 * 60_000, ...(opts.interruptWhen ? { interruptWhen: opts.interruptWhen } : {}) });
  return { ...run, samples: await sampler.stop() };
}

/** Every loop device backed by a file below `dirs`, and every mount below them, in any sample. */
function hostSaw(samples: readonly HostSample[], dirs: readonly string[]): { loops: string[]; mounts: string[] } {
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
  const loops = new Set<string>();
  const mounts = new Set<string>();
  for (const s of samples) {
    for (const l of s.loops) if (inside(l.backFile)) loops.add(`${l.name} → ${l.backFile}`);
    for (const m of s.mounts) if (inside(m.mountPoint)) mounts.add(`${m.source} on ${m.mountPoint} (${m.fsType})`);
  }
  return { loops: [...loops].sort(), mounts: [...mounts].sort() };
}

/** The user's cache: kept between runs, seeded once from the suite's cache, handed to this user. */
function prepareCache(user: TestUser): void {
  mkdirSync(join(ROOTLESS_CACHE, 'rootfs'), { recursive: true });
  const rootfs = join(E2E_CACHE, 'rootfs');
  for (const f of existsSync(rootfs) ? readdirSync(rootfs) : []) {
    const to = join(ROOTLESS_CACHE, 'rootfs', f);
    if (/\.tar(\.key)?$/.test(f) && !existsSync(to)) cpSync(join(rootfs, f), to, { preserveTimestamps: true });
  }
  const archives = join(E2E_CACHE, 'apt-archives');
  if (existsSync(archives)) cpSync(archives, join(ROOTLESS_CACHE, 'apt-archives'), { recursive: true, force: false, filter: (src) => !src.includes('/partial') && !src.endsWith('.lock') });
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, ROOTLESS_CACHE]);
  execFileSync('chmod', ['0700', ROOTLESS_CACHE]);
}

describe.skipIf(skip)('rootless: a new ordinary user builds `tsdib debian vm -t qcow2` from their own clone', () => {
  let user: TestUser | undefined;
  let clone: string;
  let out: string;
  let logDir: string;

  beforeAll(() => {
    user = createTestUser({ subordinateIds: true });
    clone = join(user.home, 'tsdib');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
    out = join(user.home, 'out');
    mkdirSync(out);
    logDir = join(user.home, 'logs');
    mkdirSync(logDir);
    execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, user.home]);
    prepareCache(user);
  }, 5 * 60_000);

  afterAll(() => {
    // userdel --remove takes the home: clone, outputs, logs
    removeTestUser(user);
  });

  it('the user is an ordinary one: own group, not in disk or sudo, with a subordinate range', () => {
    const groups = runAsUser(user!, 'id', ['-nG']).stdout.trim().split(/\s+/);
    expect(groups).toEqual([user!.name]);
    expect(user!.subordinate?.count).toBe(65536);
    expect(runAsUser(user!, 'id', ['-u']).stdout.trim()).toBe(String(user!.uid));
  });

  it('builds the clone (node scripts/build.mjs) as the user', () => {
    const r = runAsUser(user!, process.execPath, ['scripts/build.mjs'], { cwd: clone, timeoutMs: 5 * 60_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(existsSync(join(clone, 'dist/cli/main.js'))).toBe(true);
  }, 6 * 60_000);

  describe.each(CASES)('tsdib … -t qcow2, $title', ({ name, elements, config, env, firmware: firmwares, skip: skipCase }) => {
    let image: string;
    let build: UserBuild;
    let args: string[];

    beforeAll(async () => {
      image = join(out, `${name}.qcow2`);
      if (skipCase) return;
      args = [...elements, '-t', 'qcow2', '-o', join(out, name)];
      if (config) {
        const file = join(user!.home, `${name}.yaml`);
        writeFileSync(file, config);
        chownSync(file, user!.uid, user!.gid);
        args.push('--block-device-config', file);
      }
      // the same tree for both layouts: the second build restores the first one's snapshot
      build = await tsdibAsUser(user!, clone, args, { env: env ?? {} });
      const steps = [...build.output.matchAll(/✔ (root\.d|install\.d|restore snapshot|block device|finalise\.d|assemble|disk outputs).*\(([\d.]+) s\)/g)].map((m) => `${m[1]} ${m[2]} s`);
      process.stdout.write(`rootless ${name}: built in ${build.seconds.toFixed(0)} s (exit ${build.status}; ${steps.join(', ')}), ${build.samples.length} host samples\n`);
    }, 31 * 60_000);

    it.skipIf(skipCase)('exits 0, says it runs in a user namespace, and writes a qcow2 that belongs to the user', () => {
      expect(build.status, tail(build.output)).toBe(0);
      expect(build.output).toMatch(/rootless build: root inside = you, ids 1–65536 inside = \d+–\d+/);
      const st = statSync(image);
      expect(st.size).toBeGreaterThan(50 * 1024 * 1024);
      expect({ uid: st.uid, gid: st.gid }).toEqual({ uid: user!.uid, gid: user!.gid });
      expect(execFileSync('qemu-img', ['check', image], { encoding: 'utf8' })).toMatch(/No errors were found/);
    });

    it.skipIf(skipCase)('never had a loop device or a mount below its workspace or the home on the host, and left none, nor a temp dir or a process', () => {
      expect(build.workspace, tail(build.output)).toMatch(/\/tsdib_rootless\.[^/]+\/tsdib_build\./);
      expect(build.samples.length).toBeGreaterThan(10);
      const scratch = join(build.workspace!, '..');
      expect(hostSaw(build.samples, [scratch, user!.home])).toEqual({ loops: [], mounts: [] });
      expect(existsSync(scratch)).toBe(false);
      expect(processesOf(user!.uid)).toEqual([]);
    });

    it.skipIf(skipCase)('`tsdib plan --json`, as the user, shows the keys the build used: its plan key and its snapshot, to be reused', async () => {
      expect(build.status).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, `${name}.manifest.json`), 'utf8')) as { planKey: string; phaseCache: { key: string } };
      const r = runAsUser(user!, process.execPath, [join(clone, 'dist/cli/main.js'), 'plan', '--json', ...args], { cwd: clone, env: { DIB_IMAGE_CACHE: ROOTLESS_CACHE, ...env } });
      expect(r.status, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout) as { planKey: string; phaseCache: { status: string; key: string } };
      expect({ planKey: plan.planKey, key: plan.phaseCache.key, status: plan.phaseCache.status }).toEqual({ planKey: manifest.planKey, key: manifest.phaseCache.key, status: 'reuse' });
    });

    // the user boots it too: `tsdib boot` needs no root (qemu on an overlay in TMPDIR; `tsdib test` would need fusermount3)
    it.skipIf(skipCase).each(firmwares.map((f) => [FIRMWARE_NAMES[f], f] as const))('boots to login: under %s (`tsdib boot --expect login:`, as the user)', async (firmwareName, firmware) => {
      expect(build.status).toBe(0);
      const r = await tsdibAsUser(user!, clone, ['boot', image, '--firmware', firmware, '--expect', 'login:', '--timeout', String(BOOT_TIMEOUT_MS / 1000), '--console-log', join(logDir, `console-${name}-${firmware}.log`)], { timeoutMs: BOOT_TIMEOUT_MS + 120_000 });
      const took = /the console showed .* after ([\d.]+) s/.exec(r.output)?.[1] ?? r.seconds.toFixed(0);
      process.stdout.write(`rootless ${name}: tsdib boot (${firmwareName}) exit ${r.status} after ${took} s\n`);
      expect(r.status, tail(r.output, 30)).toBe(0);
    }, BOOT_TIMEOUT_MS + 180_000);
  });

  describe('interrupted (SIGINT) while the image chroot is up', () => {
    let fault: UserBuild;

    beforeAll(async () => {
      fault = await tsdibAsUser(user!, clone, ['debian', 'vm', '-t', 'qcow2', '-o', join(out, 'fault')], { interruptWhen: /✔ chroot \(image\)/ });
      const stopped = /^.*✘.*$/m.exec(fault.output)?.[0] ?? '(no failed step in the log)';
      process.stdout.write(`rootless, interrupted: exit ${fault.status} after ${fault.seconds.toFixed(0)} s; ${stopped.trim()}\n`);
    }, 31 * 60_000);

    it('exits 130 and leaves no process, mount, loop device, temp dir or output', async () => {
      expect(fault.status, tail(fault.output)).toBe(130);
      expect(fault.workspace, tail(fault.output)).toMatch(/\/tsdib_rootless\.[^/]+\/tsdib_build\./);
      const scratch = join(fault.workspace!, '..');
      expect(hostSaw(fault.samples, [scratch, user!.home])).toEqual({ loops: [], mounts: [] });
      expect(existsSync(scratch)).toBe(false);
      expect(processesOf(user!.uid)).toEqual([]);
      expect(existsSync(join(out, 'fault.qcow2'))).toBe(false);
    });
  });
});
