import type { Argv } from 'yargs';
import type { BuildOptions } from '../pipeline/options.js';
import { addBuildOptions, toBuildOptions } from './build-options.js';

/** What `tsdib plan --json` prints for these options (docs/cli.md's example is made by this too). */
export async function planJson(opts: BuildOptions, env: Readonly<Record<string, string | undefined>>): Promise<object> {
  const { planToJson } = await import('../elements/plan-format.js');
  const { plan, planKey, phaseCache } = await planWithKeys(opts, env);
  return { ...planToJson(plan), planKey, phaseCache };
}

/** The plan, and the keys the build would use: a rootless build's own (offline assembly, its own tree). */
async function planWithKeys(given: BuildOptions, env: Readonly<Record<string, string | undefined>>) {
  const { makePlan } = await import('../elements/plan.js');
  const { planPhaseCache } = await import('../pipeline/cache/cache-plan.js');
  const { computePlanKey } = await import('../pipeline/plan-key.js');
  const { asBuiltOptions } = await import('../host/userns/rootless-build.js');
  const opts = asBuiltOptions(given, process.getuid?.(), env);
  const plan = await makePlan({ ...opts, env });
  return { plan, planKey: await computePlanKey(opts, plan, env), phaseCache: await planPhaseCache(opts, plan, env) };
}

/** `tsdib plan [--json] [build flags] ELEMENT...`: what a build would do, without doing it. */
export function planCommand(cli: Argv): Argv {
  return cli.command(
    'plan [elements..]',
    'show the expanded elements, hooks per phase, block-device config source and outputs of a build',
    (y) =>
      addBuildOptions(
        y
          .positional('elements', { type: 'string', array: true, describe: 'elements to build (as for a build)' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead of text' }),
      ),
    async (argv) => {
      const opts = await toBuildOptions(argv);
      if (argv.json) {
        process.stdout.write(`${JSON.stringify(await planJson(opts, process.env), null, 2)}\n`);
        return;
      }
      const { formatPlan } = await import('../elements/plan-format.js');
      const { formatPhaseCachePlan } = await import('../pipeline/cache/cache-plan.js');
      const { plan, planKey, phaseCache } = await planWithKeys(opts, process.env);
      process.stdout.write(`${formatPlan(plan)}\n${formatPhaseCachePlan(phaseCache)}Plan key: ${planKey}\n`);
    },
  );
}
