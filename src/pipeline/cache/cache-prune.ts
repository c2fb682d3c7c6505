/**
 * Removing cache entries: phase snapshots (per element set, newest use first), base tarballs of
 * `debian-rootfs` (`rootfs/`) and apt's kept packages (`apt-archives/`). Used after every snapshot
 * (keep the newest N of the build's element set) and by `tsdib cache prune`.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listEntries, phaseCacheDir, removeEntry, strayFiles, type PhaseCacheEntry } from './cache-store.js';
import { checkpointsDir, listCheckpoints, removeCheckpoint, strayCheckpointFiles, type Checkpoint } from './checkpoint-store.js';
import { unneededCheckpoints } from './checkpoints.js';
import { GIB, overBudget, type OverBudget } from './cache-budget.js';

/** Removes all but the `keep` most recently used entries of `group`; returns the removed ones. */
export async function pruneGroup(dir: string, group: string, keep: number): Promise<PhaseCacheEntry[]> {
  const old = (await listEntries(dir)).filter((e) => e.manifest.group === group).slice(keep);
  for (const e of old) await removeEntry(e);
  return old;
}

/**
 * Removes the least recently used snapshots and checkpoints of any element set until the phase
 * cache in `dir` holds at most `maxGiB`; never those in `keep`. Returns what it removed.
 */
export async function pruneToBudget(dir: string, maxGiB: number, keep: ReadonlySet<string>): Promise<OverBudget> {
  const over = overBudget(await listEntries(dir), await listCheckpoints(checkpointsDir(dir)), maxGiB * GIB, keep);
  for (const e of over.entries) await removeEntry(e);
  for (const c of over.checkpoints) await removeCheckpoint(c);
  return over;
}

export interface PruneOptions {
  /** Remove everything: phase snapshots, base tarballs, kept packages. */
  all: boolean;
  /** Keep at most this many phase snapshots per element set (newest use first). */
  keep: number | undefined;
  /** Remove phase snapshots not used for this many days, and base tarballs older than it. */
  maxAgeDays: number | undefined;
  /** Then remove the least recently used snapshots and checkpoints until the phase cache holds at most this many GiB. */
  maxGiB?: number | undefined;
  /** Only say what would be removed. */
  dryRun?: boolean;
}

export interface PrunedItem {
  path: string;
  bytes: number;
  why: string;
}

async function sizeOf(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const n of await readdir(path).catch(() => [] as string[])) total += await sizeOf(join(path, n));
  return total;
}

/** Prunes the image cache `imageCache` as `opts` say; returns what was (or would be) removed. */
export async function pruneCache(imageCache: string, opts: PruneOptions, now = Date.now()): Promise<PrunedItem[]> {
  const dir = phaseCacheDir(imageCache);
  const removed: PrunedItem[] = [];
  const drop = async (path: string, why: string) => {
    if (!(await stat(path).catch(() => undefined))) return;
    removed.push({ path, bytes: await sizeOf(path), why });
    if (!opts.dryRun) await rm(path, { recursive: true, force: true });
  };
  const gone = new Set<string>();
  const dropEntry = async (e: PhaseCacheEntry, why: string) => {
    gone.add(e.manifest.key);
    removed.push({ path: e.archivePath, bytes: e.manifest.archiveBytes, why: `${e.manifest.label}: ${why}` });
    if (!opts.dryRun) await removeEntry(e);
  };
  const dropCheckpoint = async (c: Checkpoint, why: string) => {
    gone.add(c.manifest.key);
    removed.push({ path: c.layer.archive, bytes: c.manifest.archiveBytes, why: `${c.manifest.label}: checkpoint ${c.manifest.step} ${why}` });
    if (!opts.dryRun) await removeCheckpoint(c);
  };
  if (opts.all) {
    for (const e of await listEntries(dir)) await dropEntry(e, 'all');
    for (const sub of ['phase-cache', 'rootfs', 'apt-archives']) {
      const names = await readdir(join(imageCache, sub)).catch(() => [] as string[]);
      for (const n of names.sort()) await drop(join(imageCache, sub, n), 'all');
    }
    return removed;
  }
  const maxAgeMs = opts.maxAgeDays === undefined ? undefined : opts.maxAgeDays * 86_400_000;
  const perGroup = new Map<string, number>();
  const referenced = new Set<string>();
  for (const e of await listEntries(dir)) {
    const n = (perGroup.get(e.manifest.group) ?? 0) + 1;
    perGroup.set(e.manifest.group, n);
    if (opts.keep !== undefined && n > opts.keep) await dropEntry(e, `more than ${opts.keep} of this element set`);
    else if (maxAgeMs !== undefined && now - e.lastUsed.getTime() > maxAgeMs) await dropEntry(e, `unused for more than ${opts.maxAgeDays} days`);
    else for (const k of e.manifest.layers ?? []) referenced.add(k);
  }
  for (const f of await strayFiles(dir)) await drop(f, 'incomplete entry');
  const checkpoints = checkpointsDir(dir);
  const unneeded = unneededCheckpoints(await listCheckpoints(checkpoints), referenced, { ...(opts.keep !== undefined ? { keep: opts.keep } : {}), ...(maxAgeMs !== undefined ? { maxAgeMs } : {}), now });
  for (const c of unneeded) await dropCheckpoint(c, 'no snapshot is made of');
  for (const f of await strayCheckpointFiles(checkpoints)) await drop(f, 'incomplete checkpoint');
  if (opts.maxGiB !== undefined) {
    const entries = (await listEntries(dir)).filter((e) => !gone.has(e.manifest.key));
    const left = (await listCheckpoints(checkpoints)).filter((c) => !gone.has(c.manifest.key));
    const over = overBudget(entries, left, opts.maxGiB * GIB);
    for (const e of over.entries) await dropEntry(e, `least recently used beyond ${opts.maxGiB} GiB`);
    for (const c of over.checkpoints) await dropCheckpoint(c, `least recently used beyond ${opts.maxGiB} GiB`);
  }
  if (maxAgeMs !== undefined) {
    const rootfs = join(imageCache, 'rootfs');
    for (const n of (await readdir(rootfs).catch(() => [] as string[])).sort()) {
      if (!n.endsWith('.tar')) continue;
      const s = await stat(join(rootfs, n)).catch(() => undefined);
      if (s && now - s.mtimeMs > maxAgeMs) {
        await drop(join(rootfs, n), `base tarball older than ${opts.maxAgeDays} days`);
        await drop(join(rootfs, `${n}.key`), 'its tarball is removed');
      }
    }
  }
  return removed;
}
