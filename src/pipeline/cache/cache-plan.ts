/**
 * What `tsdib plan` says about the phase cache: whether the build would restore a snapshot, and if
 * not, which inputs differ from the newest entry. The hooks' environment is rebuilt as the build's
 * `workspace` step makes it (prepare.ts); the workspace paths it lacks are not in the key.
 */
import type { BuildOptions } from '../options.js';
import type { Plan } from '../../elements/plan.js';
import { cacheKey, cacheKeyInputs } from './cache-key.js';
import { imageCacheDir, phaseCacheDir } from './cache-store.js';
import { cacheGroup, decide, phaseCacheDisabled } from './phase-cache.js';
import { staleBaseReasons } from './base-inputs.js';
import { decideCheckpoint, stepRuns } from './checkpoints.js';
import { TREE_STEPS, type TreeStep } from './checkpoint-key.js';
import { plannedHookEnvironment } from '../planned-hook-environment.js';
import { buildsRootless } from '../../host/userns/rootless-build.js';

export interface PhaseCachePlan {
  dir: string;
  status: 'reuse' | 'build' | 'off';
  key?: string;
  /** The entry a `build` status's reasons compare with. */
  comparedWith?: string;
  reasons: string[];
  /** On a miss: per tree step, whether its checkpoint is reused, the step runs, or it has nothing to run. */
  checkpoints?: Array<{ step: TreeStep; status: 'reuse' | 'run' | 'nothing to run'; key: string }>;
  /** The first step that runs, and why no checkpoint of it matches. */
  checkpointMiss?: { step: TreeStep; reasons: string[]; comparedWith?: string };
}

export async function planPhaseCache(opts: BuildOptions, plan: Plan, hostEnv: Readonly<Record<string, string | undefined>>): Promise<PhaseCachePlan> {
  const imageCache = imageCacheDir(opts.imageCache, hostEnv);
  const dir = phaseCacheDir(imageCache);
  const off = phaseCacheDisabled(opts, hostEnv);
  if (off) return { dir, status: 'off', reasons: [off] };
  const env = plannedHookEnvironment(opts, plan, hostEnv, imageCache);
  const inputs = await cacheKeyInputs({ elements: plan.elements, env, packages: opts.packages, skipBase: opts.skipBase, clearEnv: opts.clearEnv, rootless: buildsRootless(process.getuid?.(), hostEnv) });
  const key = cacheKey(inputs);
  const d = await decide(dir, key, inputs, cacheGroup(opts).group);
  if (d.entry) return { dir, status: 'reuse', key, reasons: [`entry ${key} matches (made ${d.entry.manifest.created})`] };
  const c = await decideCheckpoint(dir, inputs, { plan, opts }, cacheGroup(opts).group, staleBaseReasons);
  const restoredAt = c.restoredStep ? TREE_STEPS.indexOf(c.restoredStep) : -1;
  const checkpoints = c.chain.map((l, i) => ({ step: l.step, status: !stepRuns({ plan, opts }, l.step) ? ('nothing to run' as const) : i <= restoredAt ? ('reuse' as const) : ('run' as const), key: l.key }));
  return { dir, status: 'build', key, reasons: d.reasons, ...(d.comparedWith ? { comparedWith: d.comparedWith } : {}), checkpoints, ...(c.miss ? { checkpointMiss: c.miss } : {}) };
}

/** Lines for the text plan. */
export function formatPhaseCachePlan(p: PhaseCachePlan): string {
  const head =
    p.status === 'reuse'
      ? 'Phase cache: root.d … post-root.d will be reused from a snapshot'
      : p.status === 'off'
        ? `Phase cache: off (${p.reasons.join(', ')})`
        : 'Phase cache: root.d … post-root.d will run (then a snapshot is saved)';
  const lines = [head, `  dir: ${p.dir}`];
  if (p.key) lines.push(`  key: ${p.key}`);
  if (p.comparedWith) lines.push(`  compared with ${p.comparedWith}:`);
  if (p.status !== 'off') for (const r of p.reasons) lines.push(`  ${p.status === 'reuse' ? '' : 'why not: '}${r}`);
  if (p.checkpoints) {
    lines.push('Checkpoints (per tree step):');
    const width = Math.max(...p.checkpoints.map((c) => c.step.length));
    for (const c of p.checkpoints) {
      const why = p.checkpointMiss?.step === c.step ? `: ${p.checkpointMiss.reasons.join('; ')}${p.checkpointMiss.comparedWith ? ` (compared with ${p.checkpointMiss.comparedWith})` : ''}` : '';
      const what = c.status === 'reuse' ? `reused from checkpoint ${c.key.slice(0, 12)}` : c.status === 'run' ? `runs${why}` : 'nothing to run';
      lines.push(`  ${c.step.padEnd(width)}  ${what}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
