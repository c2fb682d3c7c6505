/**
 * The per-phase checkpoints' files under `$DIB_IMAGE_CACHE/phase-cache/checkpoints`: per checkpoint
 * a layer archive `<key>.tar.zst` (or `.tar`), optionally `<key>.hooks.tar` (what the build's
 * hooks had added to TMP_HOOKS_PATH by then), and a manifest `<key>.json` naming its parent. Like a
 * snapshot, a checkpoint is complete or absent: its archives are renamed into place first, the
 * manifest last; a reader sees no manifest until everything it names exists.
 */
import { lstat, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unnamedFiles } from './stray-files.js';
import type { CacheKeyInputs } from './cache-key.js';
import type { StepInputs, TreeStep } from './checkpoint-key.js';
import type { BaseInput } from './base-inputs.js';
import type { TreeLayer } from './tree-archive.js';

export const CHECKPOINTS_DIR = 'checkpoints';

export interface CheckpointManifest {
  key: string;
  step: TreeStep;
  /** The checkpoint this layer goes on top of (undefined: the first, a whole tree). */
  parent?: string;
  group: string;
  label: string;
  created: string;
  archive: string;
  archiveBytes: number;
  /** `./`-relative paths the layer deletes from its parent's tree. */
  deletions: string[];
  /** The archive's entries with other names (tree-archive.ts: TreeLayer.linked); absent in older manifests. */
  linked?: string[];
  /** Files the hooks had added to TMP_HOOKS_PATH by then (an archive beside the manifest). */
  hooksArchive?: string;
  /** This step's own input (checkpoint-key.ts), to say later what changed. */
  inputs: StepInputs;
  /** The first checkpoint only: what every step reads (to say what changed). */
  common?: CacheKeyInputs;
  /** The base files root.d hooks declared (phase-cache.ts). */
  base: BaseInput[];
  seconds: number;
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  manifestPath: string;
  layer: TreeLayer;
  hooksArchivePath?: string;
  lastUsed: Date;
}

export function checkpointsDir(phaseCacheDir: string): string {
  return join(phaseCacheDir, CHECKPOINTS_DIR);
}

async function readCheckpointManifest(path: string): Promise<Checkpoint | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as CheckpointManifest;
    const dir = join(path, '..');
    const archive = join(dir, manifest.archive);
    await lstat(archive);
    const hooksArchivePath = manifest.hooksArchive ? join(dir, manifest.hooksArchive) : undefined;
    if (hooksArchivePath) await lstat(hooksArchivePath);
    return { manifest, manifestPath: path, layer: { archive, deletions: manifest.deletions, ...(manifest.linked ? { linked: manifest.linked } : {}) }, ...(hooksArchivePath ? { hooksArchivePath } : {}), lastUsed: (await stat(path)).mtime };
  } catch {
    return undefined;
  }
}

export function readCheckpoint(dir: string, key: string): Promise<Checkpoint | undefined> {
  return readCheckpointManifest(join(dir, `${key}.json`));
}

/** The checkpoint and its ancestors, oldest first; undefined when one of them is missing. */
export async function readChain(dir: string, key: string): Promise<Checkpoint[] | undefined> {
  const chain: Checkpoint[] = [];
  let next: string | undefined = key;
  while (next !== undefined) {
    const c = await readCheckpoint(dir, next);
    if (!c) return undefined;
    chain.unshift(c);
    next = c.manifest.parent;
  }
  return chain;
}

/** Every complete checkpoint, newest use first. */
export async function listCheckpoints(dir: string): Promise<Checkpoint[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]+\.json$/.test(n)).sort();
  const all = (await Promise.all(names.map((n) => readCheckpointManifest(join(dir, n))))).filter((c): c is Checkpoint => c !== undefined);
  return all.sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime() || a.manifest.key.localeCompare(b.manifest.key));
}

export async function writeCheckpointManifest(dir: string, manifest: CheckpointManifest): Promise<void> {
  const path = join(dir, `${manifest.key}.json`);
  const tmp = `${path}.partial.${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`, { mode: 0o644 });
  await rename(tmp, path);
}

/** Marks checkpoints used now. */
export async function touchCheckpoints(chain: readonly Checkpoint[]): Promise<void> {
  const now = new Date();
  for (const c of chain) await utimes(c.manifestPath, now, now).catch(() => undefined);
}

/** Removes a checkpoint: the manifest first. */
export async function removeCheckpoint(c: Checkpoint): Promise<void> {
  await rm(c.manifestPath, { force: true });
  await rm(c.layer.archive, { force: true });
  if (c.hooksArchivePath) await rm(c.hooksArchivePath, { force: true });
}

/** Files of checkpoints that never completed (no manifest names them), except a live build's temp files. */
export async function strayCheckpointFiles(dir: string): Promise<string[]> {
  const named = new Set<string>();
  for (const c of await listCheckpoints(dir)) {
    named.add(`${c.manifest.key}.json`);
    named.add(c.manifest.archive);
    if (c.manifest.hooksArchive) named.add(c.manifest.hooksArchive);
  }
  return unnamedFiles(dir, named);
}
