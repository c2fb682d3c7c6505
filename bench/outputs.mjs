#!/usr/bin/env node
// Output-writer benchmark: our writers (dist/output, built by `npm run build`) against qemu-img on the
// same realistic raw image, and all formats in parallel against one after another.
//
//   npm run bench:outputs              (BENCH_RUNS=3 runs per fast pair, BENCH_SLOW_RUNS=1 per compressed pair)
//   BENCH_ONLY=raw,vhd BENCH_RUNS=7 npm run bench:outputs     (some pairs only, more runs)
//   BENCH_DIR=/var/tmp/b npm run bench:outputs
//
// The raw image: a 2 GiB sparse file, ext4 made with `mkfs.ext4 -d` from hard links to /usr/{bin,sbin,
// share,libexec} (~1.1 GiB of files), kept in BENCH_DIR between runs. The first table times whole
// processes (fork to exit, Node start-up and module loading included); the second calls our writers
// inside this process, as a build does, against the same qemu-img processes (what DIB runs per output).
// Warm page cache, outputs removed before every run; pairs run A B A B and the ratio is taken pair by
// pair (robust to other load on the host). "cpu ratio" compares CPU seconds (user + system, threads
// included) pair by pair: on a loaded shared host, where wall time mostly measures the queue for the
// cores, it is the fairer figure. The qcow2 zstd pairs compare our zstd with qemu-img's
// (`-c -o compression_type=zstd`) and with our own zlib (deflate).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist', 'output');

/** Writer options for a mode: plain, compressed (deflate) or zstd (compressed, compression_type=zstd). */
function writerOptions(mode) {
  const qemuImgOptions = new Map(mode === 'zstd' ? [['compression_type', 'zstd']] : []);
  return { compress: mode === 'compressed' || mode === 'zstd', qemuImgOptions, sourceDateEpoch: 1_700_000_000 };
}

// ---- child mode: write one format with our writer --------------------------------------------
if (process.argv[2] === '--one') {
  const [, , , type, raw, out, mode] = process.argv;
  const { OUTPUT_WRITERS } = await import(join(DIST, 'writers.js'));
  if (type === 'none') process.exit(0); // start-up baseline: Node plus our modules
  await OUTPUT_WRITERS[type].write({ rawImage: raw }, out, writerOptions(mode));
  process.exit(0);
}

if (!existsSync(join(DIST, 'write-outputs.js'))) {
  console.error('bench/outputs.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
process.env.TSDIB_LOG_LEVEL = 'warn';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SLOW_RUNS = Number(process.env.BENCH_SLOW_RUNS ?? 1);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tsdib-bench-outputs');
const STAGE = join(DIR, 'stage');
const RAW = join(DIR, 'ext4.raw');
const OUT = join(DIR, 'out');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function prepare() {
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(join(STAGE, 'usr'))) {
    mkdirSync(join(STAGE, 'usr'), { recursive: true });
    const dirs = ['bin', 'sbin', 'share', 'libexec'].map((d) => `/usr/${d}`).filter(existsSync);
    // hard links: no copy, no space (falls back to a copy across filesystems)
    const r = spawnSync('cp', ['-al', ...dirs, join(STAGE, 'usr')]);
    if (r.status !== 0) sh('cp', ['-a', ...dirs, join(STAGE, 'usr')]);
  }
  if (!existsSync(RAW)) sh('mkfs.ext4', ['-q', '-F', '-L', 'tsdib', '-d', STAGE, RAW, '2G']);
}

function clearOut() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
}

