/**
 * Who may build. Root builds directly (loop devices, mounts, a chroot for the hooks). An ordinary
 * user's `tsdib build` runs itself again as root of a user namespace (docs/rootless.md) when one
 * with the user's subordinate ids can be made; this check is what such a user meets when it cannot:
 * ROOT_REQUIRED at the plan step (exit 2), naming each missing piece and its fix, before anything
 * is done.
 */
import { rootRequired } from '../errors.js';
import { checkRootlessReadiness, userName } from '../host/userns/rootless-build.js';

export function checkRunsAsRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid === undefined || uid === 0) return;
  throw rootRequired(`building an image needs root (loop devices, mounts, a chroot for the hooks); tsdib runs as ${userName(uid)}`, {
    hint: 'run the build as root, e.g. sudo -E tsdib … (tsdib plan and tsdib lint-elements need no root); `tsdib build` as an ordinary user runs rootless (docs/rootless.md)',
  });
}

/**
 * Root passes. Any other user is refused: with what a rootless build lacks here, or — when a
 * namespace could be made but this build does not run in one (a library caller of buildImage) —
 * as by checkRunsAsRoot.
 */
export async function checkBuildUser(uid: number | undefined = process.getuid?.()): Promise<void> {
  if (uid === undefined || uid === 0) return;
  const { rootlessReadiness } = await import('../host/userns/rootless-readiness.js');
  checkRootlessReadiness(await rootlessReadiness(), userName(uid));
  checkRunsAsRoot(uid);
}
