/**
 * `tsdib cleanup`: releases what a killed build left, from the state file in its workspace, then
 * sweeps anything the state file could not know about (mounts below the workspace, loop devices
 * backed by files in it) and removes the workspace.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stateInvalid } from '../errors.js';
import { log } from '../log.js';
import { detachLoop, listLoops } from './loop.js';
import { mountsUnder, unmountPath } from './mount.js';
import { killProcessesUnder, processAlive } from './processes.js';
import { describeResource, releaseResource, removeDirSafely } from './release-resource.js';
import { readState, STATE_FILE_NAME, stateFilePath } from './state-file.js';

export interface CleanupReport {
  workspace: string;
  released: string[];
  failed: Array<{ what: string; message: string }>;
}


/** Workspaces under the temp dir whose state file names a build process that is gone. */
export async function findAbandonedWorkspaces(root = tmpdir()): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const candidates = [join(root, name), join(root, name, 'work')];
    for (const dir of candidates) {
      const file = join(dir, STATE_FILE_NAME);
      if (!existsSync(file)) continue;
      try {
        if (!processAlive(readState(file).pid)) found.push(dir);
      } catch {
        found.push(dir);
      }
    }
  }
  return found.sort();
}

export async function cleanupWorkspace(workspaceArg: string, opts: { force?: boolean } = {}): Promise<CleanupReport> {
  const workspace = resolve(workspaceArg);
  const file = stateFilePath(workspace);
  if (!existsSync(file)) {
    throw stateInvalid(`${workspace} holds no ${STATE_FILE_NAME}: not a tsdib workspace`, {
      file,
      hint: 'run `tsdib cleanup` without arguments to find abandoned workspaces',
    });
  }
  const state = readState(file);
  if (processAlive(state.pid) && state.pid !== process.pid && !opts.force) {
    throw stateInvalid(`the build that owns ${workspace} (pid ${state.pid}) is still running`, {
      file,
      hint: 'stop it (Ctrl-C releases everything), or pass --force',
    });
  }
  const report: CleanupReport = { workspace, released: [], failed: [] };
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      report.released.push(what);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.warn(`cleanup: ${what}: ${message}`);
      report.failed.push({ what, message });
    }
  };

  await attempt(`processes in ${workspace}`, () => killProcessesUnder(workspace));
  for (const { resource } of [...state.resources].reverse()) {
    await attempt(describeResource(resource), () => releaseResource(resource));
  }
  // the sweep: what a crash between acquire and record, or a hook, may have left
  for (const m of (await mountsUnder(workspace)).reverse()) {
    await attempt(`mount ${m}`, () => unmountPath(m, { recursive: true }));
  }
  for (const loop of await listLoops()) {
    if (loop.backingFile.startsWith(`${workspace}/`)) await attempt(`loop device ${loop.device}`, () => detachLoop(loop.device));
  }
  if (report.failed.length === 0 && existsSync(workspace)) {
    await attempt(`directory ${workspace}`, () => removeDirSafely(workspace));
  }
  return report;
}
