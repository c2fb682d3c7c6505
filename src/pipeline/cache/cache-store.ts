/**
 * The phase cache's files under `$DIB_IMAGE_CACHE/phase-cache`: per entry a snapshot archive
 * `<key>.tar.zst` (or `<key>.tar`) and a manifest `<key>.json` with the key's inputs. An entry is
 * complete when both exist (the archive is renamed into place first, the manifest last); the
 * manifest's mtime is the entry's last use. Also the image cache's location (shared by the build,
 * `tsdib plan` and `tsdib cache`).
 */
import { lstat, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BaseInput } from './base-inputs.js';
import type { CacheKeyInputs } from './cache-key.js';
import { CHECKPOINTS_DIR, checkpointsDir, readCheckpoint } from './checkpoint-store.js';
import type { TreeLayer } from './tree-archive.js';
import { unnamedFiles } from './stray-files.js';

export type { BaseInput };

export const PHASE_CACHE_DIR = 'phase-cache';
/** Beside the snapshots: the records of unfinished builds (`--resume`). */
export const BUILD_RECORDS_DIR = 'builds';


export interface PhaseCacheManifest {
  key: string;
  /** Entries of one element set and arch form a group (`tsdib cache prune --keep` counts per group). */
  group: string;
  label: string;
  created: string;
  /** The archive's file name, beside the manifest. */
  archive: string;
  archiveBytes: number;
  /** Seconds the snapshot took to write. */
  seconds: number;
  /** `du -s -x -k` of the tree when it was saved (the image-size step's input). */
  treeKiB?: number;
  inputs: CacheKeyInputs;
  base: BaseInput[];
  /**
   * The checkpoints (checkpoints.ts) the tree is made of, oldest first; the entry's own archive is
   * then the last layer, holding what changed after the last checkpoint. Absent: the archive is the
   * whole tree.
   */
  layers?: string[];
  /** With `layers`: what the own archive's layer deletes. */
  deletions?: string[];
}

export interface PhaseCacheEntry {
  manifest: PhaseCacheManifest;
  manifestPath: string;
  archivePath: string;
  /** The tree as layers to apply in order: the checkpoints', then the own archive (alone when the archive is the whole tree). */
  layers: TreeLayer[];
  /** Last use (the manifest's mtime). */
  lastUsed: Date;
}

/** The image cache directory: --image-cache, DIB_IMAGE_CACHE, or ~/.cache/tsdib. */
export function imageCacheDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return resolve(flag ?? (env['DIB_IMAGE_CACHE'] || join(env['HOME'] ?? homedir(), '.cache', 'tsdib')));
}

export function phaseCacheDir(imageCache: string): string {
  return join(imageCache, PHASE_CACHE_DIR);
}

async function readManifest(path: string): Promise<PhaseCacheEntry | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as PhaseCacheManifest;
    const archivePath = join(path, '..', manifest.archive);
    await lstat(archivePath);
    const layers: TreeLayer[] = [];
    for (const key of manifest.layers ?? []) {
      const checkpoint = await readCheckpoint(checkpointsDir(join(path, '..')), key);
      // a checkpoint it is made of was pruned: the entry is incomplete
      if (!checkpoint) return undefined;
      layers.push(checkpoint.layer);
    }
    layers.push({ archive: archivePath, deletions: manifest.deletions ?? [] });
    return { manifest, manifestPath: path, archivePath, layers, lastUsed: (await stat(path)).mtime };
  } catch {
    return undefined;
  }
}

export async function readEntry(dir: string, key: string): Promise<PhaseCacheEntry | undefined> {
  return readManifest(join(dir, `${key}.json`));
}

/** Every complete entry, newest use first. */
export async function listEntries(dir: string): Promise<PhaseCacheEntry[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]+\.json$/.test(n)).sort();
  const entries = (await Promise.all(names.map((n) => readManifest(join(dir, n))))).filter((e): e is PhaseCacheEntry => e !== undefined);
  return entries.sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime() || a.manifest.key.localeCompare(b.manifest.key));
}

/** Marks an entry used now. */
export async function touchEntry(entry: PhaseCacheEntry): Promise<void> {
  const now = new Date();
  await utimes(entry.manifestPath, now, now).catch(() => undefined);
}

/** Writes the manifest (to a temp name, then renamed: readers never see half a file). */
export async function writeManifest(dir: string, manifest: PhaseCacheManifest): Promise<void> {
  const path = join(dir, `${manifest.key}.json`);
  const tmp = `${path}.partial.${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`, { mode: 0o644 });
  await rename(tmp, path);
}

/** Removes an entry: the manifest first, so nobody starts reading a half-removed entry. */
export async function removeEntry(entry: PhaseCacheEntry): Promise<void> {
  await rm(entry.manifestPath, { force: true });
  await rm(entry.archivePath, { force: true });
}

/** Archives and manifests of entries that never completed, or whose other half is gone; temp files of dead builds. */
export async function strayFiles(dir: string): Promise<string[]> {
  const complete = new Set<string>([CHECKPOINTS_DIR, BUILD_RECORDS_DIR]);
  for (const e of await listEntries(dir)) {
    complete.add(`${e.manifest.key}.json`);
    complete.add(e.manifest.archive);
  }
  return unnamedFiles(dir, complete);
}
