/**
 * The fleet's queue in BullMQ on Redis: its name, what a job carries, how it is retried, and the
 * Redis connection (registered for release by whoever opens it). BullMQ does the engine's work —
 * atomic hand-out to workers, retries with backoff, returning a stalled job (its worker's lock
 * expired) to the queue; tsdib only describes jobs and runs builds.
 */
import type { ConnectionOptions, JobsOptions } from 'bullmq';
import { flagInvalid } from '../errors.js';
import type { PlannedJob } from './fleet-plan.js';

export const QUEUE_NAME = 'tsdib-fleet';

/** What a queued job carries: everything a worker needs, nothing of the machine that queued it. */
export interface FleetJobData {
  name: string;
  elements: string[];
  env: Record<string, string>;
  formats: string[];
  base: boolean;
  key: string;
  ref: string;
}

/** What a finished job returns. */
export interface FleetJobResult {
  ref: string;
  digest: string;
  /** The plan key the build computed (equal to the job's key unless the worker differs). */
  builtKey?: string;
  seconds: number;
  worker: string;
}

/** Progress a worker reports: the build's current top-level step. */
export interface FleetJobProgress {
  step: string;
  worker: string;
}

/** Builds retried on failure (not for a failed hook or bad input: those are final), with exponential backoff. */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * How soon a killed worker's job goes back to the queue: its lock (renewed every half of the lock
 * time while the worker lives) expires, and a stall check (every third of it) moves the job back.
 * `tsdib worker --lock-seconds` sets it; every worker of a queue should use the same value.
 */
export const DEFAULT_LOCK_SECONDS = 15;

/** BullMQ's lock duration and stall-check interval for a lock of `seconds`. */
export function lockTimes(seconds: number): { lockDuration: number; stalledInterval: number } {
  const lockDuration = Math.round(seconds * 1000);
  return { lockDuration, stalledInterval: Math.max(500, Math.round(lockDuration / 3)) };
}

/** The job id: the plan key and name, so queuing the same job twice while it waits is a no-op. */
export function jobId(job: Pick<PlannedJob, 'name' | 'key'>): string {
  return `${job.name}-${job.key.slice(0, 32)}`;
}

/** redis://[:PASSWORD@]HOST[:PORT][/DB] → BullMQ's connection options; a bad URL is FLAG_INVALID. */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw flagInvalid({ flag: '--redis', value: url, problem: 'not a URL', hint: 'e.g. --redis redis://127.0.0.1:6379' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw flagInvalid({ flag: '--redis', value: url, expected: 'redis:// or rediss://' });
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw flagInvalid({ flag: '--redis', value: url, problem: 'the path must be a database number' });
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis: never give up a command, and fail fast at start if Redis is absent
    maxRetriesPerRequest: null,
  };
}
