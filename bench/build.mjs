#!/usr/bin/env node
// Build benchmark: whole builds with tsdib (dist/, built by `npm run build`) and, when installed,
// DIB 3.13's disk-image-create, in one run on this host. Prints:
//   1. `tsdib debian vm -t qcow2`, cold (empty phase cache) then warm, with seconds per step;
//   2. warm `tsdib debian-minimal -t tar` next to DIB's warm `disk-image-create -t tar debian-minimal`
//      (DIB run once first to warm its own cache), and their ratio; also tsdib with the phase cache
//      off (base tarball and apt packages warm: the same work DIB does);
//   3. the rebuild after editing one finalise.d script (a temp element in a temp ELEMENTS_PATH),
//      checking the image has the edit and the phase cache was used.
//
//   npm run bench:build
//   BENCH_DIR=/var/tmp/b BENCH_SKIP_DIB=1 npm run bench:build
//
// The code under test is copied to BENCH_DIR/pkg first, so a rebuild of dist/ by someone else during
// the run cannot change the phase cache's key half-way. The image cache is BENCH_DIR/cache: its base
// tarballs and apt packages are hard links to those of ~/.cache/tsdib when present (said in the
// report), its phase cache starts empty. Timings are wall time of the whole process; this is a
// benchmark, not a test, and the host may be busy: the load average is printed with the figures.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tsdib-bench-build');
const PKG = join(DIR, 'pkg');
const CACHE = join(DIR, 'cache');
const OUT = join(DIR, 'out');
const LOGS = join(DIR, 'logs');
const USER_CACHE = process.env.DIB_IMAGE_CACHE || join(homedir(), '.cache', 'tsdib');
const SKIP_DIB = process.env.BENCH_SKIP_DIB === '1';
const DIB_ENV = { DIB_RELEASE: 'bookworm', DIB_DEBIAN_SECURITY_SUBPATH: '-security', DIB_DEBIAN_SECURITY_MIRROR: 'http://security.debian.org/debian-security' };

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
  console.error('bench/build.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('bench/build.mjs: builds need root (loop devices, mounts, chroot)');
  process.exit(2);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** The caller's environment without what would shape the image (a developer's DIB_* settings). */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(DIB_|ELEMENTS_PATH$|IMAGE_|TSDIB_|FS_TYPE$|ROOT_LABEL$)/.test(k)) delete env[k];
  return { ...env, ...extra };
}

/** Runs a command to completion with its output in `logName`; resolves { status, seconds, log }. */
function timed(cmd, args, env, logName) {
  const logFile = join(LOGS, `${logName}.log`);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    child.on('close', (status) => {
      writeFileSync(logFile, log);
      resolve({ status, seconds: (performance.now() - t0) / 1000, log, logFile });
    });
  });
}

/** The step seconds of tsdib's summary table (from its "step  seconds" header to the blank line; without the total). */
function stepSeconds(log) {
  const table = /^step\s+seconds\n([\s\S]*?)\n\n/m.exec(log)?.[1] ?? '';
  return [...table.matchAll(/^(\S.*?)\s+(\d+\.\d)$/gm)].filter((m) => m[1] !== 'total').map((m) => [m[1], Number(m[2])]);
}

const phaseCacheLine = (log) => /phase cache: (reusing|miss|off)[^\n]*/.exec(log)?.[0] ?? 'phase cache: (no line)';

async function tsdib(args, name, extraEnv = {}) {
  const r = await timed(process.execPath, [join(PKG, 'dist', 'cli', 'main.js'), ...args], cleanEnv({ DIB_IMAGE_CACHE: CACHE, ...extraEnv }), name);
  if (r.status !== 0) {
    console.error(`tsdib ${args.join(' ')} failed (exit ${r.status}); log ${r.logFile}:\n${r.log.split('\n').slice(-30).join('\n')}`);
    process.exit(1);
  }
  return { ...r, steps: stepSeconds(r.log), cache: phaseCacheLine(r.log) };
}

async function dib(name) {
  const r = await timed('disk-image-create', ['-t', 'tar', '-o', join(OUT, name), 'debian-minimal'], cleanEnv(DIB_ENV), name);
  if (r.status !== 0) {
    console.error(`disk-image-create failed (exit ${r.status}); log ${r.logFile}:\n${r.log.split('\n').slice(-30).join('\n')}`);
    process.exit(1);
  }
  return r;
}

