/**
 * The block device's state file, `<buildDir>/block-device/state.json`: DIB's state (typed), what
 * umount/cleanup need, and every resource still held, so `tsdib cleanup` can undo a killed build.
 * Written synchronously and atomically (temp file + rename): a kill never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateInvalid } from '../../errors.js';
import type { Resource } from '../../host/release-stack.js';
import type { BlockDeviceParams, BlockDeviceState } from '../types.js';
import type { LifecycleContext, LifecycleExtras } from './context.js';

export type LifecyclePhase = 'creating' | 'failed' | 'created' | 'umounting' | 'umounted' | 'cleaned';

export interface SavedBlockDevice {
  version: 1;
  phase: LifecyclePhase;
  params: BlockDeviceParams;
  state: BlockDeviceState;
  extras: LifecycleExtras;
  /** Resources still held, in acquisition order (release in reverse). */
  held: Array<{ node: string; label: string; resource: Resource }>;
}

export function blockDeviceStateDir(buildDir: string): string {
  return join(buildDir, 'block-device');
}

export function blockDeviceStateFile(buildDir: string): string {
  return join(blockDeviceStateDir(buildDir), 'state.json');
}

export function saveBlockDeviceState(ctx: LifecycleContext, phase: LifecyclePhase): string {
  const file = blockDeviceStateFile(ctx.params.buildDir);
  const saved: SavedBlockDevice = {
    version: 1,
    phase,
    params: ctx.params,
    state: ctx.state,
    extras: ctx.extras,
    held: ctx.held.map((h) => ({ node: h.node, label: h.label, resource: h.resource })),
  };
  mkdirSync(blockDeviceStateDir(ctx.params.buildDir), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(saved, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export function loadBlockDeviceState(file: string): SavedBlockDevice {
  let data: SavedBlockDevice;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as SavedBlockDevice;
  } catch (e) {
    throw stateInvalid(`${file}: cannot read the block-device state: ${(e as Error).message}`, { file, cause: e });
  }
  if (data?.version !== 1 || !Array.isArray(data.held) || typeof data.state !== 'object') {
    throw stateInvalid(`${file} is not a tsdib block-device state file`, { file });
  }
  return data;
}
