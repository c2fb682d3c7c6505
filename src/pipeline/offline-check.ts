/**
 * `--offline-assembly` at plan time: what the elements and the block-device config ask for must be
 * something offline assembly can write (offline-refusals.ts), or the build is refused with exit 2
 * before anything is built, with one line per reason and what to do instead.
 */
import { offlineAssemblyProblems } from '../blockdevice/offline/offline-refusals.js';
import type { BlockDeviceGraph } from '../blockdevice/types.js';
import type { Plan } from '../elements/plan.js';
import { configInvalid } from '../errors.js';

/** Elements whose image needs a block device while finalise.d runs, and why. */
const ELEMENTS_NEEDING_A_DEVICE: Readonly<Record<string, string>> = {
  'zfs-root': 'its root is a ZFS pool, made by the zfs daemon on a block device and mounted while finalise.d runs',
};

/** Every reason this build cannot be assembled offline (empty when it can), one line each. */
export function offlineAssemblyBlockers(plan: Pick<Plan, 'elements' | 'blockDeviceConfig'>, graph: Pick<BlockDeviceGraph, 'nodes'>, rootFsType: string): string[] {
  return [
    ...plan.elements.flatMap((e) => (ELEMENTS_NEEDING_A_DEVICE[e.name] ? [`element ${e.name}: ${ELEMENTS_NEEDING_A_DEVICE[e.name]}`] : [])),
    ...offlineAssemblyProblems(graph, rootFsType).map((p) => `${plan.blockDeviceConfig.description}: ${p}`),
  ];
}

/** Throws CONFIG_INVALID (exit 2) naming every reason this build cannot be assembled offline. */
export function checkOfflineAssembly(plan: Pick<Plan, 'elements' | 'blockDeviceConfig'>, graph: Pick<BlockDeviceGraph, 'nodes'>, rootFsType: string, opts: { rootless?: boolean } = {}): void {
  const problems = offlineAssemblyBlockers(plan, graph, rootFsType);
  if (problems.length === 0) return;
  const details = problems.length > 1 ? { details: problems } : {};
  if (opts.rootless) {
    // a build as an ordinary user has no other way to write the disk (docs/rootless.md)
    throw configInvalid(`rootless build: this image cannot be written without a block device, and a user namespace has none: ${problems.length === 1 ? problems[0] : `${problems.length} reasons`}`, {
      ...details,
      hint: 'build it as root (sudo -E tsdib …), or choose a layout of ext2/3/4, vfat, btrfs and swap on partitions (e.g. block-device-mbr, block-device-gpt)',
    });
  }
  throw configInvalid(`--offline-assembly: this image cannot be written without a block device: ${problems.length === 1 ? problems[0] : `${problems.length} reasons`}`, {
    ...(problems.length > 1 ? { details: problems } : {}),
    hint: 'build without --offline-assembly (as root, on loop devices), or choose a layout of ext2/3/4, vfat, btrfs and swap on partitions (e.g. block-device-mbr, block-device-gpt)',
  });
}
