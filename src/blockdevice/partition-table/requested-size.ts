/** How many bytes a partition asks for: absolute, or a percentage of the free space (DIB's rule). */
import type { PartitionSpec } from './layout-types.js';

export const MIB = 1024 * 1024;

/** `int(free * pct / 100)` like DIB's parse_rel_size_spec; never negative. */
export function requestedBytes(p: PartitionSpec, free: number): number {
  if ('percent' in p.size) return Math.max(0, Math.floor((free * p.size.percent) / 100));
  return p.size.bytes;
}
