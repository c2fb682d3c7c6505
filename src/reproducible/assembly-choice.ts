/**
 * Which backend a build with SOURCE_DATE_EPOCH assembles its disk with (docs/reproducible.md).
 * The loop path mounts the filesystems and copies the tree through the kernel, which writes its own
 * times, inode order and journal: its image is not the same twice. So SOURCE_DATE_EPOCH implies
 * `--offline-assembly` (each filesystem made by one `mkfs -d` with pinned times) when the elements
 * and the block-device config allow it. When they need the loop path (LVM, a zpool, xfs, a second
 * disk, zfs-root), the build goes on there, with a warning that its disk outputs will not be
 * bit-for-bit reproducible: SOURCE_DATE_EPOCH is often set for a whole CI job or packaging run, and
 * refusing such an image outright would break builds that worked; the ids, the tree and tar stay
 * pinned. `--offline-assembly` given explicitly is checked as before (refused with exit 2).
 */

/** What the build does about SOURCE_DATE_EPOCH and the assembly backend, and the line to log. */
export type AssemblyChoice =
  | { offlineAssembly: boolean; log?: undefined }
  | { offlineAssembly: boolean; log: { level: 'info' | 'warn'; message: string } };

/**
 * The backend for `opts` under `env`. `blockers` are the reasons the image cannot be assembled
 * offline (offline-check.ts `offlineAssemblyBlockers`), computed only when asked.
 */
export function chooseAssembly(
  opts: { offlineAssembly: boolean },
  env: Readonly<Record<string, string | undefined>>,
  blockers: () => string[],
): AssemblyChoice {
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (opts.offlineAssembly || !epoch) return { offlineAssembly: opts.offlineAssembly };
  const reasons = blockers();
  if (reasons.length === 0) {
    return {
      offlineAssembly: true,
      log: { level: 'info', message: `SOURCE_DATE_EPOCH=${epoch}: assembling the disk offline (as --offline-assembly), so that every filesystem is made with pinned times and order and the disk outputs are the same on a rebuild` },
    };
  }
  return {
    offlineAssembly: false,
    log: {
      level: 'warn',
      message: `SOURCE_DATE_EPOCH=${epoch}: this image needs the loop path (${reasons.join('; ')}); its disk outputs will not be bit-for-bit reproducible (identifiers, the tree and the tar output still are)`,
    },
  };
}
