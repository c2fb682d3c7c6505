/**
 * The GNU tar command line that archives a root tree, shared by tar, tgz and docker: numeric owners,
 * xattrs (all namespaces), POSIX ACLs, sparse files, name-sorted members, PAX headers without
 * atime/ctime (reproducible). As DIB's tar, ./proc and ./sys are left out entirely; unlike DIB's,
 * so is what is inside /dev (DIB archives the host's device nodes bound there), the directory itself
 * is kept. With SOURCE_DATE_EPOCH, mtimes newer than it are clamped to it (reproducible-builds
 * convention, as mksquashfs does), and sparse members use GNU sparse format 0.0: the default 1.0
 * (and 0.1) names a sparse member `./GNUSparseFile.<tar's PID>/NAME` in its ustar header, so two
 * archives of the same tree differ; 0.0 keeps the real name and puts the map in PAX records
 * (GNU tar, libarchive, Python's tarfile and Go's archive/tar read all three).
 */

/** Top-level directories whose contents never go into a tree archive or squashfs. */
export const TREE_EXCLUDED_CONTENTS = ['proc', 'sys', 'dev'] as const;

/** Top-level directories a tar leaves out entirely, as DIB's `tar --exclude ./sys --exclude ./proc`. */
export const TAR_EXCLUDED_DIRS = ['proc', 'sys'] as const;

/** Arguments for `tar` writing an archive of `tree` to `archive` (`-` for stdout). */
export function treeTarArgs(tree: string, archive: string, sourceDateEpoch?: number): string[] {
  return [
    '--create',
    '--file', archive,
    '--directory', tree,
    '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    '--numeric-owner',
    '--xattrs',
    '--xattrs-include=*',
    '--acls',
    '--sparse',
    '--sort=name',
    ...(sourceDateEpoch !== undefined ? ['--sparse-version=0.0', `--mtime=@${sourceDateEpoch}`, '--clamp-mtime'] : []),
    '--anchored',
    ...TAR_EXCLUDED_DIRS.map((d) => `--exclude=./${d}`),
    ...TREE_EXCLUDED_CONTENTS.map((d) => `--exclude=./${d}/*`),
    '.',
  ];
}
