#!/usr/bin/env node
// Fleet benchmark: the four-job fleet of test/integration/fleet (Debian and Ubuntu × `vm` and
// `vm uefi`, -t tar: real images whose root trees come from the phase cache the e2e builds and the
// fleet test fill) on a redis-server and a registry started here on 127.0.0.1. Prints:
//   1. a warm-up round when a job's tree is not in the phase cache yet (fills it; its time is shown,
//      not compared); skipped when `tsdib plan` says every tree will be reused;
//   2. the wall time of `tsdib fleet run` with one worker, then with two (on a 2-core host the
//      second mostly shows correctness, not speed);
//   3. the per-job overhead of the engine: each job run directly as `tsdib … -t tar --push REF`
//      (what a worker runs) next to the same job's build in the worker (its `seconds`) and next to
//      the one-worker fleet's wall time divided by the jobs.
//
//   npm run bench:fleet
//   BENCH_DIR=/var/tmp/b DIB_IMAGE_CACHE=/var/cache/tsdib npm run bench:fleet
//
// Each round pushes under its own registry path, so every round builds all four jobs. Timings are
// wall time; this is a benchmark, not a test, and the host may be busy: the load average is printed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tsdib-bench-fleet');
/** The e2e builds' cache (test/e2e/helpers/build.ts), where the jobs' trees are. */
const CACHE = process.env.DIB_IMAGE_CACHE ?? join(homedir(), '.cache', 'tsdib');
const UBUNTU = { DIB_DISTRIBUTION_MIRROR: process.env.DIB_DISTRIBUTION_MIRROR_UBUNTU ?? 'http://archive.ubuntu.com/ubuntu' };
const JOBS = [
  { name: 'debian-vm', elements: ['debian', 'vm'], env: {} },
  { name: 'debian-vm-uefi', elements: ['debian', 'vm', 'uefi'], env: {} },
  { name: 'ubuntu-vm', elements: ['ubuntu', 'vm'], env: UBUNTU },
  { name: 'ubuntu-vm-uefi', elements: ['ubuntu', 'vm', 'uefi'], env: UBUNTU },
];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const missing = ['redis-server', 'docker-registry', 'setpriv'].filter((c) => !has(c));
if (!existsSync(CLI)) fail('dist/ is missing; run `npm run build` first');
if (process.getuid?.() !== 0) fail('builds need root (loop devices, mounts, chroot)');
if (missing.length) fail(`needs ${missing.join(', ')} (tsdib doctor --install --for-tests)`);

function fail(message) {
  console.error(`bench/fleet.mjs: ${message}`);
  process.exit(2);
}

/** The environment of every tsdib process here: no DIB_* of the caller but the cache, no registry credentials. */
function env(extra = {}) {
  const e = { ...process.env, HOME: '/nonexistent', TMPDIR: DIR };
  for (const k of Object.keys(e)) if (/^(DIB_|ELEMENTS_PATH$|DOCKER_CONFIG$|REGISTRY_AUTH_FILE$)/.test(k)) delete e[k];
  return { ...e, DIB_IMAGE_CACHE: CACHE, ...extra };
}

