/**
 * Per-phase checkpoints: after each tree step that ran something (root.d … post-root.d), the change
 * it made to the tree is kept as a layer under the step's chain key (checkpoint-key.ts). A build
 * whose full snapshot misses restores the deepest checkpoint whose chain still matches and runs
 * only the steps after it; so editing a post-install.d hook reruns post-install.d onwards.
 *
 * What a checkpoint restores: the tree (its layers), the files hooks had added to TMP_HOOKS_PATH,
 * and the base files root.d hooks declared (phase-cache.ts). Nothing else an earlier hook left in
 * the workspace survives (docs/caching.md). A checkpoint is saved with the chroot's mounts
 * released (the tree as it is between phases) and never while something else is mounted below it.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isTsdibError } from '../../errors.js';
import { mountsUnder } from '../../host/mount.js';
import { log } from '../../log.js';
import type { HookedBuild } from '../context.js';
import { describeKeyDifferences, type CacheKeyInputs } from './cache-key.js';
import { checkpointChain, commonInputs, describeStepDifferences, TREE_STEPS, type ChainLink, type TreeStep } from './checkpoint-key.js';
import type { CheckpointDecision, CheckpointRun } from './checkpoint-state.js';
import { checkpointsDir, listCheckpoints, readChain, removeCheckpoint, strayCheckpointFiles, touchCheckpoints, writeCheckpointManifest, type Checkpoint, type CheckpointManifest } from './checkpoint-store.js';
import type { BaseInput } from './base-inputs.js';
import { BASE_INPUTS_FILE, declaredBaseInputs } from './base-inputs.js';
import { applyLayers, createTreeArchive, extractTree, type ArchiveCompression } from './tree-archive.js';
import { diffTrees, indexTree, type TreeIndex } from './tree-index.js';

/** Whether a step runs anything in this build: hooks in its phase, or -p packages. */
export function stepRuns(planned: Pick<HookedBuild, 'plan' | 'opts'>, step: TreeStep): boolean {
  if (step === 'packages (-p)') return planned.opts.packages.length > 0;
  return planned.plan.hooks.phases[step].length > 0;
}


const short = (key: string) => key.slice(0, 12);

/** Why a checkpoint whose key matches cannot be used (a base file it was built on changed). */
export type BaseCheck = (base: readonly BaseInput[]) => Promise<string[]>;

/**
 * The deepest checkpoint of `inputs`' chain that is complete with all its ancestors and whose base
 * files are unchanged; and for the first step after it that runs, what differs from the newest
 * checkpoint that could have matched.
 */
export async function decideCheckpoint(phaseDir: string, inputs: CacheKeyInputs, planned: Pick<HookedBuild, 'plan' | 'opts'>, group: string, baseCheck: BaseCheck): Promise<CheckpointDecision> {
  const dir = checkpointsDir(phaseDir);
  const chain = checkpointChain(inputs);
  let restore: Checkpoint[] | undefined;
  let restoredAt = -1;
  let staleReasons: string[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!stepRuns(planned, chain[i]!.step)) continue;
    const found = await readChain(dir, chain[i]!.key);
    if (!found) continue;
    const stale = await baseCheck(found[found.length - 1]!.manifest.base);
    if (stale.length > 0) {
      staleReasons = stale;
      continue;
    }
    restore = found;
    restoredAt = i;
    break;
  }
  const decision: CheckpointDecision = { chain, ...(restore ? { restore, restoredStep: chain[restoredAt]!.step } : {}) };
  const next = chain.findIndex((l, i) => i > restoredAt && stepRuns(planned, l.step));
  if (next < 0) return decision;
  const link = chain[next]!;
  if (staleReasons.length > 0 && !restore) return { ...decision, miss: { step: link.step, reasons: staleReasons } };
  const all = await listCheckpoints(dir);
  const parent = restore?.[restore.length - 1]!.manifest.key;
  const candidates = all.filter((c) => c.manifest.step === link.step && c.manifest.parent === parent && (parent !== undefined || c.manifest.group === group));
  const newest = candidates[0] ?? (parent === undefined ? all.find((c) => c.manifest.parent === undefined) : undefined);
  if (!newest) {
    const why = parent === undefined ? 'no checkpoint of this element set yet' : `no checkpoint of ${link.step} after ${short(parent)} yet`;
    return { ...decision, miss: { step: link.step, reasons: [why] } };
  }
  let reasons = describeStepDifferences(newest.manifest.inputs, link.inputs);
  if (parent === undefined && newest.manifest.common) reasons = [...describeKeyDifferences(newest.manifest.common, commonInputs(inputs)), ...reasons];
  const comparedWith = `checkpoint ${short(newest.manifest.key)} of ${newest.manifest.label} (made ${newest.manifest.created})`;
  return { ...decision, miss: { step: link.step, reasons: reasons.length > 0 ? reasons : [`no checkpoint ${short(link.key)}`], comparedWith } };
}

