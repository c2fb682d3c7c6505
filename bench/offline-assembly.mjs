#!/usr/bin/env node
// Offline assembly against the loop-device path, on the same finished root tree: the time from the
// tree to the disk outputs. Loop path: the block device on loop devices (table, offset loops, mkfs,
// mounts), `cp -a` of the tree, umount (the ESP filled with mtools then); offline: the same disk
// written into the image file (src/blockdevice/offline/). Then the build's default disk output, a
// compressed qcow2, from each raw image. Prints seconds per run and the offline/loop ratio.
//
//   npm run bench:offline                                   (tree: the newest phase-cache snapshot)
//   BENCH_TREE=out/debian.tar BENCH_RUNS=5 npm run bench:offline
//   BENCH_LAYOUT=gpt-boot BENCH_DIR=/var/tmp/b npm run bench:offline
//
// BENCH_TREE: a tar (or .tar.zst, e.g. ~/.cache/tsdib/phase-cache/*.tar.zst) of a root tree, unpacked
// once into BENCH_DIR with numeric owners, xattrs and ACLs. BENCH_LAYOUT: `mbr` (block-device-mbr,
// the default of `vm`) or `gpt-boot` (GPT with BIOS boot, ESP, separate /boot and root). The image
// size follows DIB's rule (tree usage / 0.6 + journal). Runs alternate loop, offline, loop, …; the
// ratio is taken pair by pair. Needs root (the loop path); the host may be busy: the load average
// is printed with the figures. This is a benchmark, not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gptBootLayout } from '../test/fixtures/block-device/layouts.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tsdib-bench-offline');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYOUT = process.env.BENCH_LAYOUT ?? 'mbr';

if (!existsSync(join(DIST, 'blockdevice', 'offline', 'assemble-disk.js'))) {
  console.error('bench/offline-assembly.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('bench/offline-assembly.mjs: the loop path needs root (loop devices, mounts)');
  process.exit(2);
}
process.env.TSDIB_LOG_LEVEL = 'warn';

const GPT_BOOT = gptBootLayout({ biosFirst: true, bootSize: '256MiB' });
const LAYOUTS = { mbr: readFileSync(join(REPO, 'elements/block-device-mbr/block-device-default.yaml'), 'utf8'), 'gpt-boot': GPT_BOOT };
if (!LAYOUTS[LAYOUT]) {
  console.error(`bench/offline-assembly.mjs: BENCH_LAYOUT=${LAYOUT} is not one of ${Object.keys(LAYOUTS).join(', ')}`);
  process.exit(2);
}

function newestSnapshot() {
  const dir = join(process.env.DIB_IMAGE_CACHE || join(homedir(), '.cache', 'tsdib'), 'phase-cache');
  if (!existsSync(dir)) return undefined;
  const snaps = readdirSync(dir).filter((f) => f.endsWith('.tar.zst')).map((f) => join(dir, f));
  return snaps.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

const treeTar = process.env.BENCH_TREE ?? newestSnapshot();
if (!treeTar || !existsSync(treeTar)) {
  console.error('bench/offline-assembly.mjs: no tree: set BENCH_TREE to a tar of a root tree, or build once (npm run image) to fill the phase cache');
  process.exit(2);
}

const { loadBlockDeviceConfig } = await import(join(DIST, 'blockdevice/load-config.js'));
const { createBlockDevice } = await import(join(DIST, 'blockdevice/lifecycle.js'));
const { planOfflineDisk } = await import(join(DIST, 'blockdevice/offline/plan-from-graph.js'));
const { assembleDisk } = await import(join(DIST, 'blockdevice/offline/assemble-disk.js'));
const { ReleaseStack } = await import(join(DIST, 'host/release-stack.js'));
const { OUTPUT_WRITERS } = await import(join(DIST, 'output/writers.js'));

mkdirSync(DIR, { recursive: true });
const tree = join(DIR, 'tree');
if (!existsSync(join(tree, 'etc'))) {
  console.log(`unpacking ${treeTar} into ${tree}`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree);
  const z = treeTar.endsWith('.zst') ? ['--zstd'] : [];
  execFileSync('tar', [...z, '-C', tree, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '-xpf', treeTar]);
}
rmSync(join(tree, 'lost+found'), { recursive: true, force: true });

// DIB's size rule (src/pipeline/image-size.ts): tree usage / 0.6, + 64 MiB journal, + fixed partitions, to 64 KiB
const treeKiB = Number(execFileSync('du', ['-sk', '-x', tree], { encoding: 'utf8' }).split('\t')[0]);
const fixed = LAYOUT === 'mbr' ? 64 : 1 + 64 + 256;
const imageSize = Math.ceil(((treeKiB * 1024) / 0.6 + (64 + fixed) * 1024 * 1024) / 65536) * 65536;
const fsType = execFileSync('stat', ['-f', '-c', '%T', DIR], { encoding: 'utf8' }).trim();
const params = (imageDir, mountBase) => ({ imageDir, imageSize, mountBase, buildDir: join(DIR, 'build'), rootFsType: 'ext4', rootLabel: undefined, rootFsOpts: undefined });

async function loopPath(run) {
  const work = join(DIR, `loop-${run}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'mnt'), { recursive: true });
  const p = { ...params(join(work, 'image'), join(work, 'mnt')), buildDir: work };
  const release = new ReleaseStack();
  const t0 = performance.now();
  try {
    const graph = await loadBlockDeviceConfig(LAYOUTS[LAYOUT], 'bench', p);
    const session = await createBlockDevice(graph, p, release, { partitionDevices: 'offset' });
    execFileSync('cp', ['-a', `${tree}/.`, `${p.mountBase}/`]);
    await session.cleanup();
    return { seconds: (performance.now() - t0) / 1000, image: join(p.imageDir, 'image0.raw'), work };
  } finally {
    await release.releaseAll();
  }
}

async function offlinePath(run) {
  const work = join(DIR, `offline-${run}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'image'), { recursive: true });
  const p = params(join(work, 'image'), tree);
  const release = new ReleaseStack();
  const t0 = performance.now();
  try {
    const graph = await loadBlockDeviceConfig(LAYOUTS[LAYOUT], 'bench', p);
    const plan = await planOfflineDisk(graph, p);
    const disk = await assembleDisk(plan.disk, tree, { workDir: work, release });
    disk.imageHandle.forget();
    return { seconds: (performance.now() - t0) / 1000, image: disk.image, work };
  } finally {
    await release.releaseAll();
  }
}

async function qcow2(raw) {
  const out = `${raw}.qcow2`;
  rmSync(out, { force: true });
  const t0 = performance.now();
  await OUTPUT_WRITERS.qcow2.write({ rawImage: raw }, out, { compress: true, qemuImgOptions: new Map() });
  return { seconds: (performance.now() - t0) / 1000, bytes: statSync(out).size };
}

function rootFsClean(image) {
  const offset = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })).partitiontable.partitions.at(-1).start * 512;
  return spawnSync('e2fsck', ['-f', '-n', `${image}?offset=${offset}`], { stdio: 'ignore' }).status === 0;
}

