/**
 * The ids a seeded build gives a filesystem the config leaves them to mkfs for: its UUID (vfat: volume
 * id) and, for ext2/3/4, the directory hash seed (`-E hash_seed=`), which mke2fs otherwise draws at
 * random. Derivation: src/reproducible/derived-ids.ts; purposes `fs-id:<node>` and `ext-hash-seed:<node>`.
 */
import { derivedUuid, derivedVolumeId } from '../../reproducible/derived-ids.js';
import { splitExtendedOptions } from '../offline/populate-ext.js';
import { isFat } from '../filesystems.js';

/** The filesystem id of mkfs node `node` for `seed`, in the form `type` takes. */
export function seededId(type: string, seed: string, node: string): string {
  return isFat(type) ? derivedVolumeId(seed, `fs-id:${node}`) : derivedUuid(seed, `fs-id:${node}`);
}

/** ext2/3/4: `opts` with `hash_seed=` added to its `-E` options (merged into one `-E`, as mke2fs takes only the last); a hash_seed the config sets is kept. */
export function withSeededHash(type: string, opts: readonly string[], seed: string, node: string): string[] {
  if (!/^ext[234]$/.test(type)) return [...opts];
  const { extended, rest } = splitExtendedOptions(opts);
  if (extended.some((e) => e.startsWith('hash_seed='))) return [...opts];
  return [...rest, '-E', [...extended, `hash_seed=${derivedUuid(seed, `ext-hash-seed:${node}`)}`].join(',')];
}
