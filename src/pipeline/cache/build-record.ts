/**
 * The record of an unfinished build, for `--resume`: `phase-cache/builds/<group>.json` says which
 * build of an element set ran last (its pid and workspace), the step it had reached, and how it
 * ended (failed, interrupted, or — when its pid is gone and the record still says running —
 * killed). A build that succeeds removes it. The checkpoints and the snapshot are what a resumed
 * build reuses; the record is what lets it say what it resumes, and release what a killed build
 * left in its workspace first.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanupWorkspace } from '../../host/cleanup-workspace.js';
import { processAlive } from '../../host/processes.js';
import { log } from '../../log.js';
import { BUILD_RECORDS_DIR } from './cache-store.js';

export interface BuildRecordData {
  group: string;
  label: string;
  pid: number;
  workspace: string;
  started: string;
  status: 'running' | 'failed' | 'interrupted';
  /** The last step the build started. */
  step: string;
  /** The failure, one line. */
  error?: string;
}

/** A build's own record, kept up to date as it goes. */
export class BuildRecord {
  private data: BuildRecordData;
  private readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(phaseDir: string, data: Omit<BuildRecordData, 'pid' | 'started' | 'status'>) {
    this.path = recordPath(phaseDir, data.group);
    this.data = { ...data, pid: process.pid, started: new Date().toISOString(), status: 'running' };
  }

  /** Writes the record as it is now (serialised; a failure to write is only logged: it must not fail the build). */
  private save(): Promise<void> {
    const data = { ...this.data };
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(join(this.path, '..'), { recursive: true });
        const tmp = `${this.path}.partial.${process.pid}`;
        await writeFile(tmp, `${JSON.stringify(data, null, 1)}\n`);
        await rename(tmp, this.path);
      } catch (e) {
        log.debug(`build record ${this.path} not written: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return this.writing;
  }

  start(): Promise<void> {
    return this.save();
  }

  at(step: string): Promise<void> {
    this.data.step = step;
    return this.save();
  }

  ended(status: 'failed' | 'interrupted', error: string): Promise<void> {
    this.data = { ...this.data, status, error };
    return this.save();
  }

  async finished(): Promise<void> {
    await this.writing;
    await rm(this.path, { force: true });
  }
}

function recordPath(phaseDir: string, group: string): string {
  return join(phaseDir, BUILD_RECORDS_DIR, `${group}.json`);
}

export async function readBuildRecord(phaseDir: string, group: string): Promise<BuildRecordData | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(phaseDir, group), 'utf8')) as BuildRecordData;
  } catch {
    return undefined;
  }
}

/** How the recorded build ended, in words; `killed` when it says running and its process is gone. */
function endOf(r: BuildRecordData): string {
  if (r.status === 'failed') return `failed at ${r.step}${r.error ? ` (${r.error})` : ''}`;
  if (r.status === 'interrupted') return `was interrupted at ${r.step}`;
  return `was killed at ${r.step}`;
}

/**
 * `--resume`: says which build is resumed and releases what a killed one left behind (its
 * workspace's mounts, loop devices and files). A build of the same elements still running is
 * reported and left alone.
 */
export async function prepareResume(phaseDir: string, group: string, label: string): Promise<void> {
  const r = await readBuildRecord(phaseDir, group);
  if (!r) {
    log.warn(`--resume: no unfinished build of ${label} is recorded; building, with whatever checkpoints match`);
    return;
  }
  if (r.status === 'running' && r.pid !== process.pid && processAlive(r.pid)) {
    log.warn(`--resume: a build of ${label} is still running (pid ${r.pid}, started ${r.started}); building beside it`);
    return;
  }
  log.info(`--resume: the build of ${label} started ${r.started} ${endOf(r)}`);
  if (r.status === 'running' && (await stat(r.workspace).catch(() => undefined))) {
    const report = await cleanupWorkspace(r.workspace, { force: false });
    for (const what of report.released) log.info(`--resume: released ${what} (left by the killed build)`);
    for (const f of report.failed) log.warn(`--resume: could not release ${f.what}: ${f.message}`);
  }
}