/** Jobs whose tree `tsdib plan` says is not in the phase cache. */
function coldJobs() {
  return JOBS.filter((j) => {
    const r = spawnSync(process.execPath, [CLI, 'plan', ...j.elements, '-t', 'tar', '--json'], { env: env(j.env), encoding: 'utf8', maxBuffer: 64 << 20 });
    return r.status !== 0 || JSON.parse(r.stdout).phaseCache?.status !== 'reuse';
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function listening(port) {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((r) => {
      const c = connect({ host: '127.0.0.1', port });
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** Starts `cmd args`; resolves { child, output(), exited } */
function start(cmd, args, e) {
  const child = spawn(cmd, args, { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise((r) => child.on('close', (status) => r(status)));
  return { child, output: () => out, exited };
}

async function stop(p) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

async function timed(cmd, args, e) {
  const t0 = performance.now();
  const p = start(cmd, args, e);
  const status = await p.exited;
  return { status, seconds: (performance.now() - t0) / 1000, output: p.output() };
}

function fleetYaml(registry) {
  return `registry: ${registry}
images:
${JOBS.map((j) => `  - name: ${j.name}\n    elements: ${JSON.stringify(j.elements)}\n    formats: [tar]\n    env: ${JSON.stringify(j.env)}\n`).join('')}`;
}

/** The summary table's rows of `fleet run`: name → { state, worker, seconds }. */
function summary(output) {
  const rows = new Map();
  for (const m of output.matchAll(/^(\S+) +(built|FAILED) +(\S*) +([\d.]*) /gm)) rows.set(m[1], { state: m[2], worker: m[3], seconds: Number(m[4]) });
  return rows;
}

async function main() {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const redisPort = await freePort();
  const redis = start('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--dir', DIR, '--save', '', '--appendonly', 'no'], process.env);
  const regPort = await freePort();
  writeFileSync(join(DIR, 'registry.yml'), `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(DIR, 'registry')}\nhttp:\n  addr: 127.0.0.1:${regPort}\n  secret: bench\n`);
  const registry = start('docker-registry', ['serve', join(DIR, 'registry.yml')], process.env);
  const url = `redis://127.0.0.1:${redisPort}`;
  const running = [redis, registry];
  try {
    await listening(redisPort);
    await listening(regPort);
    console.log(`fleet bench: ${JOBS.length} jobs (${JOBS.map((j) => j.name).join(', ')}), -t tar, in ${DIR}, cache ${CACHE}; load ${load()}`);

    const round = async (label, workers) => {
      const ws = [];
      for (let i = 1; i <= workers; i++) {
        const w = start(process.execPath, [CLI, 'worker', '--redis', url, '--name', `b${i}`, '--work-dir', join(DIR, `w${i}`)], env());
        running.push(w);
        ws.push(w);
      }
      const file = join(DIR, `${label}.yaml`);
      writeFileSync(file, fleetYaml(`127.0.0.1:${regPort}/${label}`));
      const r = await timed(process.execPath, [CLI, 'fleet', 'run', file, '--redis', url], env());
      for (const w of ws) await stop(w);
      if (r.status !== 0) throw new Error(`${label}: fleet run exited ${r.status}:\n${r.output}\n${ws.map((w) => w.output()).join('\n')}`);
      return { seconds: r.seconds, rows: summary(r.output) };
    };

    const cold = coldJobs();
    if (cold.length === 0) console.log(`warm-up skipped: every job's tree is in the phase cache (${CACHE})`);
    else {
      const warm = await round('warmup', 2);
      console.log(`warm-up (2 workers; ${cold.map((j) => j.name).join(', ')} not in the phase cache): ${warm.seconds.toFixed(1)} s`);
    }
    const one = await round('one', 1);
    const two = await round('two', 2);
    console.log(`\nfleet run wall time, ${JOBS.length} jobs (load ${load()}):`);
    console.log(`  1 worker   ${one.seconds.toFixed(1).padStart(6)} s`);
    console.log(`  2 workers  ${two.seconds.toFixed(1).padStart(6)} s   (${(one.seconds / two.seconds).toFixed(2)}× the speed of one)`);

    console.log(`\nper job: the same build run directly (tsdib … -t tar --push) vs. in a worker:`);
    console.log(`  ${'job'.padEnd(14)} ${'direct s'.padStart(9)} ${'worker s'.padStart(9)} ${'(worker − direct)'.padStart(18)}`);
    let direct = 0;
    for (const j of JOBS) {
      const out = join(DIR, 'direct', j.name);
      mkdirSync(out, { recursive: true });
      const args = [CLI, ...j.elements, '-t', 'tar', '-o', join(out, j.name), '--push', `127.0.0.1:${regPort}/direct/${j.name}:bench`, '--logfile', join(out, 'build.log')];
      const r = await timed(process.execPath, args, env(j.env));
      if (r.status !== 0) throw new Error(`direct build of ${j.name} exited ${r.status}:\n${r.output}`);
      rmSync(out, { recursive: true, force: true });
      direct += r.seconds;
      const inWorker = one.rows.get(j.name)?.seconds ?? NaN;
      console.log(`  ${j.name.padEnd(14)} ${r.seconds.toFixed(1).padStart(9)} ${inWorker.toFixed(1).padStart(9)} ${(inWorker - r.seconds).toFixed(1).padStart(18)}`);
    }
    const perJob = (one.seconds - direct) / JOBS.length;
    const inWorkers = JOBS.reduce((sum, j) => sum + (one.rows.get(j.name)?.seconds ?? NaN), 0);
    console.log(`  sum of direct builds ${direct.toFixed(1)} s; of the builds in the worker ${inWorkers.toFixed(1)} s; one-worker fleet ${one.seconds.toFixed(1)} s`);
    console.log(`  engine overhead per job (one-worker fleet − direct builds) / ${JOBS.length}: ${perJob.toFixed(1)} s`);
    console.log(`  engine overhead per job, same run (one-worker fleet − its builds' own seconds) / ${JOBS.length}: ${((one.seconds - inWorkers) / JOBS.length).toFixed(1)} s`);
    console.log(`    (planning every job's key and asking the registry, queueing, the worker's 1 s progress poll, fleet run's 1 s poll)`);
    console.log(`load at the end: ${load()}`);
  } finally {
    for (const p of running.reverse()) await stop(p);
    rmSync(DIR, { recursive: true, force: true });
  }
}

await main().catch((e) => {
  console.error(`bench/fleet.mjs: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