function freezePackage() {
  rmSync(PKG, { recursive: true, force: true });
  mkdirSync(PKG, { recursive: true });
  for (const d of ['dist', 'elements', 'lib', 'package.json']) if (existsSync(join(REPO, d))) cpSync(join(REPO, d), join(PKG, d), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(PKG, 'node_modules'));
}

/** The bench's image cache: base tarballs and apt packages linked from the user's cache, an empty phase cache. */
function prepareCache() {
  const state = {};
  for (const sub of ['rootfs', 'apt-archives']) {
    const dst = join(CACHE, sub);
    if (!existsSync(dst) && existsSync(join(USER_CACHE, sub))) {
      mkdirSync(CACHE, { recursive: true });
      if (spawnSync('cp', ['-al', join(USER_CACHE, sub), dst]).status !== 0) spawnSync('cp', ['-a', join(USER_CACHE, sub), dst]);
    }
    const count = (d) => (existsSync(d) ? readdirSync(d, { recursive: true }).filter((n) => String(n).endsWith(sub === 'rootfs' ? '.tar' : '.deb')).length : 0);
    state[sub] = count(dst);
  }
  rmSync(join(CACHE, 'phase-cache'), { recursive: true, force: true });
  return state;
}

const fmt = (s) => `${s.toFixed(1)} s`;
function printSteps(title, runs) {
  console.log(`\n${title}`);
  const names = [...new Set(runs.flatMap((r) => r.steps.map(([n]) => n)))];
  const header = ['step'.padEnd(22), ...runs.map((r) => r.label.padStart(10))].join(' ');
  console.log(`  ${header}`);
  for (const n of names) {
    const cells = runs.map((r) => {
      const v = r.steps.find(([m]) => m === n)?.[1];
      return (v === undefined ? '—' : v.toFixed(1)).padStart(10);
    });
    if (runs.every((r) => (r.steps.find(([m]) => m === n)?.[1] ?? 0) < 0.05)) continue;
    console.log(`  ${n.padEnd(22)} ${cells.join(' ')}`);
  }
  console.log(`  ${'wall (whole process)'.padEnd(22)} ${runs.map((r) => r.seconds.toFixed(1).padStart(10)).join(' ')}`);
  for (const r of runs) console.log(`  ${r.label}: ${r.cache}`);
}

mkdirSync(OUT, { recursive: true });
mkdirSync(LOGS, { recursive: true });
freezePackage();
const cacheState = prepareCache();
const results = { host: { cpus: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(), loadStart: load() }, caches: cacheState };
console.log(`tsdib build benchmark in ${DIR} (${results.host.cpus} CPUs, load ${results.host.loadStart})`);
console.log(`caches: base tarballs ${cacheState.rootfs ? `warm (${cacheState.rootfs} linked from ${USER_CACHE})` : 'cold'}, apt packages ${cacheState['apt-archives'] ? `warm (${cacheState['apt-archives']} .deb)` : 'cold'}, phase cache cold (emptied)`);

// 1. debian vm -t qcow2: cold, then warm
const vmArgs = ['debian', 'vm', '-t', 'qcow2', '-o', join(OUT, 'vm')];
const vmCold = { label: 'cold', ...(await tsdib(vmArgs, 'vm-cold')) };
const vmWarm = { label: 'warm', ...(await tsdib(vmArgs, 'vm-warm')) };
printSteps('tsdib debian vm -t qcow2 (seconds per step)', [vmCold, vmWarm]);
results.vm = { cold: vmCold.seconds, warm: vmWarm.seconds, coldSteps: vmCold.steps, warmSteps: vmWarm.steps, warmCache: vmWarm.cache };

