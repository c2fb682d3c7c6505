import type { Argv } from 'yargs';
import { COMMAND_NUMBER_RULES, numberFlag } from './flag-values.js';

/** `tsdib worker --redis URL`: build fleet jobs from the queue (docs/fleet.md). */
export function workerCommand(cli: Argv): Argv {
  return cli.command(
    'worker',
    'take fleet jobs from Redis, build and push them; cleans up its own leftovers on start',
    (y) =>
      y
        .option('redis', { type: 'string', nargs: 1, demandOption: true, describe: 'Redis URL, e.g. redis://127.0.0.1:6379' })
        .option('concurrency', { type: 'string', nargs: 1, default: '1', describe: 'builds at once on this machine' })
        .option('work-dir', { type: 'string', nargs: 1, default: '/var/tmp/tsdib-worker', describe: "the worker's own directory: its builds' TMP_DIR and outputs until pushed" })
        .option('name', { type: 'string', nargs: 1, describe: "the worker's name in progress and results (default HOST:PID)" })
        .option('lock-seconds', { type: 'string', nargs: 1, default: '15', describe: "how long a job's lock lasts unrenewed: a killed worker's job returns to the queue after this (give every worker of a queue the same)" }),
    async (argv) => {
      const concurrency = numberFlag(argv, 'concurrency', '--concurrency', COMMAND_NUMBER_RULES.concurrency) ?? 1;
      const lockSeconds = numberFlag(argv, 'lock-seconds', '--lock-seconds', COMMAND_NUMBER_RULES.lockSeconds) ?? 15;
      const { redisConnection } = await import('../fleet/fleet-queue.js');
      redisConnection(String(argv.redis));
      const { runWorker } = await import('../fleet/worker.js');
      await runWorker({ redis: String(argv.redis), concurrency, workDir: String(argv['work-dir']), lockSeconds, ...(argv.name ? { name: String(argv.name) } : {}) });
    },
  );
}
