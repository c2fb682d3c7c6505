/**
 * The workspace's state file: the release stack as JSON, rewritten after every change, so that
 * `tsdib cleanup WORKSPACE` can release what a SIGKILLed build left behind.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleaseStack, Resource } from './release-stack.js';

export const STATE_FILE_NAME = 'tsdib-state.json';

export interface SavedState {
  version: 1;
  pid: number;
  startedAt: string;
  workspace: string;
  /** In acquisition order; release in reverse. */
  resources: Array<{ label: string; resource: Resource }>;
}

export function stateFilePath(workspace: string): string {
  return join(workspace, STATE_FILE_NAME);
}

/**
 * Keeps `<workspace>/tsdib-state.json` in step with the stack. Writes are synchronous and atomic
 * (temp file + rename) so the file is never half-written when the process is killed.
 */
export function persistReleaseStack(stack: ReleaseStack, workspace: string, stateDir = workspace): void {
  const startedAt = new Date().toISOString();
  const file = stateFilePath(stateDir);
  const write = () => {
    const saved: SavedState = {
      version: 1,
      pid: process.pid,
      startedAt,
      workspace,
      resources: stack.snapshot().map((e) => ({ label: e.label, resource: e.resource })),
    };
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(saved, null, 1));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the state dir itself is being released (last entries of the stack); nothing left to record
    }
  };
  stack.onChange(write);
  write();
}

export function readState(file: string): SavedState {
  const data = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  if (data.version !== 1 || !Array.isArray(data.resources)) throw new Error(`${file} is not a tsdib state file`);
  return data;
}
