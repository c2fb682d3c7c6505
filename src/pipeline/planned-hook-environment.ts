/**
 * The variables hooks would see, as the build's `workspace` step makes them (prepare.ts), for the
 * keys computed before a workspace exists (`tsdib plan`, the plan step). The workspace paths are
 * placeholders; no key holds them.
 */
import type { BuildOptions } from './options.js';
import type { Plan } from '../elements/plan.js';
import { hookEnvironment } from './hook-environment.js';

/** The variables hooks would see, as the build's workspace step computes them, with placeholder workspace paths. */
export function plannedHookEnvironment(opts: BuildOptions, plan: Plan, hostEnv: Readonly<Record<string, string | undefined>>, imageCache: string): Record<string, string> {
  const ws = '/nonexistent/tsdib-plan';
  const workspace = { dir: ws, mountPath: `${ws}/mnt`, hooksPath: `${ws}/hooks`, imageDir: `${ws}/image` };
  // DIB_ARGS and DIB_ENV (the command line) are not keyed: the plan's own argv does not matter
  return hookEnvironment({ opts, plan, hostEnv, workspace, imageCache, argv: [] });
}
