/**
 * The phase cache: a snapshot of the root tree after post-root.d and `leave chroot` (the tree is
 * final; next comes the block device), keyed by every input up to that point (cache-key.ts). A
 * build whose key matches an entry restores the snapshot instead of running root.d … post-root.d;
 * so editing block-device.d, pre-finalise.d, finalise.d or cleanup.d hooks, the block-device config,
 * the image size or the output types rebuilds from the snapshot.
 *
 * Base files: a root.d hook that unpacks a cached file (debian-rootfs's mmdebstrap tarball) appends
 * `PATH<TAB>MAX_AGE_DAYS` to `$TMP_BUILD_DIR/phase-cache-inputs`; the entry is reused only while
 * every such file is unchanged (size, mtime) and not older than its max age (when the hook would
 * rebuild it).
 *
 * Steps (pipeline.ts): `phase cache` computes the key and looks it up (lookUpPhaseCache); on a hit,
 * `restore snapshot` unpacks it into the tree (restoreSnapshot), or, when the block device keeps
 * what tar restores and no block-device.d hook needs the tree, `restore snapshot (image)` unpacks it
 * into the mounted image in place of `copy tree` (restoreSnapshotIntoImage); on a miss, `snapshot`
 * saves the built tree (savePhaseCache).
 *
 * Off with `--no-cache` (no cache is read or written) or TSDIB_PHASE_CACHE=0 (this cache only).
 * Snapshots are tar archives with numeric owners, xattrs and ACLs, zstd-compressed when zstd is
 * installed (TSDIB_PHASE_CACHE_COMPRESS=none for plain tar). Each build keeps the newest
 * TSDIB_PHASE_CACHE_KEEP (default 3) entries of its element set.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptions } from '../options.js';
import { blockDeviceFailed, isTsdibError } from '../../errors.js';
import { succeeds } from '../../host/exec.js';
import { isRootlessBuild } from '../../host/userns/rootless-build.js';
import { mountsUnder } from '../../host/mount.js';
import { log } from '../../log.js';
import { cacheKey, cacheKeyInputs, describeKeyDifferences, type CacheKeyInputs } from './cache-key.js';
import { pruneGroup, pruneToBudget } from './cache-prune.js';
import { BASE_INPUTS_FILE, declaredBaseInputs, staleBaseReasons } from './base-inputs.js';
import { listEntries, phaseCacheDir, readEntry, removeEntry, touchEntry, writeManifest, type PhaseCacheEntry, type PhaseCacheManifest } from './cache-store.js';
import { decideCheckpoint, describeCheckpointDecision, pruneCheckpoints, startCheckpointRun } from './checkpoints.js';
import type { CheckpointRun } from './checkpoint-state.js';
import { applyLayers, createTreeArchive, type ArchiveCompression } from './tree-archive.js';
import { diffTrees, indexTree } from './tree-index.js';
import type { HookedBuild, PlannedBuild } from '../context.js';
import type { PhaseCacheState } from './phase-cache-state.js';
import { treeUsageKiB } from '../image-size.js';
import { rootFsParams } from '../prepare.js';

export interface CacheDecision {
  enabled: boolean;
  /** Why the cache is off, or why the newest comparable entry does not match. */
  reasons: string[];
  entry?: PhaseCacheEntry;
  key?: string;
  /** The entry the reasons compare with, e.g. `the newest entry of this element set (1f3c…, 2026-…)`. */
  comparedWith?: string;
}

/** Whether the phase cache is in use for these options, and why not. */
export function phaseCacheDisabled(opts: Pick<BuildOptions, 'noCache'>, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (opts.noCache) return '--no-cache';
  if (env['TSDIB_PHASE_CACHE'] === '0') return 'TSDIB_PHASE_CACHE=0';
  return undefined;
}

/** Entries of one element set and architecture form a group. */
export function cacheGroup(opts: Pick<BuildOptions, 'elements' | 'arch' | 'skipBase'>): { group: string; label: string } {
  const group = createHash('sha256').update(JSON.stringify([opts.elements, opts.arch, opts.skipBase])).digest('hex').slice(0, 16);
  return { group, label: `${opts.skipBase ? '-n ' : ''}${opts.elements.join(' ')} (${opts.arch})` };
}

