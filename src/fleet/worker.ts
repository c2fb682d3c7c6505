/**
 * `tsdib worker`: takes fleet jobs from Redis and builds them, `concurrency` at a time. On start
 * it first clears what an earlier run of itself left in its work directory (builds stopped by the
 * death signal are waited for; abandoned workspaces go through `tsdib cleanup`). A failed hook or
 * bad input fails the job for good (retrying cannot help); any other failure is retried with
 * backoff (fleet-queue.ts). SIGINT/SIGTERM stop taking jobs, stop running builds (they release
 * their resources) and close the Redis connections.
 */
import { hostname } from 'node:os';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cleanupWorkspace, findAbandonedWorkspaces } from '../host/cleanup-workspace.js';
import { ReleaseStack } from '../host/release-stack.js';
import { handleSignals } from '../host/signals.js';
import { processAlive } from '../host/processes.js';
import { readState, STATE_FILE_NAME } from '../host/state-file.js';
import { log } from '../log.js';
import { DEFAULT_LOCK_SECONDS, lockTimes, QUEUE_NAME, redisConnection, type FleetJobData, type FleetJobProgress, type FleetJobResult } from './fleet-queue.js';
import { runJobBuild } from './run-job-build.js';

export interface WorkerOptions {
  redis: string;
  concurrency: number;
  /** The worker's own directory: builds' TMP_DIR (tmp/) and outputs until pushed (out/). */
  workDir: string;
  /** The worker's name in progress and results (default: host name and pid). */
  name?: string;
  /** How long a job's lock lasts unrenewed: a killed worker's job returns to the queue after it (default 15). */
  lockSeconds?: number;
}

/** Failures a retry cannot mend: the build's own verdict on its input or its hooks. */
const FINAL_CODES: ReadonlySet<string> = new Set(['HOOK_FAILED', 'CONFIG_INVALID', 'ELEMENT_NOT_FOUND', 'ELEMENT_INVALID', 'ENV_INVALID', 'FLAG_INVALID', 'NO_OPERATING_SYSTEM']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for builds still releasing under `tmp` (stopped by their death signal), then cleans up the abandoned ones. */
export async function sweepLeftovers(tmp: string, waitMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const live: number[] = [];
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      try {
        const pid = readState(join(tmp, name, STATE_FILE_NAME)).pid;
        if (processAlive(pid)) live.push(pid);
      } catch {
        // no state file: not a workspace, or one the sweep below handles
      }
    }
    if (live.length === 0 || Date.now() > deadline) break;
    log.info(`waiting for ${live.length} stopped build(s) to release (pid ${live.join(', ')})`);
    await sleep(1000);
  }
  const cleaned: string[] = [];
  for (const w of await findAbandonedWorkspaces(tmp)) {
    const report = await cleanupWorkspace(w, { force: true });
    for (const r of report.released) log.info(`cleanup ${w}: released ${r}`);
    cleaned.push(w);
  }
  return cleaned;
}

export async function runWorker(opts: WorkerOptions): Promise<void> {
  const connection = redisConnection(opts.redis);
  const workDir = resolve(opts.workDir);
  const dirs = { tmp: join(workDir, 'tmp'), out: join(workDir, 'out') };
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  await mkdir(dirs.tmp, { recursive: true });
  const cleaned = await sweepLeftovers(dirs.tmp);
  await rm(dirs.out, { recursive: true, force: true });
  await mkdir(dirs.out, { recursive: true });
  log.info(`worker ${name}: ${cleaned.length} leftover workspace(s) cleaned, taking jobs from ${opts.redis} (concurrency ${opts.concurrency})`);

  const { Worker, UnrecoverableError } = await import('bullmq');
  const release = new ReleaseStack();
  const worker = new Worker<FleetJobData, FleetJobResult>(
    QUEUE_NAME,
    async (job) => {
      log.info(`job ${job.id} ${job.data.name}: building (attempt ${job.attemptsMade + 1})`);
      const outcome = await runJobBuild(job.data, dirs, release, (step) => {
        void job.updateProgress({ step, worker: name } satisfies FleetJobProgress).catch(() => undefined);
      });
      if (!outcome.ok) {
        const e = outcome.error!;
        const message = `${e.code}: ${e.message}`;
        log.warn([`job ${job.id} ${job.data.name}: ${message}`, ...e.logTail.map((l) => `  | ${l}`)].join('\n'));
        throw FINAL_CODES.has(e.code) || e.exitCode === 2 ? new UnrecoverableError(message) : new Error(message);
      }
      if (outcome.builtKey && outcome.builtKey !== job.data.key) log.warn(`job ${job.data.name}: the build's plan key ${outcome.builtKey} differs from the queued ${job.data.key} (another tsdib or environment on this worker)`);
      log.info(`job ${job.id} ${job.data.name}: pushed ${job.data.ref} in ${outcome.seconds.toFixed(1)} s`);
      return { ref: job.data.ref, digest: outcome.digest ?? '', ...(outcome.builtKey ? { builtKey: outcome.builtKey } : {}), seconds: outcome.seconds, worker: name };
    },
    { connection, concurrency: opts.concurrency, ...lockTimes(opts.lockSeconds ?? DEFAULT_LOCK_SECONDS), maxStalledCount: 2, name },
  );
  release.push('close the worker and its Redis connections', { kind: 'other', description: 'BullMQ worker' }, () => worker.close(true));
  worker.on('error', (e) => log.warn(`worker: ${e.message}`));

  await new Promise<void>((resolveStop) => {
    const removeHandlers = handleSignals(() => resolveStop());
    worker.on('closed', () => {
      removeHandlers();
      resolveStop();
    });
  });
  await release.releaseAll();
}
