#!/usr/bin/env node
// Build benchmark: whole builds with tsdib (dist/, built by `npm run build`) and, when installed,
// DIB 3.13's disk-image-create, in one run on this host. Prints:
//   1. `tsdib debian vm -t qcow2`, cold (empty phase cache) then warm, with seconds per step;
//   2. warm `tsdib debian-minimal -t tar` next to DIB's warm `disk-image-create -t tar debian-minimal`
//      (DIB run once first to warm its own cache), and their ratio; also tsdib with the phase cache
//      off (base tarball and apt packages warm: the same work DIB does);
//   3. the rebuilds after editing one finalise.d script, then one post-install.d script, of a temp
//      element in a temp ELEMENTS_PATH, checking the image has each edit, with the phase cache's and
//      checkpoints' log lines of each rebuild;
//   4. `tsdib debian-minimal -t tar --no-cache` next to DIB with an empty image cache (a fresh
//      DIB_IMAGE_CACHE: DIB has no --no-cache flag);
//   5. one side-by-side table: scenario | tsdib s | DIB s | ratio | goal (issue 21: a post-install.d
//      edit ≤ 0.15 × DIB warm, --no-cache ≤ 0.3 × DIB warm), with the load average after each run.
//
//   npm run bench:build
//   BENCH_DIR=/var/tmp/b BENCH_SKIP_DIB=1 npm run bench:build
//   BENCH_SKIP_VM=1 npm run bench:build         (without the debian vm part, section 1)
//
// The code under test is copied to BENCH_DIR/pkg first, so a rebuild of dist/ by someone else during
// the run cannot change the phase cache's key half-way. The image cache is BENCH_DIR/cache: its base
// tarballs and apt packages are hard links to those of ~/.cache/tsdib when present (said in the
// report), its phase cache starts empty. DIB gets image caches of its own in BENCH_DIR (dib-cache,
// warmed by a first run; dib-empty-cache, made empty before its run). Timings are wall time of the
// whole process; this is a benchmark, not a test, and the host may be busy: the load average is
// printed with the figures.
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
const SKIP_VM = process.env.BENCH_SKIP_VM === '1';
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
      resolve({ status, seconds: (performance.now() - t0) / 1000, log, logFile, load: load() });
    });
  });
}

/** The step seconds of tsdib's summary table (from its "step  seconds" header to the blank line; without the total). */
function stepSeconds(log) {
  const table = /^step\s+seconds\n([\s\S]*?)\n\n/m.exec(log)?.[1] ?? '';
  return [...table.matchAll(/^(\S.*?)\s+(\d+\.\d)$/gm)].filter((m) => m[1] !== 'total').map((m) => [m[1], Number(m[2])]);
}

const phaseCacheLine = (log) => /phase cache: (reusing|miss|off)[^\n]*/.exec(log)?.[0] ?? 'phase cache: (no line)';
/** Every log line about the phase cache or its checkpoints (what a rebuild reused, restored or ran again). */
const cacheLines = (log) => [...log.matchAll(/^.*(phase cache|checkpoint)[^\n]*/gim)].map((m) => m[0].trim());

async function tsdib(args, name, extraEnv = {}) {
  const r = await timed(process.execPath, [join(PKG, 'dist', 'cli', 'main.js'), ...args], cleanEnv({ DIB_IMAGE_CACHE: CACHE, ...extraEnv }), name);
  if (r.status !== 0) {
    console.error(`tsdib ${args.join(' ')} failed (exit ${r.status}); log ${r.logFile}:\n${r.log.split('\n').slice(-30).join('\n')}`);
    process.exit(1);
  }
  return { ...r, steps: stepSeconds(r.log), cache: phaseCacheLine(r.log) };
}

