// The checkpoint chain: an edit moves the keys from the step whose input it is onwards, never before;
// and which checkpoints pruning keeps.
import { describe, expect, it } from 'vitest';
import type { CacheKeyInputs } from '../../../src/pipeline/cache/cache-key.js';
import { checkpointChain, describeStepDifferences, TREE_STEPS, type TreeStep } from '../../../src/pipeline/cache/checkpoint-key.js';
import type { Checkpoint } from '../../../src/pipeline/cache/checkpoint-store.js';
import { unneededCheckpoints } from '../../../src/pipeline/cache/checkpoints.js';

function inputs(files: Record<string, string>, packages = ''): CacheKeyInputs {
  return {
    version: 2,
    tool: { version: '1.0.0', code: 'c0de' },
    flags: { '-p': packages, '-n': 'false', '-c': 'false' },
    elements: [
      { name: 'base-os', hash: 'h1', files: { 'root.d/10-unpack': 'r1', 'environment.d/10-os': 'e1' } },
      { name: 'mine', hash: 'h2', files },
    ],
    env: { DIB_RELEASE: 'aa' },
  };
}

const MINE = { 'install.d/50-a': 'i1', 'post-install.d/50-b': 'p1', 'package-installs.yaml': 'y1', README: 'd1' };

/** The first step whose key differs between the two chains. */
function firstMoved(a: CacheKeyInputs, b: CacheKeyInputs): TreeStep | undefined {
  const x = checkpointChain(a);
  const y = checkpointChain(b);
  return x.find((l, i) => l.key !== y[i]!.key)?.step;
}

describe('checkpoint chain', () => {
  it('has one link per tree step, each key different', () => {
    const chain = checkpointChain(inputs(MINE));
    expect(chain.map((l) => l.step)).toEqual([...TREE_STEPS]);
    expect(new Set(chain.map((l) => l.key)).size).toBe(TREE_STEPS.length);
  });

  it('an edited post-install.d file moves the keys from post-install.d on', () => {
    expect(firstMoved(inputs(MINE), inputs({ ...MINE, 'post-install.d/50-b': 'p2' }))).toBe('post-install.d');
    const a = checkpointChain(inputs(MINE));
    const b = checkpointChain(inputs({ ...MINE, 'post-install.d/50-b': 'p2' }));
    expect(b[TREE_STEPS.indexOf('post-root.d')]!.key).not.toBe(a[TREE_STEPS.indexOf('post-root.d')]!.key);
  });

  it('a new install.d file moves them from install.d, -p from packages (-p)', () => {
    expect(firstMoved(inputs(MINE), inputs({ ...MINE, 'install.d/60-new': 'n' }))).toBe('install.d');
    expect(firstMoved(inputs(MINE), inputs(MINE, 'vim'))).toBe('packages (-p)');
  });

  it('files every step may read (package-installs.yaml, environment.d, README) and variables move them all', () => {
    expect(firstMoved(inputs(MINE), inputs({ ...MINE, 'package-installs.yaml': 'y2' }))).toBe('root.d');
    expect(firstMoved(inputs(MINE), { ...inputs(MINE), env: { DIB_RELEASE: 'bb' } })).toBe('root.d');
    expect(firstMoved(inputs(MINE), inputs({ ...MINE, README: 'd2' }))).toBe('root.d');
  });

  it('nothing moves when nothing changed, or only a late phase changed', () => {
    expect(firstMoved(inputs(MINE), inputs(MINE))).toBeUndefined();
  });

  it('says which file of a step changed', () => {
    const a = checkpointChain(inputs(MINE))[TREE_STEPS.indexOf('post-install.d')]!.inputs;
    const b = checkpointChain(inputs({ ...MINE, 'post-install.d/50-b': 'p2', 'post-install.d/60-c': 'c' }))[TREE_STEPS.indexOf('post-install.d')]!.inputs;
    expect(describeStepDifferences(a, b)).toEqual(['element mine: post-install.d/50-b changed', 'element mine: post-install.d/60-c added']);
  });
});

function checkpoint(key: string, parent: string | undefined, group: string, usedDaysAgo: number): Checkpoint {
  return {
    manifest: { key, ...(parent ? { parent } : {}), step: 'install.d', group, label: group, created: '', archive: `${key}.tar`, archiveBytes: 1, deletions: [], inputs: { kind: 'packages', packages: '' }, base: [], seconds: 0 },
    manifestPath: `/c/${key}.json`,
    layer: { archive: `/c/${key}.tar`, deletions: [] },
    lastUsed: new Date(Date.UTC(2026, 11, 6) - usedDaysAgo * 86_400_000),
  };
}

describe('checkpoint pruning', () => {
  // newest use first, as listCheckpoints gives them
  const all = [checkpoint('f1', 'r1', 'g', 0), checkpoint('f2', 'r1', 'g', 1), checkpoint('f3', 'r1', 'g', 2), checkpoint('r1', undefined, 'g', 3), checkpoint('o1', undefined, 'other', 30)];
  const now = Date.UTC(2026, 11, 6);

  it('keeps what a snapshot is made of and its ancestors, and the newest others up to keep', () => {
    const gone = unneededCheckpoints(all, new Set(['f3']), { keep: 1, group: 'g', now }).map((c) => c.manifest.key);
    expect(gone).toEqual(['f2']);
  });

  it('with a max age, drops unreferenced checkpoints unused for longer (every group when none is given)', () => {
    const gone = unneededCheckpoints(all, new Set(), { maxAgeMs: 10 * 86_400_000, now }).map((c) => c.manifest.key);
    expect(gone).toEqual(['o1']);
  });
});