/** Before every timed run: earlier outputs flushed (no writeback from them lands in this run), raw cached. */
function warm() {
  sh('sync', []);
  sh('cat', [RAW], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CPU seconds (user + system) of this process's waited-for children so far (/proc/self/stat cutime, cstime). */
function childCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of stat(5), in clock ticks (USER_HZ = 100)
}

/** CPU seconds of the last timed() run: on a shared, loaded host the fairer figure. */
let lastCpu = 0;

/** Wall seconds of one whole process run (its CPU seconds in lastCpu). */
function timed(cmd, args) {
  clearOut();
  warm();
  const c0 = childCpu();
  const t0 = process.hrtime.bigint();
  sh(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  lastCpu = childCpu() - c0;
  return wall;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const ours = (type, mode) => (out) => [process.execPath, [fileURLToPath(import.meta.url), '--one', type, RAW, out, mode]];
const qemu = (...o) => (out) => ['qemu-img', ['convert', '-f', 'raw', ...o, RAW, out]];

/** A B A B …; returns medians and the median of the per-pair ratios, plus output sizes. */
function pair(name, ext, a, b, runs) {
  const ta = [];
  const tb = [];
  const ratios = [];
  const cpuRatios = [];
  let sizes;
  for (let i = 0; i < runs; i++) {
    const [ca, aa] = a(join(OUT, `a.${ext}`));
    const x = timed(ca, aa);
    const cpuA = lastCpu;
    const sa = statSync(join(OUT, `a.${ext}`)).size;
    const [cb, ab] = b(join(OUT, `b.${ext}`));
    const y = timed(cb, ab);
    cpuRatios.push(cpuA / lastCpu);
    const sb = statSync(join(OUT, `b.${ext}`)).size;
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
    sizes = [sa, sb];
  }
  return { name, ours: median(ta), qemu: median(tb), oursMin: Math.min(...ta), qemuMin: Math.min(...tb), ratio: median(ratios), cpuRatio: median(cpuRatios), sizes, runs };
}

/** Like pair(), but A is our writer called inside this already-running Node process, as in a build. */
async function pairInProcess(name, ext, type, mode, b, runs) {
  const { OUTPUT_WRITERS } = await import(join(DIST, 'writers.js'));
  const opts = writerOptions(mode);
  const ta = [];
  const tb = [];
  const ratios = [];
  const cpuRatios = [];
  let sizes;
  for (let i = 0; i < runs; i++) {
    clearOut();
    warm();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage(); // this process, thread-pool threads included
    await OUTPUT_WRITERS[type].write({ rawImage: RAW }, join(OUT, `a.${ext}`), opts);
    const x = Number(process.hrtime.bigint() - t0) / 1e9;
    const c1 = process.cpuUsage(c0);
    const sa = statSync(join(OUT, `a.${ext}`)).size;
    const [cb, ab] = b(join(OUT, `b.${ext}`));
    const y = timed(cb, ab);
    cpuRatios.push((c1.user + c1.system) / 1e6 / lastCpu);
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
    sizes = [sa, statSync(join(OUT, `b.${ext}`)).size];
  }
  return { name, ours: median(ta), qemu: median(tb), oursMin: Math.min(...ta), qemuMin: Math.min(...tb), ratio: median(ratios), cpuRatio: median(cpuRatios), sizes, runs };
}

function printRow(r) {
  console.log(
    `${r.name.padEnd(78)} ${fmt(r.ours)} ${fmt(r.qemu)}  ${r.ratio.toFixed(2)}x  ${fmt(r.oursMin)} ${fmt(r.qemuMin)}  ${(r.oursMin / r.qemuMin).toFixed(2)}x  ${r.cpuRatio.toFixed(2)}x  ${mib(r.sizes[0])} / ${mib(r.sizes[1])}  (n=${r.runs})`,
  );
}

async function parallelVsSequential(types) {
  const { writeOutputs } = await import(join(DIST, 'write-outputs.js'));
  const base = { rawImage: RAW, rootTree: STAGE, compress: true, checksum: false };
  clearOut();
  warm();
  let t0 = performance.now();
  for (const t of types) await writeOutputs({ ...base, imageName: join(OUT, `seq-${t}`), types: [t] });
  const sequential = (performance.now() - t0) / 1000;
  clearOut();
  warm();
  t0 = performance.now();
  const results = await writeOutputs({ ...base, imageName: join(OUT, 'par'), types });
  const parallel = (performance.now() - t0) / 1000;
  return { sequential, parallel, results };
}

const fmt = (s) => s.toFixed(2).padStart(7);
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;

prepare();
const rawSt = statSync(RAW);
console.log(`raw image: ${RAW}, ${mib(rawSt.size)} virtual, ${mib(rawSt.blocks * 512)} allocated; host: ${readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length} CPUs, load ${sh('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ')}`);
console.log(`runs: ${RUNS} per fast pair, ${SLOW_RUNS} per compressed pair; seconds are medians, ratio = median of per-pair ratios\n`);

{
  const startup = [];
  for (let i = 0; i < RUNS; i++) startup.push(timed(process.execPath, [fileURLToPath(import.meta.url), '--one', 'none', RAW, '', '']));
  console.log(`tsdib process start-up (Node + loading the writers), included in every tsdib figure: median ${median(startup).toFixed(2)} s\n`);
}
// [label, extension, our writer type, our mode, qemu-img options, compressing (fewer runs)]
const PAIRS = [
  ['qcow2 zstd        vs qemu-img convert -c -O qcow2 -o compression_type=zstd', 'qcow2', 'qcow2', 'zstd', ['-c', '-O', 'qcow2', '-o', 'compression_type=zstd'], true],
  ['qcow2 compressed  vs qemu-img convert -c -O qcow2', 'qcow2', 'qcow2', 'compressed', ['-c', '-O', 'qcow2'], true],
  ['qcow2 plain       vs qemu-img convert -O qcow2', 'qcow2', 'qcow2', 'plain', ['-O', 'qcow2'], false],
  ['vhd dynamic       vs qemu-img convert -O vpc -o force_size=on', 'vhd', 'vhd', 'plain', ['-O', 'vpc', '-o', 'force_size=on'], false],
  ['vhd fixed         vs qemu-img convert -O vpc -o subformat=fixed,force_size=on', 'vhd', 'vhd-fixed', 'plain', ['-O', 'vpc', '-o', 'subformat=fixed,force_size=on'], false],
  ['raw (sparse copy) vs qemu-img convert -O raw', 'raw', 'raw', 'plain', ['-O', 'raw'], false],
];
// BENCH_ONLY=qcow2,raw: only the pairs whose label contains one of these (and no all-formats run)
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const selected = PAIRS.filter(([label]) => !ONLY || ONLY.some((o) => label.includes(o)));

console.log(`${'pair'.padEnd(78)}  tsdib s  qemu s  ratio  min tsdib min qemu ratio  cpu ratio  sizes (tsdib / qemu)`);
console.log('whole processes (Node start-up and module loading included):');
for (const [label, ext, type, mode, q, slow] of selected) printRow(pair(label, ext, ours(type, mode), qemu(...q), slow ? SLOW_RUNS : RUNS));
console.log('our writers called inside a running tsdib process, as in a build (no Node start-up), vs the same qemu-img processes:');
for (const [label, ext, type, mode, q, slow] of selected) printRow(await pairInProcess(label, ext, type, mode, qemu(...q), slow ? SLOW_RUNS : RUNS));

// our zstd against our zlib (deflate), both whole processes, paired
if (!ONLY || ONLY.some((o) => 'zstd'.includes(o) || o.includes('zstd'))) {
  console.log('\nour qcow2 zstd vs our qcow2 zlib (deflate), whole processes:');
  printRow(pair('qcow2 zstd (tsdib) vs qcow2 zlib (tsdib)', 'qcow2', ours('qcow2', 'zstd'), ours('qcow2', 'compressed'), SLOW_RUNS));
}
if (ONLY) process.exit(0);

const types = ['qcow2', 'vhd', 'raw', 'tar', 'tgz'];
const pv = await parallelVsSequential(types);
console.log(`\nall formats (${types.join(',')}; qcow2 compressed; tar/tgz of the ~1.1 GiB tree; sha256 of every output included):`);
console.log(`  one after another: ${fmt(pv.sequential)} s`);
console.log(`  in parallel:       ${fmt(pv.parallel)} s   (${(pv.parallel / pv.sequential).toFixed(2)}x)`);
for (const r of pv.results) console.log(`    ${r.type.padEnd(6)} ${mib(r.bytes).padStart(10)}  done after ${fmt(r.seconds)} s`);
rmSync(OUT, { recursive: true, force: true });
