// The phase cache's size budget: least recently used first, a checkpoint only once nothing left
// stands on it, never what the running build keeps.
import { describe, expect, it } from 'vitest';
import { overBudget, phaseCacheBytes } from '../../../src/pipeline/cache/cache-budget.js';
import type { PhaseCacheEntry } from '../../../src/pipeline/cache/cache-store.js';
import type { Checkpoint } from '../../../src/pipeline/cache/checkpoint-store.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 0, minute));

function snapshot(key: string, bytes: number, minute: number, layers: string[] = []): PhaseCacheEntry {
  return { manifest: { key, archiveBytes: bytes, layers }, lastUsed: at(minute) } as unknown as PhaseCacheEntry;
}

function checkpoint(key: string, bytes: number, minute: number, parent?: string): Checkpoint {
  return { manifest: { key, archiveBytes: bytes, ...(parent ? { parent } : {}) }, lastUsed: at(minute) } as unknown as Checkpoint;
}

const keys = (r: { manifest: { key: string } }[]) => r.map((x) => x.manifest.key);

describe('overBudget', () => {
  // two element sets: A (snapshot a on root → install → post) and B (snapshot b, a whole tree)
  const root = checkpoint('root', 100, 1);
  const install = checkpoint('install', 50, 2, 'root');
  const post = checkpoint('post', 5, 3, 'install');
  const a = snapshot('a', 1, 4, ['root', 'install', 'post']);
  const b = snapshot('b', 120, 10);

  it('under the budget: nothing', () => {
    expect(phaseCacheBytes([a, b], [root, install, post])).toBe(276);
    const r = overBudget([a, b], [root, install, post], 276);
    expect(r.entries).toEqual([]);
    expect(r.checkpoints).toEqual([]);
  });

  it('the least recently used snapshot goes first, then its checkpoints from the top of the chain down', () => {
    const r = overBudget([a, b], [root, install, post], 200);
    expect(keys(r.entries)).toEqual(['a']);
    // root is older than post, but post and install stand on it
    expect(keys(r.checkpoints)).toEqual(['post', 'install', 'root']);
  });

  it('stops as soon as the rest fits', () => {
    const r = overBudget([a, b], [root, install, post], 272);
    expect(keys(r.entries)).toEqual(['a']);
    expect(keys(r.checkpoints)).toEqual(['post']);
  });

  it('never removes what is kept, nor what a kept snapshot is made of', () => {
    const r = overBudget([a, b], [root, install, post], 0, new Set(['a', 'root', 'install', 'post']));
    expect(keys(r.entries)).toEqual(['b']);
    expect(r.checkpoints).toEqual([]);
  });

  it('a checkpoint no snapshot is made of (a failed build\'s) goes by its own last use', () => {
    const failed = checkpoint('failed', 30, 0, 'root');
    const r = overBudget([a, b], [root, install, post, failed], 276);
    expect(r.entries).toEqual([]);
    expect(keys(r.checkpoints)).toEqual(['failed']);
  });
});
