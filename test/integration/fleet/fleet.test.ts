// Issue 10/10's acceptance, on loopback only: redis-server and an OCI registry started here on
// 127.0.0.1, two `tsdib worker`s and `tsdib fleet run` as a user runs them.
// - Four jobs (Debian and Ubuntu × `vm` and `vm uefi`, -t tar) and a fifth whose element fails:
//   the four are built and pushed once each, the fifth is reported with its hook's error after one
//   attempt, `fleet run` exits 1; run again, the four enqueue nothing.
// - A worker killed with SIGKILL while its build holds a loop device and a mount: the other worker
//   completes the job (BullMQ's stall check, `--lock-seconds 4`), and the killed worker, restarted,
//   sweeps its work directory: no loop device, mount or workspace of it is left.
// The four are real images, built as the e2e suite builds them (same cache directory, same keyed
// variables), so their root trees come from the phase cache the e2e builds fill and a job redoes
// only the block device, finalise.d and the tar: `debian vm` is test/e2e/debian-vm's tree,
// `debian vm uefi` debian-bootloaders', `ubuntu vm` ubuntu-vm's (same mirror variable). `ubuntu vm
// uefi` has no e2e twin: its tree is built here, once per change of tsdib's code or elements.
// The broken and killed jobs use fake-os (test/fixtures/elements), built from the host's binaries.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopsAndMountsUnder } from '../../helpers/host-state.js';
import { FIXTURE_ELEMENTS, PLAIN_EXT4 } from '../../helpers/offline-build.js';
import { hasLoop, skipOnHost, skipUnless } from '../../helpers/resources.js';
import { missingTools } from '../../helpers/services.js';
import { jobEnvironment } from '../../../src/fleet/fleet-plan.js';
import { isNeverKeyed } from '../../../src/pipeline/cache/key-variables.js';
import { runCli } from '../../helpers/cli.js';
import { E2E_CACHE } from '../../e2e/helpers/build.js';
import { E2E_SOURCE_DATE_EPOCH } from '../../e2e/helpers/rebuild.js';
import { archiveAnswers } from '../../e2e/helpers/requirements.js';
import { startRegistry, type RegistryFixture } from '../registry/registry-fixture.js';
import { buildsStarted, spawnCli, startRedis, startWorker, waitFor, type Redis, type Spawned, type Worker } from './fleet-fixture.js';

const skip = skipUnless(hasLoop, 'fleet', 'needs root and loop devices') || missingTools('fleet', ['redis-server', 'docker-registry', 'setpriv']);
/** The Ubuntu mirror of test/e2e/ubuntu-vm.test.ts (a keyed variable: it must be the same for the cache to match). */
const UBUNTU_MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const archives = skip ? [] : await Promise.all(['http://deb.debian.org/debian/dists/bookworm/Release', `${UBUNTU_MIRROR}/dists/noble/Release`].map((u) => archiveAnswers(u)));
const skipDistros = skip || skipOnHost(archives.every((a) => a.ok), 'fleet of Debian and Ubuntu jobs', `an archive does not answer: ${archives.map((a) => a.why).join('; ')}`);

/** The four jobs, each the element set and variables of its e2e twin (above; `twin`: the e2e build's arguments). */
const FOUR_JOBS: ReadonlyArray<{ name: string; elements: string[]; env?: Record<string, string>; twin?: string[] }> = [
  // debian-vm's and ubuntu-vm's twins are SOURCE_DATE_EPOCH builds (test/e2e/helpers/rebuild.ts), a keyed variable
  { name: 'debian-vm', elements: ['debian', 'vm'], env: { SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH }, twin: ['debian', 'vm', '-t', 'qcow2,tar'] },
  { name: 'debian-vm-uefi', elements: ['debian', 'vm', 'uefi'], twin: ['debian', 'vm', 'uefi', '-t', 'qcow2'] },
  { name: 'ubuntu-vm', elements: ['ubuntu', 'vm'], env: { DIB_DISTRIBUTION_MIRROR: UBUNTU_MIRROR, SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH }, twin: ['ubuntu', 'vm', '-t', 'qcow2,tar'] },
  { name: 'ubuntu-vm-uefi', elements: ['ubuntu', 'vm', 'uefi'], env: { DIB_DISTRIBUTION_MIRROR: UBUNTU_MIRROR } },
];
const FOUR = FOUR_JOBS.map((j) => j.name);

/**
 * The keyed DIB_* variables of this process, which the e2e builds inherit: a job gets DIB_* only
 * from the fleet file (its worker drops its own), so the fleet's `env` carries them.
 */
const KEYED_DIB_ENV = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('DIB_') && !isNeverKeyed(e[0]) && e[1] !== undefined));

/**
 * No credentials from the caller's files (a registry on 127.0.0.1 is plain HTTP); the e2e builds'
 * cache directory (never keyed), where the jobs find their trees.
 */