/**
 * Looks the key up: the matching entry when it can be reused, else the reasons (what differs from
 * the newest entry of the same group, or of any group).
 */
export async function decide(dir: string, key: string, inputs: CacheKeyInputs, group: string): Promise<CacheDecision> {
  const entry = await readEntry(dir, key);
  if (entry) {
    const stale = await staleBaseReasons(entry.manifest.base);
    if (stale.length === 0) return { enabled: true, reasons: [], entry, key };
    return { enabled: true, reasons: stale, key };
  }
  const entries = await listEntries(dir);
  const newest = entries.find((e) => e.manifest.group === group) ?? entries[0];
  if (!newest) return { enabled: true, reasons: ['the cache is empty'], key };
  const diff = describeKeyDifferences(newest.manifest.inputs, inputs);
  const which = newest.manifest.group === group ? 'the newest entry of this element set' : `the newest entry, of ${newest.manifest.label}`;
  const comparedWith = `${which} (${newest.manifest.key}, made ${newest.manifest.created})`;
  return { enabled: true, reasons: diff.length > 0 ? diff : [`no entry ${key}`], key, comparedWith };
}

/**
 * Step `phase cache`: computes the key and looks it up. On a hit the state names the snapshot and
 * where it goes (see PhaseCacheSnapshot); undefined when the cache is off.
 */
export async function lookUpPhaseCache(build: HookedBuild): Promise<PhaseCacheState | undefined> {
  const { opts, plan } = build;
  const off = phaseCacheDisabled(opts, build.hostEnv);
  if (off) {
    log.info(`phase cache: off (${off})`);
    return undefined;
  }
  const dir = phaseCacheDir(build.imageCache);
  const inputs = await cacheKeyInputs({ elements: plan.elements, env: build.env, packages: opts.packages, skipBase: opts.skipBase, clearEnv: opts.clearEnv, rootless: isRootlessBuild(build.hostEnv) });
  const key = cacheKey(inputs);
  const { group, label } = cacheGroup(opts);
  const state: PhaseCacheState = { dir, key, inputs, group, label };
  const decision = await decide(dir, key, inputs, group);
  if (!decision.entry) {
    const vs = decision.comparedWith ? ` (compared with ${decision.comparedWith})` : '';
    log.info(`phase cache: miss for ${key}${vs}: ${decision.reasons.join('; ')}`);
    const checkpoints = await decideCheckpoint(dir, inputs, build, group, staleBaseReasons);
    log.info(describeCheckpointDecision(checkpoints));
    const run = await startCheckpointRun(build, dir, checkpoints.chain, inputs, group, label, await compressor(build.hostEnv));
    return { ...state, checkpoints: { decision: checkpoints, run } };
  }
  const entry = decision.entry;
  await touchEntry(entry);
  if (entry.manifest.treeKiB !== undefined && extractsIntoImage(build)) {
    log.info(`${reusing(state, entry)}; the snapshot is unpacked into the mounted image at \`restore snapshot (image)\``);
    return { ...state, snapshot: { entry, into: 'image', treeKiB: entry.manifest.treeKiB } };
  }
  return { ...state, snapshot: { entry, into: 'tree' } };
}

function reusing(state: PhaseCacheState, entry: PhaseCacheEntry): string {
  const size = entry.layers.length > 1 ? `${entry.layers.length} layers` : `${(entry.manifest.archiveBytes / 1024 ** 2).toFixed(0)} MiB`;
  return `phase cache: reusing ${state.key} (${size}, made ${entry.manifest.created}): root.d … post-root.d skipped`;
}

/**
 * Step `restore snapshot` (a hit whose snapshot goes into the tree): unpacks it into
 * TMP_MOUNT_PATH. A damaged snapshot is removed and the tree emptied; the state returned then has
 * no snapshot, and the pipeline builds the tree.
 */
