#!/usr/bin/env node
// Whole builds, loop path against --offline-assembly, from the same cached tree: `tsdib debian vm
// -t qcow2` and `tsdib debian vm -t qcow2 --offline-assembly`, both with a warm phase cache (one
// entry serves both: the flag does not change its key), so each run restores the same tree and
// pays only for what follows it. Measured per run from tsdib's own step events (--json-events):
// "tree → disk outputs" is from the end of step `phase cache` to the end of step `release` (the
// snapshot restored — into the mounted image on the loop path, into the tree offline —, block
// device, finalise.d and the other late phases, umount or assemble, the disk outputs); the whole
// process's wall time is printed beside it. Runs alternate loop, offline, loop, …; the ratio
// offline/loop is taken pair by pair and its median printed, with the medians of the main steps.
//
//   npm run bench:assembly
//   BENCH_RUNS=5 BENCH_LAYOUT=gpt-boot BENCH_TYPES=raw BENCH_DIR=/var/tmp/b npm run bench:assembly
//
// BENCH_LAYOUT: `vm` (vm's own block-device-mbr, the default) or `gpt-boot` (GPT with ESP at
// /boot/efi, BIOS boot, /boot and root). BENCH_TYPES: the -t list (default qcow2, the build's
// default: a compressed qcow2, which takes most of the time; raw shows the assembly alone). The
// image cache is DIB_IMAGE_CACHE or ~/.cache/tsdib; when its phase cache has no entry for this
// build, one unmeasured build fills it first. bench/offline-assembly.mjs measures the block-device
// engines alone (no build) on an unpacked tree.
// Needs root (the loop path) and dist/ (npm run build). The host may be busy: the load average is
// printed with the figures. This is a benchmark, not a test.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gptBootLayout } from '../test/fixtures/block-device/layouts.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tsdib-bench-assembly');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYOUT = process.env.BENCH_LAYOUT ?? 'vm';
const CACHE = process.env.DIB_IMAGE_CACHE || join(homedir(), '.cache', 'tsdib');
const TYPES = process.env.BENCH_TYPES ?? 'qcow2';

function die(message) {
  console.error(`bench/assembly.mjs: ${message}`);
  process.exit(2);
}
if (!existsSync(CLI)) die('dist/ is missing; run `npm run build` first');
if (process.getuid?.() !== 0) die('the loop path needs root (loop devices, mounts)');
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 20) die(`BENCH_RUNS=${process.env.BENCH_RUNS} is not a whole number from 1 to 20`);
if (!['vm', 'gpt-boot'].includes(LAYOUT)) die(`BENCH_LAYOUT=${LAYOUT} is not one of vm, gpt-boot`);
if (!/^[a-z0-9-]+(,[a-z0-9-]+)*$/.test(TYPES)) die(`BENCH_TYPES=${TYPES} is not a comma-separated list of output types`);

const OUT = join(DIR, 'out');
const LOGS = join(DIR, 'logs');
rmSync(DIR, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
mkdirSync(LOGS, { recursive: true });

const layoutArgs = [];
if (LAYOUT === 'gpt-boot') {
  const config = join(DIR, 'gpt-boot.yaml');
  writeFileSync(config, gptBootLayout({ bootSize: '256MiB' }));
  layoutArgs.push('--block-device-config', config);
}
const buildArgs = (offline, name) => ['debian', 'vm', '-t', TYPES, '-o', join(OUT, name), ...layoutArgs, ...(offline ? ['--offline-assembly'] : [])];

/** The caller's environment without what would shape the image (a developer's DIB_* settings). */
function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(DIB_|ELEMENTS_PATH$|IMAGE_|TSDIB_|FS_TYPE$|ROOT_LABEL$)/.test(k)) delete env[k];
  return { ...env, DIB_IMAGE_CACHE: CACHE };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs tsdib with --json-events; resolves its wall seconds and its depth-0 step-end events. */