const ENV = { DIB_IMAGE_CACHE: E2E_CACHE, HOME: '/nonexistent', DOCKER_CONFIG: undefined, REGISTRY_AUTH_FILE: undefined, XDG_RUNTIME_DIR: undefined, XDG_CONFIG_HOME: undefined };

function fleetFile(registry: string, withBroken: boolean, kill = false): string {
  const fakeOs = `
    base: false
    formats: [raw]
    env:
      ELEMENTS_PATH: ${JSON.stringify(FIXTURE_ELEMENTS)}
      DIB_BLOCK_DEVICE_CONFIG: ${JSON.stringify(PLAIN_EXT4)}
      DIB_IMAGE_SIZE: "0.1"
      DIB_JOURNAL_SIZE: "8"`;
  if (kill) {
    return `registry: ${registry}/fleet
images:
  - name: slow
    elements: [fake-os, fault]${fakeOs}
      FAULT_PHASE: pre-finalise.d
      FAULT_MODE: sleep
      FAULT_SLEEP_SECONDS: "20"
`;
  }
  const four = FOUR_JOBS.map((j) => `  - name: ${j.name}\n    elements: ${JSON.stringify(j.elements)}\n    formats: [tar]\n${j.env ? `    env: ${JSON.stringify(j.env)}\n` : ''}`);
  return `registry: ${registry}/fleet
env: ${JSON.stringify(KEYED_DIB_ENV)}
images:
${four.join('')}${withBroken ? `  - name: broken\n    elements: [fake-os, fault]${fakeOs}\n      FAULT_PHASE: install.d\n` : ''}`;
}

/** The summary row of job NAME in `fleet run`'s output (the table's line). */
function row(stdout: string, name: string): string {
  return stdout.split('\n').find((l) => l.startsWith(`${name} `) && /\s(built|FAILED|built before)\s/.test(l)) ?? `(no summary row for ${name} in:\n${stdout})`;
}