export async function restoreSnapshot(build: HookedBuild, state: PhaseCacheState, entry: PhaseCacheEntry): Promise<PhaseCacheState> {
  const root = build.workspace.mountPath;
  const t0 = performance.now();
  try {
    await applyLayers(entry.layers, root);
  } catch (e) {
    if (isTsdibError(e) && e.code === 'INTERRUPTED') throw e;
    // a damaged snapshot: drop it and build the tree instead
    log.warn(`phase cache: ${entry.archivePath} could not be unpacked (${e instanceof Error ? e.message : String(e)}); removed, building the tree`);
    await removeEntry(entry);
    await emptyDir(root);
    const { snapshot: _dropped, ...rest } = state;
    return rest;
  }
  log.info(`${reusing(state, entry)}; restored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return state;
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/** Block-device plugins whose mounted filesystems take tar's owners, modes, xattrs and ACLs as `cp -a` does. */
const DIRECT_PLUGINS: ReadonlySet<string> = new Set(['local_loop', 'partitioning', 'lvm', 'mkfs', 'mount', 'fstab']);
const DIRECT_FS_TYPES: ReadonlySet<string> = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat']);

/**
 * Whether the snapshot can go straight into the mounted image: no block-device.d hooks (they run
 * before the image exists and see, and may write, the tree at TARGET_ROOT/TMP_MOUNT_PATH), no zpool,
 * and filesystems that keep xattrs and ACLs (or a staged ESP).
 */
function extractsIntoImage(planned: PlannedBuild): boolean {
  if (planned.hostEnv['TSDIB_PHASE_CACHE_DIRECT'] === '0') return false;
  // offline assembly fills the image from the tree: the snapshot becomes the tree
  if (planned.opts.offlineAssembly) return false;
  if (planned.plan.hooks.phases['block-device.d'].length > 0) return false;
  const rootType = rootFsParams(planned).rootFsType;
  return planned.graph.nodes.every((n) => DIRECT_PLUGINS.has(n.plugin) && (n.plugin !== 'mkfs' || DIRECT_FS_TYPES.has(String(n.config['type'] ?? rootType))));
}

/**
 * Step `restore snapshot (image)`: unpacks the snapshot into the mounted filesystems at `root`. A
 * damaged snapshot is removed and fails the build (the image is half filled by then).
 */
export async function restoreSnapshotIntoImage(entry: PhaseCacheEntry, root: string): Promise<void> {
  try {
    await applyLayers(entry.layers, root);
  } catch (e) {
    if (isTsdibError(e) && e.code === 'INTERRUPTED') throw e;
    await removeEntry(entry);
    throw blockDeviceFailed(`phase cache: the snapshot ${entry.archivePath} could not be unpacked into the image (${e instanceof Error ? e.message : String(e)}); it is removed`, {
      hint: 'run the build again (it builds the tree), or with TSDIB_PHASE_CACHE=0',
      ...(isTsdibError(e) && e.context.outputTail ? { outputTail: e.context.outputTail } : {}),
      cause: e,
    });
  }
}

async function compressor(env: Readonly<Record<string, string | undefined>>): Promise<ArchiveCompression> {
  const want = env['TSDIB_PHASE_CACHE_COMPRESS'];
  if (want === 'none') return 'none';
  return (await succeeds('zstd', ['--version'], { step: 'phase cache' })) ? 'zstd' : 'none';
}

/** Step `snapshot`: stores the finished tree under the build's key (`state`: undefined when the cache is off). */
export async function savePhaseCache(build: HookedBuild, state: PhaseCacheState | undefined): Promise<void> {
  if (!state || state.snapshot) return;
  const ws = build.workspace;
  const left = await mountsUnder(ws.mountPath);
  if (left.length > 0) {
    log.warn(`phase cache: not saved, still mounted below the tree: ${left.join(', ')}`);
    return;
  }
  await mkdir(state.dir, { recursive: true });
  const kind = await compressor(build.hostEnv);
  const archive = `${state.key}.tar${kind === 'zstd' ? '.zst' : ''}`;
  const t0 = performance.now();
  const target = join(state.dir, archive);
  const tmp = `${target}.partial.${process.pid}`;
  // on top of the build's checkpoints, the snapshot is only what changed since the last one
  const checkpoints = layeredOn(state.checkpoints?.run);
  let deletions: string[] = [];
  try {
    if (checkpoints) {
      const change = diffTrees(checkpoints.index, await indexTree(ws.mountPath));
      deletions = change.deleted;
      await createTreeArchive(ws.mountPath, tmp, kind, change.changed);
    } else {
      await createTreeArchive(ws.mountPath, tmp, kind);
    }
    await rename(tmp, target);
  } catch (e) {
    // a cache must not fail the build (a full disk, say): say so and go on without a snapshot
    if (isTsdibError(e) && e.code === 'INTERRUPTED') throw e;
    log.warn(`phase cache: not saved: ${e instanceof Error ? e.message : String(e)}`);
    return;
  } finally {
    await rm(tmp, { force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  const treeKiB = await treeUsageKiB(ws.mountPath);
  const manifest: PhaseCacheManifest = {
    key: state.key,
    treeKiB,
    group: state.group,
    label: state.label,
    created: new Date().toISOString(),
    archive,
    archiveBytes: (await stat(target)).size,
    seconds: Math.round(seconds * 10) / 10,
    inputs: state.inputs,
    base: await declaredBaseInputs(ws.dir),
    ...(checkpoints ? { layers: checkpoints.layers, deletions } : {}),
  };
  await writeManifest(state.dir, manifest);
  const on = checkpoints ? ` on ${checkpoints.layers.length} checkpoint(s)` : '';
  log.info(`phase cache: saved ${state.key} (${(manifest.archiveBytes / 1024 ** 2).toFixed(0)} MiB ${kind === 'zstd' ? 'tar.zst' : 'tar'}${on}) in ${seconds.toFixed(1)} s`);
  await prunePhaseCache(build, state);
}

/** The build's checkpoint run when the snapshot can be a layer on top of it: every step that ran was checkpointed. */
function layeredOn(run: CheckpointRun | undefined): (CheckpointRun & { index: NonNullable<CheckpointRun['index']> }) | undefined {
  if (!run || run.stopped || run.index === undefined || run.layers.length === 0) return undefined;
  return run as CheckpointRun & { index: NonNullable<CheckpointRun['index']> };
}

/**
 * Keeps the newest TSDIB_PHASE_CACHE_KEEP snapshots of the build's element set and the checkpoints
 * still needed; then, with TSDIB_PHASE_CACHE_MAX_GIB, the least recently used of any element set go
 * until the phase cache fits (never this build's snapshot nor what it is made of). Both variables
 * were checked before the build began (check-inputs.ts).
 */
async function prunePhaseCache(build: HookedBuild, state: PhaseCacheState): Promise<void> {
  const keep = Number(build.hostEnv['TSDIB_PHASE_CACHE_KEEP'] || 3);
  const removed = await pruneGroup(state.dir, state.group, keep);
  if (removed.length > 0) log.info(`phase cache: removed ${removed.length} older entr${removed.length === 1 ? 'y' : 'ies'} of ${state.label}`);
  const referenced = new Set((await listEntries(state.dir)).flatMap((e) => e.manifest.layers ?? []));
  const dropped = await pruneCheckpoints(state.dir, state.group, keep, referenced);
  if (dropped.length > 0) log.info(`checkpoints: removed ${dropped.length} no longer needed`);
  const budget = build.hostEnv['TSDIB_PHASE_CACHE_MAX_GIB'];
  if (!budget) return;
  const own = await readEntry(state.dir, state.key);
  const over = await pruneToBudget(state.dir, Number(budget), new Set([state.key, ...(own?.manifest.layers ?? [])]));
  const freed = [...over.entries, ...over.checkpoints].reduce((a, x) => a + x.manifest.archiveBytes, 0);
  if (freed > 0) log.info(`phase cache: over TSDIB_PHASE_CACHE_MAX_GIB=${budget}: removed ${over.entries.length} snapshot(s) and ${over.checkpoints.length} checkpoint(s), least recently used first (${(freed / 1024 ** 2).toFixed(0)} MiB)`);
}
