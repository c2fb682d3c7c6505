/**
 * `tsdib fleet run`: plans the fleet, queues only the jobs whose key is not in the registry, then
 * follows them to the end — a line whenever a job changes state or step, then a summary table.
 * Fails (exit 1) when any job failed. `tsdib fleet status`: the queue's counts and recent jobs.
 */
import type { Job, Queue } from 'bullmq';
import type { ReleaseStack } from '../host/release-stack.js';
import { log } from '../log.js';
import { loadFleet } from './load-fleet.js';
import { planFleet, type PlannedJob } from './fleet-plan.js';
import { JOB_OPTIONS, jobId, QUEUE_NAME, redisConnection, type FleetJobData, type FleetJobProgress, type FleetJobResult } from './fleet-queue.js';

export interface FleetRunSummary {
  queued: number;
  skipped: number;
  rows: Array<{ name: string; state: string; worker: string; seconds: string; detail: string }>;
  failed: number;
}

type FleetJob = Job<FleetJobData, FleetJobResult>;

async function openQueue(redis: string, release: ReleaseStack): Promise<Queue<FleetJobData, FleetJobResult>> {
  const { Queue } = await import('bullmq');
  const queue = new Queue<FleetJobData, FleetJobResult>(QUEUE_NAME, { connection: redisConnection(redis) });
  release.push('close the queue connection', { kind: 'other', description: 'BullMQ queue' }, () => queue.close());
  await queue.waitUntilReady();
  return queue;
}

/** Queues a job; an old finished job under the same id (its artifact since removed) is replaced. */
async function enqueue(queue: Queue<FleetJobData, FleetJobResult>, job: PlannedJob): Promise<void> {
  const id = jobId(job);
  const old = await queue.getJob(id);
  if (old && ((await old.isCompleted()) || (await old.isFailed()))) await old.remove();
  const data: FleetJobData = { name: job.name, elements: job.elements, env: job.env, formats: job.formats, base: job.base, key: job.key, ref: job.ref };
  await queue.add(job.name, data, { ...JOB_OPTIONS, jobId: id });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFleet(file: string, redis: string, release: ReleaseStack, write: (line: string) => void): Promise<FleetRunSummary> {
  const fleet = await loadFleet(file);
  const queue = await openQueue(redis, release);
  const planned = await planFleet(fleet, process.env);
  const todo = planned.filter((j) => !j.built);
  for (const j of planned.filter((p) => p.built)) write(`${j.name}: already in the registry (${j.ref})`);
  for (const j of todo) await enqueue(queue, j);
  write(`${planned.length} jobs, ${todo.length} queued, ${planned.length - todo.length} already built`);
  const seen = new Map<string, string>();
  const finished = new Map<string, FleetJob>();
  const states = new Map<string, 'completed' | 'failed'>();
  while (finished.size < todo.length) {
    for (const j of todo) {
      if (finished.has(j.name)) continue;
      const job = (await queue.getJob(jobId(j))) as FleetJob | undefined;
      if (!job) continue;
      const state = await job.getState();
      const progress = job.progress as Partial<FleetJobProgress> | number;
      const where = typeof progress === 'object' && progress.step ? ` ${progress.step} on ${progress.worker}` : '';
      const line = `${j.name}: ${state}${state === 'active' ? where : ''}${state === 'delayed' ? ` (retry ${job.attemptsMade + 1} after: ${job.failedReason})` : ''}`;
      if (seen.get(j.name) !== line) {
        seen.set(j.name, line);
        write(line);
      }
      if (state === 'completed' || state === 'failed') {
        // `job` was read before its state: it may predate the end (no returnvalue or failedReason
        // yet). Read it again now that it is finished and can no longer change.
        const final = (await queue.getJob(jobId(j))) as FleetJob | undefined;
        finished.set(j.name, final ?? job);
        states.set(j.name, state);
      }
    }
    if (finished.size < todo.length) await sleep(1000);
  }
  const rows: FleetRunSummary['rows'] = planned.map((j) => {
    const job = finished.get(j.name);
    if (!job) return { name: j.name, state: 'built before', worker: '', seconds: '', detail: j.ref };
    // a job that failed an attempt and then succeeded keeps that attempt's failedReason: its state decides
    const ok = states.get(j.name) === 'completed' && job.returnvalue;
    return ok
      ? { name: j.name, state: 'built', worker: job.returnvalue.worker, seconds: job.returnvalue.seconds.toFixed(1), detail: `${j.ref}@${job.returnvalue.digest}` }
      : { name: j.name, state: 'FAILED', worker: '', seconds: '', detail: `${job.failedReason ?? 'failed'} (${job.attemptsMade} attempt(s))` };
  });
  return { queued: todo.length, skipped: planned.length - todo.length, rows, failed: rows.filter((r) => r.state === 'FAILED').length };
}

export function formatSummary(s: FleetRunSummary): string {
  const cols = ['name', 'state', 'worker', 'seconds'] as const;
  const widths = cols.map((c) => Math.max(c.length, ...s.rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(['job', 'state', 'worker', 'seconds']).concat('  result'), ...s.rows.map((r) => line(cols.map((c) => r[c])).concat(`  ${r.detail}`))].join('\n') + '\n';
}

export async function fleetStatus(redis: string, release: ReleaseStack): Promise<string> {
  const queue = await openQueue(redis, release);
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  const workers = await queue.getWorkers();
  const jobs = (await queue.getJobs(['active', 'waiting', 'delayed', 'failed', 'completed'], 0, 50)) as FleetJob[];
  const lines = [`queue ${QUEUE_NAME}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}; ${workers.length} worker connection(s)`];
  for (const job of jobs) {
    const state = await job.getState();
    const progress = job.progress as Partial<FleetJobProgress> | number;
    const detail = state === 'failed' ? job.failedReason : state === 'completed' ? `${job.returnvalue?.ref} (${job.returnvalue?.worker})` : typeof progress === 'object' ? (progress.step ?? '') : '';
    lines.push(`  ${job.data.name.padEnd(24)} ${state.padEnd(10)} ${detail ?? ''}`);
  }
  log.debug(`fleet status: ${jobs.length} jobs listed`);
  return `${lines.join('\n')}\n`;
}
