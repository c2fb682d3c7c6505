/**
 * The keys of the per-phase checkpoints: a chain over the tree steps (root.d … post-root.d). The
 * first link hashes everything every step may read — tsdib's code, the flags, the keyed variables,
 * and each element's files outside its tree-phase directories (environment.d, bin/, static/,
 * package-installs.yaml, pkg-map, …) — with the elements' root.d files; each later link hashes the
 * previous key with that step's own input: the elements' files in its phase directory, or the `-p`
 * packages. So editing a post-install.d hook changes the keys from post-install.d on, and the
 * checkpoint of the step before it still matches.
 */
import { createHash } from 'node:crypto';
import type { CacheKeyInputs } from './cache-key.js';

/** The steps that build the root tree, in order; each may leave a checkpoint. */
export const TREE_STEPS = ['root.d', 'extra-data.d', 'pre-install.d', 'install.d', 'packages (-p)', 'post-install.d', 'post-root.d'] as const;
export type TreeStep = (typeof TREE_STEPS)[number];

/** The element directories whose files are one step's own input (the rest is every step's). */
const STEP_DIRS: ReadonlySet<string> = new Set(TREE_STEPS.filter((s) => s.endsWith('.d')));

/** One step's own input: per element, its files in the step's directory (relative path → hash); or the -p packages. */
export type StepInputs = { kind: 'files'; elements: Record<string, Record<string, string>> } | { kind: 'packages'; packages: string };

/** One link of the chain. */
export interface ChainLink {
  readonly step: TreeStep;
  readonly key: string;
  readonly inputs: StepInputs;
}

const sha = (data: string) => createHash('sha256').update(data).digest('hex').slice(0, 32);

/** What every step may read: `inputs` without the tree-phase directories and without -p. */
export function commonInputs(inputs: CacheKeyInputs): CacheKeyInputs {
  const { '-p': _packages, ...flags } = inputs.flags;
  const elements = inputs.elements.map((e) => {
    const files = Object.fromEntries(Object.entries(e.files).filter(([f]) => !STEP_DIRS.has(f.split('/')[0]!)));
    return { name: e.name, hash: sha(JSON.stringify(Object.entries(files))), files };
  });
  return { ...inputs, flags, elements };
}

function stepInputs(inputs: CacheKeyInputs, step: TreeStep): StepInputs {
  if (step === 'packages (-p)') return { kind: 'packages', packages: inputs.flags['-p'] ?? '' };
  const elements: Record<string, Record<string, string>> = {};
  for (const e of inputs.elements) {
    const files = Object.fromEntries(Object.entries(e.files).filter(([f]) => f === step || f.startsWith(`${step}/`)));
    if (Object.keys(files).length > 0) elements[e.name] = files;
  }
  return { kind: 'files', elements };
}

/** The chain for one build's key inputs (cache-key.ts): one link per tree step. */
export function checkpointChain(inputs: CacheKeyInputs): ChainLink[] {
  const common = commonInputs(inputs);
  let previous = sha(JSON.stringify(['checkpoint', common.version, common.tool, common.flags, common.elements.map((e) => [e.name, e.hash]), Object.entries(common.env)]));
  return TREE_STEPS.map((step) => {
    const own = stepInputs(inputs, step);
    previous = sha(JSON.stringify([previous, step, own]));
    return { step, key: previous, inputs: own };
  });
}

/** What differs between a checkpoint's own step input and the current one, in words (empty when equal). */
export function describeStepDifferences(was: StepInputs, now: StepInputs): string[] {
  if (was.kind === 'packages' || now.kind === 'packages') {
    const a = was.kind === 'packages' ? was.packages : '';
    const b = now.kind === 'packages' ? now.packages : '';
    return a === b ? [] : [`flag -p: ${JSON.stringify(a)} → ${JSON.stringify(b)}`];
  }
  const out: string[] = [];
  for (const name of new Set([...Object.keys(was.elements), ...Object.keys(now.elements)])) {
    const a = was.elements[name] ?? {};
    const b = now.elements[name] ?? {};
    for (const f of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (a[f] === b[f]) continue;
      out.push(`element ${name}: ${f} ${a[f] === undefined ? 'added' : b[f] === undefined ? 'removed' : 'changed'}`);
    }
  }
  return out;
}
