import type { Argv } from 'yargs';

/** `tsdib worker --redis URL`: build fleet jobs from the queue (docs/fleet.md). */
export function workerCommand(cli: Argv): Argv {
  return cli.command(
    'worker',
    'take fleet jobs from Redis, build and push them; cleans up its own leftovers on start',
    (y) =>
      y
        .option('redis', { type: 'string', nargs: 1, demandOption: true, describe: 'Redis URL, e.g. redis://127.0.0.1:6379' })
        .option('concurrency', { type: 'number', nargs: 1, default: 1, describe: 'builds at once on this machine' })
        .option('work-dir', { type: 'string', nargs: 1, default: '/var/tmp/tsdib-worker', describe: "the worker's own directory: its builds' TMP_DIR and outputs until pushed" })
        .option('name', { type: 'string', nargs: 1, describe: "the worker's name in progress and results (default HOST:PID)" })
        .option('lock-seconds', { type: 'number', nargs: 1, default: 15, describe: "how long a job's lock lasts unrenewed: a killed worker's job returns to the queue after this (give every worker of a queue the same)" }),
    async (argv) => {
      const { flagInvalid } = await import('../errors.js');
      const concurrency = Number(argv.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw flagInvalid(`--concurrency ${String(argv.concurrency)}: expected a whole number ≥ 1`);
      const lockSeconds = Number(argv['lock-seconds']);
      if (!Number.isFinite(lockSeconds) || lockSeconds < 2 || lockSeconds > 3600) throw flagInvalid(`--lock-seconds ${String(argv['lock-seconds'])}: expected seconds from 2 to 3600`);
      const { redisConnection } = await import('../fleet/fleet-queue.js');
      redisConnection(String(argv.redis));
      const { runWorker } = await import('../fleet/worker.js');
      await runWorker({ redis: String(argv.redis), concurrency, workDir: String(argv['work-dir']), lockSeconds, ...(argv.name ? { name: String(argv.name) } : {}) });
    },
  );
}
