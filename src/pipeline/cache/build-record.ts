/**
 * The records of unfinished builds, for `--resume`: `phase-cache/builds/<group>.<pid>-<random>.json`, one per
 * build of an element set, says which build it was (its pid and workspace), the step it had reached,
 * and how it ended (failed, interrupted, or — when its pid is gone and the record still says
 * running — killed). A build that succeeds removes its own record; one per build, so a build of the
 * same elements running beside it never hides or removes it. `--resume` takes the ended records of
 * its element set over: it says which build it resumes, releases what killed ones left in their
 * workspaces, and removes them. The checkpoints and the snapshot are what a resumed build reuses.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cleanupWorkspace } from '../../host/cleanup-workspace.js';
import { processStartTime, sameProcessAlive } from '../../host/processes.js';
import { log } from '../../log.js';
import { BUILD_RECORDS_DIR } from './cache-store.js';

export interface BuildRecordData {
  group: string;
  label: string;
  pid: number;
  /** The process's start time (processes.ts): with the pid it tells the build from a later process given the same pid. */
  pidStart?: string;
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
    // the pid alone is not unique: a new container starts its pids low again
    this.path = join(phaseDir, BUILD_RECORDS_DIR, `${data.group}.${process.pid}-${randomBytes(4).toString('hex')}.json`);
    const pidStart = processStartTime(process.pid);
    this.data = { ...data, pid: process.pid, ...(pidStart ? { pidStart } : {}), started: new Date().toISOString(), status: 'running' };
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

/** The group's records (with the file each is in), oldest start first; a record that cannot be read is skipped. */
export async function readBuildRecords(phaseDir: string, group: string): Promise<Array<BuildRecordData & { path: string }>> {
  const dir = join(phaseDir, BUILD_RECORDS_DIR);
  // <group>.json: the one shared record of builds before per-build records
  const ours = new RegExp(`^${group}(\\.\\d+(-[0-9a-f]+)?)?\\.json$`);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => ours.test(n));
  const records: Array<BuildRecordData & { path: string }> = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      records.push({ ...(JSON.parse(await readFile(path, 'utf8')) as BuildRecordData), path });
    } catch {
      // removed meanwhile, or being replaced: not a build to resume
    }
  }
  return records.sort((a, b) => a.started.localeCompare(b.started));
}

/** How the recorded build ended, in words; `killed` when it says running and its process is gone. */
function endOf(r: BuildRecordData): string {
  if (r.status === 'failed') return `failed at ${r.step}${r.error ? ` (${r.error})` : ''}`;
  if (r.status === 'interrupted') return `was interrupted at ${r.step}`;
  return `was killed at ${r.step}`;
}

/**
 * `--resume`: says which build is resumed (the latest ended one of the element set), releases what
 * killed ones left behind (their workspaces' mounts, loop devices and files), and removes their
 * records. A build of the same elements still running is reported and left alone.
 */
export async function prepareResume(phaseDir: string, group: string, label: string): Promise<void> {
  // read before this build's own record is written: every record is another build's, even one with our pid
  const others = await readBuildRecords(phaseDir, group);
  const running = others.filter((r) => r.status === 'running' && sameProcessAlive(r.pid, r.pidStart));
  for (const r of running) log.warn(`--resume: a build of ${label} is still running (pid ${r.pid}, started ${r.started}); building beside it`);
  const ended = others.filter((r) => !running.includes(r));
  const latest = ended.at(-1);
  if (!latest) {
    if (running.length === 0) log.warn(`--resume: no unfinished build of ${label} is recorded; building, with whatever checkpoints match`);
    return;
  }
  const earlier = ended.length > 1 ? ` (and ${ended.length - 1} earlier unfinished build(s))` : '';
  log.info(`--resume: the build of ${label} started ${latest.started} ${endOf(latest)}${earlier}`);
  for (const r of ended) {
    if (r.status === 'running' && (await stat(r.workspace).catch(() => undefined))) {
      const report = await cleanupWorkspace(r.workspace, { force: false });
      for (const what of report.released) log.info(`--resume: released ${what} (left by the killed build)`);
      for (const f of report.failed) log.warn(`--resume: could not release ${f.what}: ${f.message}`);
      // its record stays while something of it is still held: the next --resume tries again
      if (report.failed.length > 0) continue;
    }
    await rm(r.path, { force: true });
  }
}
