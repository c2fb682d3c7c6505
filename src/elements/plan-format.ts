/**
 * How a plan is shown: `planToJson` gives the stable `tsdib plan --json` object, `formatPlan` the
 * readable text. Both list all ten phases, empty ones included.
 */
import type { BlockDeviceConfigSource } from '../blockdevice/config-source.js';
import { describeSkipped, type EnvironmentFile, type Hook, type SkippedHook } from './hooks.js';
import { PHASE_CONTRACT, PHASES, type Phase } from './phases.js';
import type { Plan } from './plan.js';
import type { PlanOutput } from './plan-outputs.js';

export interface PlanJson {
  arch: string;
  imageName: string;
  requested: string[];
  searchPath: string[];
  elements: Array<{ name: string; path: string }>;
  providedBy: Record<string, string>;
  phases: Record<Phase, Array<Omit<Hook, 'phase'>>>;
  skipped: SkippedHook[];
  environment: EnvironmentFile[];
  blockDeviceConfig: Omit<BlockDeviceConfigSource, 'text' | 'warnings'>;
  outputs: PlanOutput[];
  warnings: string[];
}

export function planToJson(plan: Plan): PlanJson {
  const phases = Object.fromEntries(
    PHASES.map((p) => [p, plan.hooks.phases[p].map((h) => ({ element: h.element, script: h.script, path: h.path, inChroot: h.inChroot }))]),
  ) as PlanJson['phases'];
  const { kind, description, file, element } = plan.blockDeviceConfig;
  return {
    arch: plan.arch,
    imageName: plan.imageName,
    requested: plan.requested,
    searchPath: plan.searchPath,
    elements: plan.elements.map((e) => ({ name: e.name, path: e.path })),
    providedBy: plan.providedBy,
    phases,
    skipped: plan.hooks.skipped,
    environment: plan.hooks.environment,
    blockDeviceConfig: { kind, description, ...(file ? { file } : {}), ...(element ? { element } : {}) },
    outputs: plan.outputs,
    warnings: plan.warnings,
  };
}

function table(rows: ReadonlyArray<readonly string[]>, indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`Plan for image '${plan.imageName}' (${plan.arch})`, '');
  out.push(`Requested: ${plan.requested.join(' ')}`);
  const virtual = Object.entries(plan.providedBy).map(([v, e]) => `${v} (by ${e})`);
  if (virtual.length) out.push(`Provided: ${virtual.join(', ')}`);
  out.push('', `Elements (${plan.elements.length}, in resolution order):`);
  out.push(...table(plan.elements.map((e) => [e.name, e.path])));
  out.push('', `Environment (environment.d, sourced before every phase, in this order):`);
  out.push(...(plan.hooks.environment.length ? table(plan.hooks.environment.map((f) => [f.file, f.element])) : ['  (none)']));
  out.push('', 'Phases:');
  for (const phase of PHASES) {
    const hooks = plan.hooks.phases[phase];
    out.push(`  ${phase} (${PHASE_CONTRACT[phase].inChroot ? 'in chroot' : 'outside chroot'}): ${hooks.length ? '' : 'no hooks'}`.trimEnd());
    out.push(...table(hooks.map((h) => [h.script, h.element]), '    '));
  }
  if (plan.hooks.skipped.length) {
    out.push('', 'Skipped files:');
    out.push(...plan.hooks.skipped.map((s) => `  ${describeSkipped(s)}`));
  }
  out.push('', `Block-device config: ${plan.blockDeviceConfig.description}`);
  if (plan.blockDeviceConfig.file) out.push(`  file: ${plan.blockDeviceConfig.file}`);
  out.push('', 'Outputs:');
  for (const o of plan.outputs) {
    const what = o.file ?? `docker image ${o.dockerTarget}`;
    out.push(`  ${o.type.padEnd(8)} ${what}${o.checksums.length ? ` (+ ${o.checksums.join(', ')})` : ''}`);
  }
  if (plan.warnings.length) {
    out.push('', `Warnings (${plan.warnings.length}):`);
    out.push(...plan.warnings.map((w) => `  ${w}`));
  }
  return `${out.join('\n')}\n`;
}