/** DIB 3.13's `disk-image-create -t tar debian-minimal` with the image cache `cache`. */
async function dib(name, cache) {
  const r = await timed('disk-image-create', ['-t', 'tar', '-o', join(OUT, name), 'debian-minimal'], cleanEnv({ ...DIB_ENV, DIB_IMAGE_CACHE: cache }), name);
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
  const header = ['step'.padEnd(26), ...runs.map((r) => r.label.padStart(10))].join(' ');
  console.log(`  ${header}`);
  for (const n of names) {
    const cells = runs.map((r) => {
      const v = r.steps.find(([m]) => m === n)?.[1];
      return (v === undefined ? '—' : v.toFixed(1)).padStart(10);
    });
    if (runs.every((r) => (r.steps.find(([m]) => m === n)?.[1] ?? 0) < 0.05)) continue;
    console.log(`  ${n.padEnd(26)} ${cells.join(' ')}`);
  }
  console.log(`  ${'wall (whole process)'.padEnd(26)} ${runs.map((r) => r.seconds.toFixed(1).padStart(10)).join(' ')}`);
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
let vmWarm;
if (SKIP_VM) {
  console.log('\ndebian vm: skipped (BENCH_SKIP_VM=1)');
} else {
  const vmArgs = ['debian', 'vm', '-t', 'qcow2', '-o', join(OUT, 'vm')];
  const vmCold = { label: 'cold', ...(await tsdib(vmArgs, 'vm-cold')) };
  vmWarm = { label: 'warm', ...(await tsdib(vmArgs, 'vm-warm')) };
  printSteps('tsdib debian vm -t qcow2 (seconds per step)', [vmCold, vmWarm]);
  results.vm = { cold: vmCold.seconds, warm: vmWarm.seconds, coldSteps: vmCold.steps, warmSteps: vmWarm.steps, warmCache: vmWarm.cache, load: vmWarm.load };
}

// 2. debian-minimal -t tar: tsdib (phase cache off, first fill, warm) and DIB warm
const minArgs = ['debian-minimal', '-t', 'tar', '-o', join(OUT, 'minimal')];
const minNoPhase = { label: 'no phase', ...(await tsdib(minArgs, 'minimal-no-phase-cache', { TSDIB_PHASE_CACHE: '0' })) };
const minFill = { label: 'fill', ...(await tsdib(minArgs, 'minimal-fill')) };
const minWarm = { label: 'warm', ...(await tsdib(minArgs, 'minimal-warm')) };
printSteps('tsdib debian-minimal -t tar (seconds per step; "no phase": TSDIB_PHASE_CACHE=0, base and apt warm)', [minNoPhase, minFill, minWarm]);
results.minimal = { noPhaseCache: minNoPhase.seconds, fill: minFill.seconds, warm: minWarm.seconds, warmCache: minWarm.cache, load: minWarm.load };
const withDib = !SKIP_DIB && has('disk-image-create') && has('sudo');
if (!withDib) {
  console.log(`\nDIB: skipped (${SKIP_DIB ? 'BENCH_SKIP_DIB=1' : 'disk-image-create or sudo not installed'})`);
} else {
  const dibCache = join(DIR, 'dib-cache');
  console.log(`\nDIB 3.13 disk-image-create -t tar debian-minimal (bookworm, DIB_IMAGE_CACHE=${dibCache}): one warm-up run, then the measured run …`);
  const warmup = await dib('dib-warmup', dibCache);
  const measured = await dib('dib-warm', dibCache);
  results.dib = { warmup: warmup.seconds, warm: measured.seconds, load: measured.load };
  console.log(`  DIB warm-up ${fmt(warmup.seconds)}, DIB warm ${fmt(measured.seconds)} (load ${measured.load})`);
  console.log(`  tsdib warm (phase cache) ${fmt(minWarm.seconds)}  → ${(minWarm.seconds / measured.seconds).toFixed(2)} × DIB`);
  console.log(`  tsdib, phase cache off   ${fmt(minNoPhase.seconds)}  → ${(minNoPhase.seconds / measured.seconds).toFixed(2)} × DIB`);
}

// 3. rebuilds after editing one finalise.d script, then one post-install.d script, of a temp element
const elements = join(DIR, 'elements');
rmSync(elements, { recursive: true, force: true });
const stamp = join(elements, 'bench-stamp');
mkdirSync(stamp, { recursive: true });
writeFileSync(join(stamp, 'README.md'), '# bench-stamp\n\nWrites /etc/bench-stamp in finalise.d and /etc/bench-post in post-install.d (bench/build.mjs edits them).\n');
const writeHook = (phase, script, file, value) => {
  mkdirSync(join(stamp, phase), { recursive: true });
  writeFileSync(join(stamp, phase, script), `#!/bin/bash\nset -eu -o pipefail\necho ${value} > ${file}\n`);
  chmodSync(join(stamp, phase, script), 0o755);
};
const stampArgs = ['debian-minimal', 'bench-stamp', '-t', 'tar', '-o', join(OUT, 'stamp')];
/** A file of the stamp build's tar (the build just made), or '' when it has none. */
const fromImage = (file) => spawnSync('tar', ['-xOf', join(OUT, 'stamp.tar'), `.${file}`], { encoding: 'utf8' }).stdout.trim();
writeHook('finalise.d', '50-bench-stamp', '/etc/bench-stamp', 'one');
writeHook('post-install.d', '50-bench-post', '/etc/bench-post', 'one');
const stampFirst = { label: 'first', ...(await tsdib(stampArgs, 'stamp-first', { ELEMENTS_PATH: elements })) };
writeHook('finalise.d', '50-bench-stamp', '/etc/bench-stamp', 'two');
const stampEdit = { label: 'finalise', ...(await tsdib(stampArgs, 'stamp-edited', { ELEMENTS_PATH: elements })) };
const finaliseSeen = fromImage('/etc/bench-stamp') === 'two';
writeHook('post-install.d', '50-bench-post', '/etc/bench-post', 'two');
const postEdit = { label: 'post-inst', ...(await tsdib(stampArgs, 'post-install-edited', { ELEMENTS_PATH: elements })) };
const postImage = { post: fromImage('/etc/bench-post'), stamp: fromImage('/etc/bench-stamp') };
const postSeen = postImage.post === 'two' && postImage.stamp === 'two';
printSteps('tsdib debian-minimal bench-stamp -t tar: first build, after editing finalise.d/50-bench-stamp, after editing post-install.d/50-bench-post', [stampFirst, stampEdit, postEdit]);
console.log(`  after the finalise.d edit the image says /etc/bench-stamp = "two": ${finaliseSeen ? 'ok' : 'WRONG'}`);
console.log(`  after the post-install.d edit the image says /etc/bench-post = ${JSON.stringify(postImage.post)}, /etc/bench-stamp = ${JSON.stringify(postImage.stamp)} (expected "two", "two"): ${postSeen ? 'ok' : 'WRONG'}`);
console.log('  phase cache and checkpoint lines of the post-install.d rebuild:');
for (const line of cacheLines(postEdit.log)) console.log(`    ${line}`);
if (cacheLines(postEdit.log).length === 0) console.log('    (none)');
results.finaliseEdit = { first: stampFirst.seconds, rebuild: stampEdit.seconds, cache: stampEdit.cache, editSeen: finaliseSeen, load: stampEdit.load };
results.postInstallEdit = { rebuild: postEdit.seconds, cacheLines: cacheLines(postEdit.log), editSeen: postSeen, load: postEdit.load };

// 4. --no-cache, next to DIB from an empty image cache
const noCache = { label: 'no-cache', ...(await tsdib([...minArgs, '--no-cache'], 'minimal-no-cache')) };
printSteps('tsdib debian-minimal -t tar --no-cache (seconds per step)', [noCache]);
results.noCache = { seconds: noCache.seconds, steps: noCache.steps, load: noCache.load };
if (withDib) {
  const emptyCache = join(DIR, 'dib-empty-cache');
  rmSync(emptyCache, { recursive: true, force: true });
  mkdirSync(emptyCache, { recursive: true });
  console.log(`\nDIB 3.13 disk-image-create -t tar debian-minimal from an empty image cache (${emptyCache}) …`);
  const cold = await dib('dib-empty-cache', emptyCache);
  rmSync(emptyCache, { recursive: true, force: true });
  results.dib.emptyCache = cold.seconds;
  results.dib.emptyCacheLoad = cold.load;
  console.log(`  DIB, empty cache ${fmt(cold.seconds)} (load ${cold.load})`);
}

// 5. side by side
results.host.loadEnd = load();
const rows = [
  ['exact hit (vs DIB warm)', minWarm, results.dib?.warm, 0.5],
  ['post-install.d edit (vs DIB warm)', postEdit, results.dib?.warm, 0.15],
  ['--no-cache (vs DIB warm)', noCache, results.dib?.warm, 0.3],
  ['--no-cache (vs DIB, empty cache)', noCache, results.dib?.emptyCache, undefined],
];
console.log('\ndebian-minimal -t tar, tsdib next to DIB 3.13 (wall seconds; load average 1/5/15 min after the tsdib run)');
console.log(`  ${'scenario'.padEnd(36)} ${'tsdib s'.padStart(8)} ${'DIB s'.padStart(8)} ${'ratio'.padStart(6)}  ${'goal'.padEnd(14)} load`);
for (const [name, run, dibSeconds, goal] of rows) {
  const ratio = dibSeconds ? run.seconds / dibSeconds : undefined;
  const verdict = goal === undefined || ratio === undefined ? '' : ratio <= goal ? ' met' : ' MISSED';
  const goalText = goal === undefined ? '—' : `≤ ${goal}${verdict}`;
  console.log(`  ${name.padEnd(36)} ${run.seconds.toFixed(1).padStart(8)} ${(dibSeconds?.toFixed(1) ?? '—').padStart(8)} ${(ratio?.toFixed(2) ?? '—').padStart(6)}  ${goalText.padEnd(14)} ${run.load}`);
}
results.table = rows.map(([name, run, dibSeconds, goal]) => ({ scenario: name, tsdib: run.seconds, dib: dibSeconds ?? null, ratio: dibSeconds ? run.seconds / dibSeconds : null, goal: goal ?? null, load: run.load }));

console.log('\nsummary');
if (vmWarm) console.log(`  warm debian vm -t qcow2                 ${fmt(vmWarm.seconds)} (cold ${fmt(results.vm.cold)}; target ≤ 60 s)`);
console.log(`  rebuild after a finalise.d edit         ${fmt(stampEdit.seconds)} (target ≤ 15 s), edit in image: ${finaliseSeen ? 'yes' : 'NO'}, ${stampEdit.cache.startsWith('phase cache: reusing') ? 'phase cache used' : 'phase cache NOT used'}`);
console.log(`  rebuild after a post-install.d edit     ${fmt(postEdit.seconds)}, edit in image: ${postSeen ? 'yes' : 'NO'}`);
if (results.dib) console.log(`  DIB warm ${fmt(results.dib.warm)}, DIB empty cache ${results.dib.emptyCache === undefined ? '—' : fmt(results.dib.emptyCache)}`);
console.log(`  load average at start ${results.host.loadStart}, at end ${results.host.loadEnd}`);
writeFileSync(join(DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`  (figures in ${join(DIR, 'results.json')}, logs in ${LOGS})`);
if (!finaliseSeen || !postSeen) process.exitCode = 1;