const fmt = (s) => s.toFixed(2).padStart(7);
const allocatedMiB = (path) => (statSync(path).blocks * 512) / 2 ** 20;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`tree ${treeTar}: ${(treeKiB / 1024).toFixed(0)} MiB; layout ${LAYOUT}; image ${(imageSize / 2 ** 20).toFixed(0)} MiB; ${DIR} on ${fsType}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('run     loop: tree→raw  +qcow2   offline: tree→raw  +qcow2   ratio tree→raw  tree→qcow2');
const ratios = [];
const ratiosQ = [];
for (let i = 1; i <= RUNS; i++) {
  const a = await loopPath(i);
  const aq = await qcow2(a.image);
  const b = await offlinePath(i);
  const bq = await qcow2(b.image);
  if (!rootFsClean(a.image) || !rootFsClean(b.image)) throw new Error(`run ${i}: a root filesystem is not clean`);
  if (i === 1) {
    console.log(`      raw allocated: loop ${allocatedMiB(a.image).toFixed(0)} MiB, offline ${allocatedMiB(b.image).toFixed(0)} MiB; qcow2: loop ${(aq.bytes / 2 ** 20).toFixed(0)} MiB, offline ${(bq.bytes / 2 ** 20).toFixed(0)} MiB`);
  }
  rmSync(a.work, { recursive: true, force: true });
  rmSync(b.work, { recursive: true, force: true });
  ratios.push(b.seconds / a.seconds);
  ratiosQ.push((b.seconds + bq.seconds) / (a.seconds + aq.seconds));
  console.log(`${String(i).padStart(3)}   ${fmt(a.seconds)}   ${fmt(aq.seconds)}        ${fmt(b.seconds)}   ${fmt(bq.seconds)}        ${ratios.at(-1).toFixed(2)}         ${ratiosQ.at(-1).toFixed(2)}`);
}
console.log(`median ratio offline/loop: tree→raw ${median(ratios).toFixed(2)}, tree→qcow2 ${median(ratiosQ).toFixed(2)} (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
