/**
 * How the ids of a user namespace map to the host, and the `unshare` (util-linux ≥ 2.38) options
 * that make such a namespace.
 *
 * - `subordinate`: root inside is the user; ids 1…count inside are the user's subordinate range
 *   (through newuidmap/newgidmap, as Podman and mmdebstrap's unshare mode do). Package managers can
 *   chown files to any system user.
 * - `single`: root inside is the user and nothing else is mapped (no newuidmap, no subuid range).
 *   Enough to run hooks that create files as root only; chown to another id fails (EINVAL), and
 *   setgroups() is denied, so apt must not drop privileges to _apt.
 */
import type { IdRange } from './subordinate-ids.js';

export type IdMapping = { kind: 'subordinate'; uids: IdRange; gids: IdRange } | { kind: 'single' };

/** The id-mapping options of `unshare`. */
export function mappingArgs(m: IdMapping): string[] {
  const args = ['--user', '--map-root-user'];
  if (m.kind === 'subordinate') args.push(`--map-users=${m.uids.start},1,${m.uids.count}`, `--map-groups=${m.gids.start},1,${m.gids.count}`);
  return args;
}

/**
 * A user namespace with its own mount namespace (private: nothing mounted inside reaches the host)
 * and PID namespace (the command is its init: when it ends, everything left inside is killed; a
 * fresh /proc shows only the namespace's processes). `--kill-child` ends the namespace when unshare
 * itself is killed.
 */
export function namespaceArgs(m: IdMapping): string[] {
  return [...mappingArgs(m), '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc'];
}

/** How the mapping reads in a log line. */
export function describeMapping(m: IdMapping): string {
  return m.kind === 'single'
    ? 'root inside = you, no other ids (single-id mapping)'
    : `root inside = you, ids 1–${m.uids.count} inside = ${m.uids.start}–${m.uids.start + m.uids.count - 1} (gids from ${m.gids.start})`;
}