/** The log line for a decision (also `tsdib plan`'s summary). */
export function describeCheckpointDecision(d: CheckpointDecision): string {
  const parts: string[] = [];
  if (d.restore && d.restoredStep) {
    const last = d.restore[d.restore.length - 1]!.manifest;
    parts.push(`reusing the ${d.restoredStep} checkpoint ${short(last.key)} (made ${last.created}; ${TREE_STEPS[0]} … ${d.restoredStep} skipped)`);
  } else {
    parts.push('none reused');
  }
  if (d.miss) parts.push(`${d.miss.step} runs${d.miss.comparedWith ? ` (compared with ${d.miss.comparedWith})` : ''}: ${d.miss.reasons.join('; ')}`);
  return `checkpoints: ${parts.join('; ')}`;
}


export async function startCheckpointRun(build: HookedBuild, phaseDir: string, chain: ChainLink[], inputs: CacheKeyInputs, group: string, label: string, compression: ArchiveCompression): Promise<CheckpointRun> {
  return { dir: checkpointsDir(phaseDir), group, label, chain, common: commonInputs(inputs), compression, hooksBaseline: await indexTree(build.workspace.hooksPath), layers: [], index: undefined };
}

/**
 * Step `restore checkpoint`: the checkpoints' layers into TMP_MOUNT_PATH, their hooks' files into
 * TMP_HOOKS_PATH. Returns false when one could not be unpacked: the chain is removed, the tree
 * emptied, and the build builds it from root.d (saving the chain again).
 */
