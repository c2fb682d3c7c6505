/**
 * A size budget for the phase cache (snapshots and checkpoints together): what to remove, least
 * recently used first, until the rest fits. A checkpoint goes only once nothing left stands on it
 * (no snapshot made of it, no checkpoint whose parent it is), so what stays can still be restored.
 */
import type { PhaseCacheEntry } from './cache-store.js';
import type { Checkpoint } from './checkpoint-store.js';

export interface OverBudget {
  entries: PhaseCacheEntry[];
  checkpoints: Checkpoint[];
}

export const GIB = 1024 ** 3;

/** The phase cache's bytes on disk as its manifests give them (archives only). */
export function phaseCacheBytes(entries: readonly PhaseCacheEntry[], checkpoints: readonly Checkpoint[]): number {
  return entries.reduce((a, e) => a + e.manifest.archiveBytes, 0) + checkpoints.reduce((a, c) => a + c.manifest.archiveBytes, 0);
}

/**
 * What to remove so that the phase cache holds at most `maxBytes`. `keep`: keys of snapshots and
 * checkpoints never removed (the running build's own, and what it is made of).
 */
export function overBudget(entries: readonly PhaseCacheEntry[], checkpoints: readonly Checkpoint[], maxBytes: number, keep: ReadonlySet<string> = new Set()): OverBudget {
  type Item = { kind: 'entry'; entry: PhaseCacheEntry; at: number } | { kind: 'checkpoint'; checkpoint: Checkpoint; at: number };
  const leftEntries = new Set(entries);
  const leftCheckpoints = new Set(checkpoints);
  const standsOn = (key: string) =>
    [...leftEntries].some((e) => (e.manifest.layers ?? []).includes(key)) || [...leftCheckpoints].some((c) => c.manifest.parent === key);
  const removable = (item: Item) =>
    item.kind === 'entry'
      ? leftEntries.has(item.entry) && !keep.has(item.entry.manifest.key)
      : leftCheckpoints.has(item.checkpoint) && !keep.has(item.checkpoint.manifest.key) && !standsOn(item.checkpoint.manifest.key);
  const oldestFirst: Item[] = [
    ...entries.map((entry): Item => ({ kind: 'entry', entry, at: entry.lastUsed.getTime() })),
    ...checkpoints.map((checkpoint): Item => ({ kind: 'checkpoint', checkpoint, at: checkpoint.lastUsed.getTime() })),
  ].sort((a, b) => a.at - b.at);
  const removed: OverBudget = { entries: [], checkpoints: [] };
  let total = phaseCacheBytes(entries, checkpoints);
  while (total > maxBytes) {
    const next = oldestFirst.find(removable);
    if (!next) break;
    if (next.kind === 'entry') {
      leftEntries.delete(next.entry);
      removed.entries.push(next.entry);
      total -= next.entry.manifest.archiveBytes;
    } else {
      leftCheckpoints.delete(next.checkpoint);
      removed.checkpoints.push(next.checkpoint);
      total -= next.checkpoint.manifest.archiveBytes;
    }
  }
  return removed;
}