// 2. debian-minimal -t tar: tsdib (phase cache off, first fill, warm) and DIB warm
const minArgs = ['debian-minimal', '-t', 'tar', '-o', join(OUT, 'minimal')];
const minNoPhase = { label: 'no phase', ...(await tsdib(minArgs, 'minimal-no-phase-cache', { TSDIB_PHASE_CACHE: '0' })) };
const minFill = { label: 'fill', ...(await tsdib(minArgs, 'minimal-fill')) };
const minWarm = { label: 'warm', ...(await tsdib(minArgs, 'minimal-warm')) };
printSteps('tsdib debian-minimal -t tar (seconds per step; "no phase": TSDIB_PHASE_CACHE=0, base and apt warm)', [minNoPhase, minFill, minWarm]);
results.minimal = { noPhaseCache: minNoPhase.seconds, fill: minFill.seconds, warm: minWarm.seconds, warmCache: minWarm.cache };
if (SKIP_DIB || !has('disk-image-create') || !has('sudo')) {
  console.log(`\nDIB: skipped (${SKIP_DIB ? 'BENCH_SKIP_DIB=1' : 'disk-image-create or sudo not installed'})`);
} else {
  console.log('\nDIB 3.13 disk-image-create -t tar debian-minimal (bookworm): one warm-up run, then the measured run …');
  const warmup = await dib('dib-warmup');
  const measured = await dib('dib-warm');
  results.dib = { warmup: warmup.seconds, warm: measured.seconds };
  console.log(`  DIB warm-up ${fmt(warmup.seconds)}, DIB warm ${fmt(measured.seconds)}`);
  console.log(`  tsdib warm (phase cache) ${fmt(minWarm.seconds)}  → ${(minWarm.seconds / measured.seconds).toFixed(2)} × DIB`);
  console.log(`  tsdib, phase cache off   ${fmt(minNoPhase.seconds)}  → ${(minNoPhase.seconds / measured.seconds).toFixed(2)} × DIB`);
}

// 3. rebuild after editing one finalise.d script
const elements = join(DIR, 'elements');
rmSync(elements, { recursive: true, force: true });
const stamp = join(elements, 'bench-stamp');
mkdirSync(join(stamp, 'finalise.d'), { recursive: true });
writeFileSync(join(stamp, 'README.md'), '# bench-stamp\n\nWrites /etc/bench-stamp in finalise.d (bench/build.mjs edits it).\n');
const writeStamp = (value) => {
  writeFileSync(join(stamp, 'finalise.d', '50-bench-stamp'), `#!/bin/bash\nset -eu -o pipefail\necho ${value} > /etc/bench-stamp\n`);
  chmodSync(join(stamp, 'finalise.d', '50-bench-stamp'), 0o755);
};
writeStamp('one');
const stampArgs = ['debian-minimal', 'bench-stamp', '-t', 'tar', '-o', join(OUT, 'stamp')];
const stampFirst = { label: 'first', ...(await tsdib(stampArgs, 'stamp-first', { ELEMENTS_PATH: elements })) };
writeStamp('two');
const stampEdit = { label: 'edited', ...(await tsdib(stampArgs, 'stamp-edited', { ELEMENTS_PATH: elements })) };
const inImage = spawnSync('tar', ['-xOf', join(OUT, 'stamp.tar'), './etc/bench-stamp'], { encoding: 'utf8' }).stdout.trim();
printSteps('tsdib debian-minimal bench-stamp -t tar: first build, then after editing finalise.d/50-bench-stamp', [stampFirst, stampEdit]);
console.log(`  the image says /etc/bench-stamp = ${JSON.stringify(inImage)} (expected "two"): ${inImage === 'two' ? 'ok' : 'WRONG'}`);
results.finaliseEdit = { first: stampFirst.seconds, rebuild: stampEdit.seconds, cache: stampEdit.cache, editSeen: inImage === 'two' };

results.host.loadEnd = load();
console.log('\nsummary');
console.log(`  warm debian vm -t qcow2                 ${fmt(vmWarm.seconds)} (cold ${fmt(vmCold.seconds)}; target ≤ 60 s)`);
if (results.dib) console.log(`  warm debian-minimal -t tar              tsdib ${fmt(minWarm.seconds)} vs DIB ${fmt(results.dib.warm)} = ${(minWarm.seconds / results.dib.warm).toFixed(2)} × (target ≤ 0.5)`);
console.log(`  rebuild after a finalise.d edit         ${fmt(stampEdit.seconds)} (target ≤ 15 s), edit in image: ${inImage === 'two' ? 'yes' : 'NO'}, ${stampEdit.cache.startsWith('phase cache: reusing') ? 'phase cache used' : 'phase cache NOT used'}`);
console.log(`  load average at start ${results.host.loadStart}, at end ${results.host.loadEnd}`);
writeFileSync(join(DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`  (figures in ${join(DIR, 'results.json')}, logs in ${LOGS})`);
if (!results.finaliseEdit.editSeen) process.exitCode = 1;
