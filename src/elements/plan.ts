/**
 * `tsdib plan`: everything a build will do, decided before anything touches the disk — the
 * expanded elements, each phase's hooks in run order (and the files skipped), the environment.d
 * files, the block-device config source and the output files. The build runner uses the same plan.
 */
import { findBlockDeviceConfigSource, type BlockDeviceConfigSource } from '../blockdevice/config-source.js';
import type { BuildOptions } from '../pipeline/options.js';
import type { Element } from './element.js';
import { collectHooks, describeSkipped, type HookPlan } from './hooks.js';
import { planOutputs, type PlanOutput } from './plan-outputs.js';
import { resolveElements } from './resolve.js';

export interface Plan {
  arch: string;
  imageName: string;
  /** Names expansion started from (base, the user's names, the vm default). */
  requested: string[];
  /** Directories searched for elements, highest priority first. */
  searchPath: string[];
  elements: Element[];
  /** Provided (virtual) names and the element providing each. */
  providedBy: Record<string, string>;
  hooks: HookPlan;
  blockDeviceConfig: BlockDeviceConfigSource;
  outputs: PlanOutput[];
  warnings: string[];
}

export interface PlanInputs {
  /** Environment to read ELEMENTS_PATH and DIB_BLOCK_DEVICE_CONFIG from; default process.env. */
  env?: Record<string, string | undefined>;
  /** Built-in elements folder (tests); default: the package's `elements/`. */
  builtinDir?: string;
}

export async function makePlan(opts: BuildOptions & PlanInputs): Promise<Plan> {
  const env = opts.env ?? process.env;
  const resolved = await resolveElements({
    names: opts.elements,
    elementsPath: env['ELEMENTS_PATH'] ?? '',
    skipBase: opts.skipBase,
    arch: opts.arch,
    ...(opts.builtinDir ? { builtinDir: opts.builtinDir } : {}),
  });
  const hooks = await collectHooks(resolved.elements);
  const blockDeviceConfig = await findBlockDeviceConfigSource({
    env,
    elements: resolved.elements,
    arch: opts.arch,
    ...(opts.blockDeviceConfig ? { flagFile: opts.blockDeviceConfig } : {}),
  });
  return {
    arch: opts.arch,
    imageName: opts.imageName,
    requested: resolved.requested,
    searchPath: resolved.searchPath,
    elements: resolved.elements,
    providedBy: resolved.providedBy,
    hooks,
    blockDeviceConfig,
    outputs: planOutputs(opts),
    warnings: [...resolved.warnings, ...hooks.skipped.map(describeSkipped), ...(blockDeviceConfig.warnings ?? [])],
  };
}
