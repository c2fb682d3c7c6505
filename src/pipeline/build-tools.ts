/**
 * The host tools one build needs, found the way the build finds them: the element set expanded
 * with its dependencies, the output types, and the filesystems of the block-device config the
 * elements select. `tsdib doctor ELEMENT...` checks and installs exactly these.
 */
import { loadBlockDeviceConfig } from '../blockdevice/load-config.js';
import type { BuildOptions } from './options.js';
import { makePlan } from '../elements/plan.js';
import type { BlockDeviceGraph } from '../blockdevice/types.js';
import type { HostTool } from '../host/host-tools.js';
import { checkDebootstrapRelease, checkUnsupportedDibElements, isBuiltin } from './dib-tree-checks.js';
import { isTsdibError, type TsdibError } from '../errors.js';
import { hookHostTools } from './hook-host-tools.js';
import { toolsFor } from './host-check.js';

export interface BuildTools {
  /** The expanded element set, in the plan's order. */
  elements: string[];
  fsTypes: string[];
  tools: HostTool[];
  /**
   * Why the build's plan step would refuse this element set whatever is installed (DIB elements
   * that cannot work here, a DIB_RELEASE the host's debootstrap has no script for), or undefined.
   */
  refusal: TsdibError | undefined;
}

/** The plan step's DIB-tree checks, run for doctor: the first refusal, or undefined. */
async function dibTreeRefusal(plan: Awaited<ReturnType<typeof makePlan>>, env: Readonly<Record<string, string | undefined>>): Promise<TsdibError | undefined> {
  try {
    await checkUnsupportedDibElements(plan.elements);
    await checkDebootstrapRelease(plan.elements, env);
    return undefined;
  } catch (e) {
    if (isTsdibError(e)) return e;
    throw e;
  }
}

export async function toolsForBuild(opts: BuildOptions, env: Readonly<Record<string, string | undefined>>): Promise<BuildTools> {
  const plan = await makePlan({ ...opts, env });
  const rootFsType = env['FS_TYPE'] || 'ext4';
  const rootLabel = opts.rootLabel ?? (env['ROOT_LABEL'] || undefined);
  const graph = await loadBlockDeviceConfig(plan.blockDeviceConfig.text, plan.blockDeviceConfig.description, { rootFsType, rootLabel });
  const fsTypes = mkfsTypes(graph, rootFsType);
  const elements = plan.elements.map((e) => e.name);
  const builtin = await isBuiltin();
  const dibElements = plan.elements.filter((e) => !builtin(e)).map((e) => e.name);
  const tools = toolsFor({ elements, dibElements, types: opts.types, fsTypes, extra: await hookHostTools(plan.hooks) });
  return { elements, fsTypes, tools, refusal: await dibTreeRefusal(plan, env) };
}

/** The filesystem types a block-device graph makes (an mkfs node without a type makes the root's). */
export function mkfsTypes(graph: BlockDeviceGraph, rootFsType: string): string[] {
  return [...new Set(graph.nodes.filter((n) => n.plugin === 'mkfs').map((n) => String(n.config['type'] ?? rootFsType)))];
}
