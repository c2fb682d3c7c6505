// Issue 10/10's acceptance, on loopback only: redis-server and an OCI registry started here on
// 127.0.0.1, two `tsdib worker`s and `tsdib fleet run` as a user runs them.
// - Four jobs (Debian and Ubuntu minbase × two element sets, -t tar) and a fifth whose element
//   fails: the four are built and pushed once each, the fifth is reported with its hook's error
//   after one attempt, `fleet run` exits 1; run again, the four enqueue nothing.
// - A worker killed with SIGKILL while its build holds a loop device and a mount: the other worker
//   completes the job (BullMQ's stall check, `--lock-seconds 4`), and the killed worker, restarted,
//   sweeps its work directory: no loop device, mount or workspace of it is left.
// The jobs are cheap: fleet-os (test/fixtures/elements) is debian-rootfs's cached minbase tree,
// fake-os is built from the host's binaries.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopsAndMountsUnder } from '../../helpers/host-state.js';
import { FIXTURE_ELEMENTS, PLAIN_EXT4 } from '../../helpers/offline-build.js';
import { hasLoop, skipOnHost, skipUnless } from '../../helpers/resources.js';
import { missingTools } from '../../helpers/services.js';
import { archiveAnswers } from '../../e2e/helpers/requirements.js';
import { startRegistry, type RegistryFixture } from '../registry/registry-fixture.js';
import { buildsStarted, spawnCli, startRedis, startWorker, waitFor, type Redis, type Spawned, type Worker } from './fleet-fixture.js';

const skip = skipUnless(hasLoop, 'fleet', 'needs root and loop devices') || missingTools('fleet', ['redis-server', 'docker-registry', 'setpriv']);
const archives = skip ? [] : await Promise.all(['http://deb.debian.org/debian/dists/bookworm/Release', 'http://archive.ubuntu.com/ubuntu/dists/noble/Release'].map((u) => archiveAnswers(u)));
const skipDistros = skip || skipOnHost(archives.every((a) => a.ok), 'fleet of Debian and Ubuntu jobs', `an archive does not answer: ${archives.map((a) => a.why).join('; ')}`);

/** The four jobs: Debian and Ubuntu minbase, without and with the report-rootfs element. */
const FOUR = ['debian-base', 'ubuntu-base', 'debian-report', 'ubuntu-report'];

/** No credentials from the caller's files; a registry on 127.0.0.1 is plain HTTP. */
const ENV = { HOME: '/nonexistent', DOCKER_CONFIG: undefined, REGISTRY_AUTH_FILE: undefined, XDG_RUNTIME_DIR: undefined, XDG_CONFIG_HOME: undefined };

function fleetFile(registry: string, withBroken: boolean, kill = false): string {
  const fakeOs = `
    base: false
    formats: [raw]
    env:
      DIB_BLOCK_DEVICE_CONFIG: ${JSON.stringify(PLAIN_EXT4)}
      DIB_IMAGE_SIZE: "0.1"
      DIB_JOURNAL_SIZE: "8"`;
  if (kill) {
    return `registry: ${registry}/fleet
env: { ELEMENTS_PATH: ${JSON.stringify(FIXTURE_ELEMENTS)} }
images:
  - name: slow
    elements: [fake-os, fault]${fakeOs}
      FAULT_PHASE: pre-finalise.d
      FAULT_MODE: sleep
      FAULT_SLEEP_SECONDS: "20"
`;
  }
  return `registry: ${registry}/fleet
env: { ELEMENTS_PATH: ${JSON.stringify(FIXTURE_ELEMENTS)} }
images:
  - name: "\${distro}-base"
    elements: [fleet-os]
    base: false
    formats: [tar]
    env: { FLEET_DISTRO: "\${distro}" }
    matrix: { distro: [debian, ubuntu] }
  - name: "\${distro}-report"
    elements: [fleet-os, report-rootfs]
    base: false
    formats: [tar]
    env: { FLEET_DISTRO: "\${distro}" }
    matrix: { distro: [debian, ubuntu] }
${withBroken ? `  - name: broken\n    elements: [fake-os, fault]${fakeOs}\n      FAULT_PHASE: install.d\n` : ''}`;
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
    }, 20 * 60_000);

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
