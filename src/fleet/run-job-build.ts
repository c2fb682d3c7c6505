/**
 * One fleet job on a worker: `tsdib ELEMENTS -t FORMATS -o OUT --push REF --json-events FILE` as a
 * child process under `setpriv --pdeathsig TERM`, so that a worker killed outright (SIGKILL, OOM)
 * still stops its build, which then releases what it holds as on any SIGTERM. The build's
 * workspace goes under the worker's own TMP_DIR, where the worker's start-up sweep finds what a
 * crash left. Progress is the build's current top-level step, read from its events file.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runResult } from '../host/exec.js';
import type { ReleaseStack } from '../host/release-stack.js';
import { buildFailure } from './build-failure.js';
import { jobEnvironment } from './fleet-plan.js';
import type { FleetJobData } from './fleet-queue.js';

/** The tsdib this worker runs (dist/cli/main.js beside this module's folder). */
const TSDIB_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** Lines of a failed build's log the worker prints (the hook output before the failure). */
const LOG_TAIL_LINES = 20;

export interface JobBuildOutcome {
  ok: boolean;
  /** The manifest digest pushed. */
  digest?: string;
  /** The plan key the build computed. */
  builtKey?: string;
  /** The build's error (code and message; BUILD_CRASHED without an error event) when it failed, and the last lines of its log (hook output) and, after a crash, of its stderr. */
  error?: { code: string; message: string; exitCode: number; logTail: string[] };
  seconds: number;
}

interface EventLine {
  type: string;
  name?: string;
  depth?: number;
  code?: string;
  message?: string;
  exitCode?: number;
}

async function readEvents(file: string): Promise<EventLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EventLine];
      } catch {
        return []; // a line still being written
      }
    });
}

export async function runJobBuild(job: FleetJobData, dirs: { tmp: string; out: string }, release: ReleaseStack, onStep: (step: string) => void): Promise<JobBuildOutcome> {
  const out = join(dirs.out, job.name);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const removeOut = release.push(`remove ${out}`, { kind: 'dir', path: out }, () => rm(out, { recursive: true, force: true }));
  const events = join(out, 'events.jsonl');
  const env = { ...jobEnvironment(job, process.env), TMP_DIR: dirs.tmp };
  let lastStep = '';
  const poll = setInterval(() => {
    void readEvents(events).then((lines) => {
      const step = lines.filter((e) => e.type === 'step-start' && e.depth === 0).at(-1)?.name;
      if (step && step !== lastStep) {
        lastStep = step;
        onStep(step);
      }
    });
  }, 1000);
  const t0 = performance.now();
  try {
    // prettier-ignore
    const r = await runResult('setpriv', [
      '--pdeathsig', 'TERM', '--',
      process.execPath, TSDIB_MAIN, ...(job.base ? [] : ['-n']), ...job.elements,
      '-t', job.formats.join(','),
      '-o', join(out, job.name),
      '--push', job.ref,
      '--json-events', events,
      '--logfile', join(out, 'build.log'),
    ], { env, extendEnv: false, okExitCodes: [0, 1, 2, 130, 143], step: `fleet job ${job.name}` });
    const lines = await readEvents(events);
    const seconds = (performance.now() - t0) / 1000;
    const error = lines.find((e) => e.type === 'error');
    if (r.exitCode !== 0 || error) {
      // the build's log goes with its output directory: keep what explains the failure; a crash's
      // stack is on stderr only
      const logTail = (await readFile(join(out, 'build.log'), 'utf8').catch(() => '')).trimEnd().split('\n').slice(-LOG_TAIL_LINES);
      const stack = error ? [] : r.stderr.trimEnd().split('\n').slice(-LOG_TAIL_LINES);
      return { ok: false, seconds, error: { ...buildFailure(r.exitCode, error, r.stderr), logTail: [...logTail, ...stack] } };
    }
    const manifest = JSON.parse(await readFile(join(out, `${job.name}.manifest.json`), 'utf8')) as { planKey?: string };
    // the push step logs `--push REF: manifest DIGEST` (destination-steps.ts)
    const digest = lines.flatMap((e) => (e.type === 'log' && e.message?.startsWith('--push ') ? [/manifest (sha256:[0-9a-f]{64})/.exec(e.message)?.[1]] : [])).find(Boolean);
    return { ok: true, seconds, ...(digest ? { digest } : {}), ...(manifest.planKey ? { builtKey: manifest.planKey } : {}) };
  } finally {
    clearInterval(poll);
    await removeOut.release();
  }
}