function tsdib(args, name) {
  const events = join(LOGS, `${name}.events.jsonl`);
  const logFile = join(LOGS, `${name}.log`);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args, '--json-events', events], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    child.on('close', (status) => {
      const wall = (performance.now() - t0) / 1000;
      writeFileSync(logFile, log);
      if (status !== 0) {
        console.error(`tsdib ${args.join(' ')} failed (exit ${status}); log ${logFile}:\n${log.split('\n').slice(-30).join('\n')}`);
        process.exit(1);
      }
      const steps = readFileSync(events, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((e) => e.type === 'step-end' && e.depth === 0);
      resolve({ wall, steps, log });
    });
  });
}

/** Seconds from the end of `phase cache` to the end of `release`, and each step's seconds. */
function measure(run) {
  const end = (name) => run.steps.find((s) => s.name === name);
  const from = end('phase cache');
  const to = end('release');
  if (!from || !to) throw new Error('no `phase cache` or `release` step in the events');
  const reused = /phase cache: reusing/.test(run.log);
  return { wall: run.wall, treeToDisk: (to.t - from.t) / 1000, reused, step: Object.fromEntries(run.steps.map((s) => [s.name, s.seconds])) };
}

const plan = JSON.parse(spawnSync(process.execPath, [CLI, 'plan', '--json', ...buildArgs(false, 'plan')], { env: cleanEnv(), encoding: 'utf8' }).stdout || '{}');
console.log(`-t ${TYPES}; layout ${LAYOUT}; phase cache ${CACHE}: ${plan.phaseCache?.status ?? '?'} (key ${plan.phaseCache?.key ?? '?'}); load ${load()}`);
if (plan.phaseCache?.status !== 'reuse') {
  console.log('filling the phase cache with one unmeasured build …');
  await tsdib(buildArgs(false, 'fill'), 'fill');
}

const STEPS = ['restore snapshot', 'restore snapshot (image)', 'block device', 'copy tree', 'finalise.d', 'umount', 'assemble', 'disk outputs'];
const fmt = (s) => (s === undefined ? '—' : s.toFixed(1)).padStart(7);
console.log('run   loop: tree→disk   wall   offline: tree→disk   wall   ratio tree→disk   wall');
const loops = [];
const offlines = [];
const ratios = [];
const ratiosWall = [];
for (let i = 1; i <= RUNS; i++) {
  const a = measure(await tsdib(buildArgs(false, `loop-${i}`), `loop-${i}`));
  for (const t of TYPES.split(',')) rmSync(join(OUT, `loop-${i}.${t}`), { force: true });
  const b = measure(await tsdib(buildArgs(true, `offline-${i}`), `offline-${i}`));
  for (const t of TYPES.split(',')) rmSync(join(OUT, `offline-${i}.${t}`), { force: true });
  if (!a.reused || !b.reused) throw new Error(`run ${i}: the phase cache was not reused (logs in ${LOGS})`);
  loops.push(a);
  offlines.push(b);
  ratios.push(b.treeToDisk / a.treeToDisk);
  ratiosWall.push(b.wall / a.wall);
  console.log(`${String(i).padStart(3)}       ${fmt(a.treeToDisk)} ${fmt(a.wall)}           ${fmt(b.treeToDisk)} ${fmt(b.wall)}           ${ratios.at(-1).toFixed(2)}    ${ratiosWall.at(-1).toFixed(2)}`);
}
console.log('\nmedian seconds per step       loop  offline');
for (const name of STEPS) {
  const m = (runs) => (runs.some((r) => r.step[name] !== undefined) ? median(runs.map((r) => r.step[name] ?? 0)) : undefined);
  console.log(`  ${name.padEnd(26)} ${fmt(m(loops))}  ${fmt(m(offlines))}`);
}
console.log(`  ${'tree → disk outputs'.padEnd(26)} ${fmt(median(loops.map((r) => r.treeToDisk)))}  ${fmt(median(offlines.map((r) => r.treeToDisk)))}`);
console.log(`  ${'wall (whole process)'.padEnd(26)} ${fmt(median(loops.map((r) => r.wall)))}  ${fmt(median(offlines.map((r) => r.wall)))}`);
console.log(`median ratio offline/loop (pair by pair): tree→disk outputs ${median(ratios).toFixed(2)}, wall ${median(ratiosWall).toFixed(2)}; ${RUNS} pairs; load ${load()}`);
