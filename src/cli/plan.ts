import type { Argv } from 'yargs';
import { addBuildOptions, toBuildOptions } from './build-options.js';

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
      const { makePlan } = await import('../elements/plan.js');
      const { formatPlan, planToJson } = await import('../elements/plan-format.js');
      const plan = await makePlan({ ...opts, env: process.env });
      const { formatPhaseCachePlan, planPhaseCache } = await import('../build/cache-plan.js');
      const phaseCache = await planPhaseCache(opts, plan, process.env);
      process.stdout.write(argv.json ? `${JSON.stringify({ ...planToJson(plan), phaseCache }, null, 2)}\n` : `${formatPlan(plan)}\n${formatPhaseCachePlan(phaseCache)}`);
    },
  );
}