export async function restoreCheckpoints(build: HookedBuild, run: CheckpointRun, restore: readonly Checkpoint[]): Promise<boolean> {
  const ws = build.workspace;
  const t0 = performance.now();
  const last = restore[restore.length - 1]!;
  try {
    await applyLayers(restore.map((c) => c.layer), ws.mountPath);
    if (last.hooksArchivePath) await extractTree(last.hooksArchivePath, ws.hooksPath);
  } catch (e) {
    if (isTsdibError(e) && e.code === 'INTERRUPTED') throw e;
    log.warn(`checkpoints: the ${last.manifest.step} checkpoint ${short(last.manifest.key)} could not be restored (${e instanceof Error ? e.message : String(e)}); its chain is removed, building the tree`);
    for (const c of restore) await removeCheckpoint(c);
    for (const name of await readdir(ws.mountPath)) await rm(join(ws.mountPath, name), { recursive: true, force: true });
    return false;
  }
  await writeFile(join(ws.dir, BASE_INPUTS_FILE), last.manifest.base.map((b) => `${b.path}\t${b.maxAgeDays ?? ''}\n`).join(''));
  await touchCheckpoints(restore);
  run.layers = restore.map((c) => c.manifest.key);
  run.index = await indexTree(ws.mountPath);
  log.info(`checkpoints: ${restore.length} layer(s) restored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * Saves the checkpoint of `step` (which just ran). The caller has released the chroot's mounts.
 * A failure to save stops checkpointing for the rest of the build but never fails it.
 */
export async function saveCheckpoint(build: HookedBuild, run: CheckpointRun, step: TreeStep): Promise<void> {
  if (run.stopped) return;
  const link = run.chain.find((l) => l.step === step)!;
  const ws = build.workspace;
  const left = await mountsUnder(ws.mountPath);
  if (left.length > 0) {
    run.stopped = `still mounted below the tree: ${left.join(', ')}`;
    log.warn(`checkpoints: none saved from ${step} on (${run.stopped})`);
    return;
  }
  await mkdir(run.dir, { recursive: true });
  const t0 = performance.now();
  const archive = `${link.key}.tar${run.compression === 'zstd' ? '.zst' : ''}`;
  const hooksArchive = `${link.key}.hooks.tar`;
  const partials: string[] = [];
  try {
    const now = await indexTree(ws.mountPath);
    const change = diffTrees(run.index ?? new Map(), now);
    const tmp = join(run.dir, `${archive}.partial.${process.pid}`);
    partials.push(tmp);
    await createTreeArchive(ws.mountPath, tmp, run.compression, change.changed);
    const hooksChange = diffTrees(run.hooksBaseline, await indexTree(ws.hooksPath)).changed.filter((p) => p !== '.');
    if (hooksChange.length > 0) {
      const hooksTmp = join(run.dir, `${hooksArchive}.partial.${process.pid}`);
      partials.push(hooksTmp);
      await createTreeArchive(ws.hooksPath, hooksTmp, 'none', hooksChange);
      await rename(hooksTmp, join(run.dir, hooksArchive));
    }
    await rename(tmp, join(run.dir, archive));
    const parent = run.layers[run.layers.length - 1];
    const manifest: CheckpointManifest = {
      key: link.key,
      step,
      ...(parent ? { parent } : {}),
      group: run.group,
      label: run.label,
      created: new Date().toISOString(),
      archive,
      archiveBytes: (await stat(join(run.dir, archive))).size,
      deletions: change.deleted,
      linked: change.linked,
      ...(hooksChange.length > 0 ? { hooksArchive } : {}),
      inputs: link.inputs,
      ...(parent ? {} : { common: run.common }),
      base: await declaredBaseInputs(ws.dir),
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
    await writeCheckpointManifest(run.dir, manifest);
    run.layers.push(link.key);
    run.index = now;
    log.info(`checkpoint ${step}: saved ${short(link.key)} (${change.changed.length} entries, ${change.deleted.length} deleted, ${(manifest.archiveBytes / 1024 ** 2).toFixed(1)} MiB) in ${manifest.seconds.toFixed(1)} s`);
  } catch (e) {
    if (isTsdibError(e) && e.code === 'INTERRUPTED') throw e;
    run.stopped = e instanceof Error ? e.message : String(e);
    log.warn(`checkpoints: ${step} not saved, none from here on: ${run.stopped}`);
  } finally {
    for (const p of partials) await rm(p, { force: true });
  }
}

/**
 * The checkpoints nothing needs any more. Kept are those a snapshot entry is made of (`referenced`),
 * and of the others, per element set, the `keep` most recently used ones not unused for longer than
 * `maxAgeMs` (only `group`'s are counted when it is given); and the ancestors of all those.
 */
export function unneededCheckpoints(all: readonly Checkpoint[], referenced: ReadonlySet<string>, rule: { keep?: number; maxAgeMs?: number; group?: string; now?: number }): Checkpoint[] {
  const byKey = new Map(all.map((c) => [c.manifest.key, c]));
  const kept = new Set<string>();
  const mark = (key: string | undefined) => {
    while (key !== undefined && !kept.has(key)) {
      kept.add(key);
      key = byKey.get(key)?.manifest.parent;
    }
  };
  for (const key of referenced) mark(key);
  const now = rule.now ?? Date.now();
  const perGroup = new Map<string, number>();
  for (const c of all) {
    if (referenced.has(c.manifest.key)) continue;
    if (rule.group !== undefined && c.manifest.group !== rule.group) {
      mark(c.manifest.key);
      continue;
    }
    const n = (perGroup.get(c.manifest.group) ?? 0) + 1;
    perGroup.set(c.manifest.group, n);
    const young = rule.maxAgeMs === undefined || now - c.lastUsed.getTime() <= rule.maxAgeMs;
    if ((rule.keep === undefined || n <= rule.keep) && young) mark(c.manifest.key);
  }
  return all.filter((c) => !kept.has(c.manifest.key));
}

/** After a snapshot is saved: removes the build's element set's checkpoints beyond `keep` that no snapshot is made of, and stray files. */
export async function pruneCheckpoints(phaseDir: string, group: string, keep: number, referenced: ReadonlySet<string>): Promise<Checkpoint[]> {
  const dir = checkpointsDir(phaseDir);
  const removed = unneededCheckpoints(await listCheckpoints(dir), referenced, { keep, group });
  for (const c of removed) await removeCheckpoint(c);
  for (const f of await strayCheckpointFiles(dir)) await rm(f, { force: true });
  return removed;
}