async function tags(registry: string, name: string): Promise<string[]> {
  const res = await fetch(`http://${registry}/v2/fleet/${name}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}

/** What is left of a worker's builds: loop devices and mounts under its work directory, workspaces in its tmp/. */
function leftovers(workDir: string) {
  const tmp = join(workDir, 'tmp');
  return { ...loopsAndMountsUnder(workDir), workspaces: existsSync(tmp) ? readdirSync(tmp) : [] };
}

/** The phase-cache key `tsdib plan ARGS --json` prints with `env` as its whole environment. */
function phaseCacheKey(args: string[], env: Record<string, string | undefined>): string | undefined {
  const unset = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));
  const out = runCli(['plan', ...args, '--json'], { env: { ...unset, ...env } });
  if (out.status !== 0) throw new Error(`tsdib plan ${args.join(' ')} exited ${out.status}: ${out.stderr}`);
  return (JSON.parse(out.stdout) as { phaseCache: { key?: string } }).phaseCache.key;
}

describe.skipIf(skip)('the fleet jobs plan the phase-cache keys of their e2e twins', () => {
  // what a worker of the test below runs: its environment (HOME=/nonexistent, TMPDIR, the cache),
  // less its DIB_*, plus the fleet file's; the twin: the e2e build's (test/e2e/helpers/build.ts)
  it.each(FOUR_JOBS.filter((j) => j.twin))('$name', (job) => {
    const worker = { ...jobEnvironment({ env: { ...KEYED_DIB_ENV, ...job.env } }, { ...process.env, ...ENV, TMPDIR: tmpdir() }), TMP_DIR: join(tmpdir(), 'w1', 'tmp') };
    const e2e = { ...process.env, DIB_IMAGE_CACHE: E2E_CACHE, ...job.env };
    expect(phaseCacheKey([...job.elements, '-t', 'tar'], worker)).toBe(phaseCacheKey(job.twin!, e2e));
  });
});

describe.skipIf(skip)('tsdib fleet: jobs in BullMQ on Redis, built by workers, pushed to a registry', () => {
  let dir: string;
  let registry: RegistryFixture;
  let redis: Redis;
  const workers: Worker[] = [];
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-fleet-'));
    registry = await startRegistry(join(dir, 'registry'));
    redis = await startRedis(dir);
    env = { ...ENV, TMPDIR: dir };
    writeFileSync(join(dir, 'fleet.yaml'), fleetFile(registry.host, false));
    writeFileSync(join(dir, 'fleet-broken.yaml'), fleetFile(registry.host, true));
    writeFileSync(join(dir, 'fleet-kill.yaml'), fleetFile(registry.host, false, true));
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await redis?.service.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.skipIf(skipDistros)('four jobs and a broken one on two workers', () => {
    let first: Spawned;
    let second: Spawned;
    let logs: () => string;

    beforeAll(async () => {
      const pair = await Promise.all(['w1', 'w2'].map((name) => startWorker(redis.url, dir, name, [], env)));
      workers.push(...pair);
      logs = () => pair.map((w) => w.stderr()).join('\n');
      first = spawnCli(['fleet', 'run', join(dir, 'fleet-broken.yaml'), '--redis', redis.url], env);
      await first.exited;
      second = spawnCli(['fleet', 'run', join(dir, 'fleet.yaml'), '--redis', redis.url], env);
      await second.exited;
      for (const w of pair) await w.stop();
      process.stdout.write(`fleet: first run\n${first.stdout()}${first.stderr()}\nworkers:\n${logs()}\n`);
    }, 45 * 60_000);

    it('builds and pushes each of the four jobs exactly once, under its plan key', async () => {
      expect(first.stdout()).toContain('5 jobs, 5 queued, 0 already built');
      for (const name of FOUR) {
        expect(row(first.stdout(), name)).toMatch(new RegExp(`^${name} +built +w[12] `));
        expect(buildsStarted(logs(), name), `${name} in:\n${logs()}`).toBe(1);
        const key = /:([0-9a-f]{64})@sha256:/.exec(row(first.stdout(), name))?.[1];
        expect(await tags(registry.host, name)).toEqual([key]);
      }
    });

    it('reports the job whose element fails with its error, after one attempt; the others finish; the run exits 1', async () => {
      expect(await first.exited).toEqual({ status: 1, signal: null });
      expect(row(first.stdout(), 'broken')).toMatch(/^broken +FAILED .*HOOK_FAILED: element fault, install\.d\/50-fault \(in chroot\) exited 1 .*\(1 attempt\(s\)\)$/);
      expect(buildsStarted(logs(), 'broken')).toBe(1);
      // the worker prints the error and the hook's output that explains it
      expect(logs()).toMatch(/warn: job \S+ broken: HOOK_FAILED: element fault/);
      expect(logs()).toContain('fault: install.d failing on purpose');
    });

    it('run again, enqueues nothing: every job is already in the registry', async () => {
      expect(await second.exited).toEqual({ status: 0, signal: null });
      expect(second.stdout()).toContain('4 jobs, 0 queued, 4 already built');
      for (const name of FOUR) {
        expect(second.stdout()).toContain(`${name}: already in the registry`);
        expect(buildsStarted(logs(), name)).toBe(1);
      }
    });
  });

  describe('a worker killed with SIGKILL in the middle of a build', () => {
    let run: Spawned;
    let victim: Worker;
    let survivor: Worker;
    let heldBeforeKill: ReturnType<typeof leftovers>;
    let restarted: Worker;
    let afterRestart: ReturnType<typeof leftovers>;

    beforeAll(async () => {
      const pair = await Promise.all(['k1', 'k2'].map((name) => startWorker(redis.url, dir, name, ['--lock-seconds', '4'], env)));
      workers.push(...pair);
      run = spawnCli(['fleet', 'run', join(dir, 'fleet-kill.yaml'), '--redis', redis.url], env);
      // the build sleeps in pre-finalise.d, with its image attached and mounted
      const sleeping = (w: Worker) => {
        try {
          return readFileSync(join(w.workDir, 'out', 'slow', 'build.log'), 'utf8').includes('fault: pre-finalise.d sleeping');
        } catch {
          return false; // not started yet
        }
      };
      victim = await waitFor('a worker to reach pre-finalise.d', () => pair.find(sleeping), 300_000);
      survivor = pair.find((w) => w !== victim)!;
      heldBeforeKill = leftovers(victim.workDir);
      victim.child.kill('SIGKILL');
      await victim.exited;
      await run.exited;
      restarted = await startWorker(redis.url, dir, victim.name, ['--lock-seconds', '4'], env);
      workers.push(restarted);
      afterRestart = leftovers(victim.workDir);
      for (const w of [survivor, restarted]) await w.stop();
      process.stdout.write(`fleet kill: run\n${run.stdout()}${run.stderr()}\nvictim ${victim.name}:\n${victim.stderr()}\nsurvivor:\n${survivor.stderr()}\nrestarted:\n${restarted.stderr()}\n`);
    }, 10 * 60_000);

    it('was killed while its build held a loop device, a mount and a workspace', () => {
      expect(heldBeforeKill.loops.length).toBeGreaterThan(0);
      expect(heldBeforeKill.mounts.length).toBeGreaterThan(0);
      expect(heldBeforeKill.workspaces.length).toBeGreaterThan(0);
    });

    it('its job is completed by the other worker (the run exits 0)', async () => {
      expect(await run.exited).toEqual({ status: 0, signal: null });
      expect(row(run.stdout(), 'slow')).toMatch(new RegExp(`^slow +built +${survivor.name} `));
      expect(buildsStarted(survivor.stderr(), 'slow')).toBe(1);
      expect(await tags(registry.host, 'slow')).toHaveLength(1);
    });

    it('restarted, it sweeps its work directory: no loop device, mount or workspace is left', () => {
      expect(restarted.stderr()).toMatch(/worker \S+: \d+ leftover workspace\(s\) cleaned/);
      expect(afterRestart).toEqual({ loops: [], mounts: [], workspaces: [] });
    });
  });
});
