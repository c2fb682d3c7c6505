import type { Argv } from 'yargs';
import type { ReleaseStack } from '../host/release-stack.js';

/** Runs `fn` with a release stack that is released afterwards, also on SIGINT/SIGTERM. */
async function withRelease<T>(fn: (release: ReleaseStack) => Promise<T>): Promise<T> {
  const { ReleaseStack } = await import('../host/release-stack.js');
  const { handleSignals } = await import('../host/signals.js');
  const release = new ReleaseStack();
  let interrupt: (e: Error) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  const removeHandlers = handleSignals((e) => interrupt(e));
  try {
    return await Promise.race([fn(release), interrupted]);
  } finally {
    removeHandlers();
    await release.releaseAll();
  }
}

/** `tsdib fleet plan|run|status`: many images from one fleet file (docs/fleet.md). */
export function fleetCommand(cli: Argv): Argv {
  return cli.command('fleet <command>', 'build many images from a fleet file on workers fed by Redis (docs/fleet.md)', (y) =>
    y
      .command(
        'plan <file>',
        "list the fleet's jobs, their plan keys and which are already in the registry",
        (c) =>
          c
            .positional('file', { type: 'string', describe: 'the fleet file (fleet.yaml)' })
            .option('json', { type: 'boolean', default: false, describe: 'print a CI matrix ({"include": [...]}) instead of text' })
            .option('offline', { type: 'boolean', default: false, describe: 'do not ask the registry which jobs are built' }),
        async (argv) => {
          const { loadFleet } = await import('../fleet/load-fleet.js');
          const { planFleet, fleetPlanJson, formatFleetPlan } = await import('../fleet/fleet-plan.js');
          const fleet = await loadFleet(String(argv.file));
          const jobs = await planFleet(fleet, process.env, !argv.offline);
          process.stdout.write(argv.json ? `${JSON.stringify(fleetPlanJson(fleet, jobs), null, 2)}\n` : formatFleetPlan(jobs));
        },
      )
      .command(
        'run <file>',
        'queue the jobs not yet in the registry and follow them to the end (exit 1 if any failed)',
        (c) =>
          c
            .positional('file', { type: 'string', describe: 'the fleet file (fleet.yaml)' })
            .option('redis', { type: 'string', nargs: 1, demandOption: true, describe: 'Redis URL, e.g. redis://127.0.0.1:6379' }),
        async (argv) => {
          const { redisConnection } = await import('../fleet/fleet-queue.js');
          redisConnection(String(argv.redis));
          const { runFleet, formatSummary } = await import('../fleet/fleet-run.js');
          const summary = await withRelease((release) => runFleet(String(argv.file), String(argv.redis), release, (l) => process.stdout.write(`${l}\n`)));
          process.stdout.write(formatSummary(summary));
          process.exitCode = summary.failed > 0 ? 1 : 0;
        },
      )
      .command(
        'status',
        "the queue's counts, its workers and recent jobs",
        (c) => c.option('redis', { type: 'string', nargs: 1, demandOption: true, describe: 'Redis URL, e.g. redis://127.0.0.1:6379' }),
        async (argv) => {
          const { redisConnection } = await import('../fleet/fleet-queue.js');
          redisConnection(String(argv.redis));
          const { fleetStatus } = await import('../fleet/fleet-run.js');
          process.stdout.write(await withRelease((release) => fleetStatus(String(argv.redis), release)));
        },
      )
      .demandCommand(1, 'name a fleet command: plan, run or status'),
  );
}
