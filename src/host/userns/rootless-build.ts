/**
 * A build started by an ordinary user: tsdib checks up front that a user namespace with the user's
 * subordinate ids can be made (rootless-readiness.ts). If not, the build goes on as an ordinary one
 * and its plan step refuses it (pipeline/host-user.ts: ROOT_REQUIRED, exit 2, each missing piece with
 * its fix, reported with every other bad input). If so, tsdib runs itself again as root of such a namespace (user-namespace.ts) with
 * TSDIB_ROOTLESS_BUILD=1. That inner build assembles the disk offline (no loop device, no mount on
 * the host: its mounts live in the namespace's own mount table), so whatever it refuses for offline
 * assembly (zfs-root, LVM, xfs) it refuses with exit 2 at its plan step, before any work.
 *
 * The inner build's workspace goes in a scratch directory the outer one makes (TMPDIR, never part of
 * a cache key) and removes afterwards — from inside a namespace of the same mapping, where files
 * owned by subordinate ids can be deleted — so even a namespace killed before its own release ran
 * leaves no temp dir behind. The inner exit code (0, 1, 2, 130 …) is the outer one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isTsdibError, rootRequired, type TsdibError } from '../../errors.js';
import { log } from '../../log.js';
import { ReleaseStack } from '../release-stack.js';
import { handleSignals } from '../signals.js';
import { describeMapping } from './id-mapping.js';
import type { RootlessReadiness } from './rootless-readiness.js';
import { removeInUserNamespace, runInUserNamespace } from './user-namespace.js';

/** Set (to 1) in the environment of the build tsdib runs inside the user namespace. */
export const ROOTLESS_BUILD_VARIABLE = 'TSDIB_ROOTLESS_BUILD';

/** Whether this process is the inner build of a rootless build (root of its user namespace). */
export function isRootlessBuild(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env[ROOTLESS_BUILD_VARIABLE] === '1';
}

/** Whether a build started now must go through a user namespace: not root, and not inside one already. */
export function needsUserNamespace(uid: number | undefined = process.getuid?.(), env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return uid !== undefined && uid !== 0 && !isRootlessBuild(env);
}

/**
 * Whether a build started here, with this uid and environment, builds rootless: it is the inner build,
 * or it will go through a user namespace. `tsdib plan` asks this to show the keys the build will use.
 */
export function buildsRootless(uid: number | undefined = process.getuid?.(), env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return isRootlessBuild(env) || needsUserNamespace(uid, env);
}

/**
 * The options the build runs with: inside the namespace there is no loop device to be had, so the
 * disk is always assembled offline. The plan key (plan-key.ts) is computed from these.
 */
export function asBuiltOptions<T extends { offlineAssembly: boolean }>(opts: T, uid: number | undefined = process.getuid?.(), env: Readonly<Record<string, string | undefined>> = process.env): T {
  return buildsRootless(uid, env) ? { ...opts, offlineAssembly: true } : opts;
}

/**
 * Whether a namespace with a subordinate range can be made: a single-id namespace is not enough
 * for a Debian tree (dpkg and apt chown files to _apt, messagebus, …).
 */
export function rootlessReady(r: RootlessReadiness): boolean {
  return r.namespaceWorks && r.mapping.kind === 'subordinate';
}

/** ROOT_REQUIRED (exit 2) naming each missing piece and its fix, unless `rootlessReady(r)`. `user` as in messages: "alice (uid 1000)". */
export function checkRootlessReadiness(r: RootlessReadiness, user: string): void {
  if (rootlessReady(r)) return;
  const login = /^uid \d/.test(user) ? 'USER' : user.split(' ')[0]!;
  const problems = r.problems.length > 0 ? r.problems : [{ what: 'no subordinate id range can be mapped', fix: `as root: tsdib doctor --setup-rootless ${login}` }];
  throw rootRequired(`building an image needs root or a user namespace with your subordinate ids; tsdib runs as ${user} and cannot make one here: ${problems.map((p) => p.what).join('; ')}`, {
    details: problems.map((p) => `${p.what} — fix: ${p.fix}`),
    hint: `check with \`tsdib doctor\`; as root, \`tsdib doctor --setup-rootless ${login}\` sets it up (docs/rootless.md); or build as root (sudo -E tsdib …)`,
  });
}

/** The user as messages name them: "alice (uid 1000)", or "uid 1000" without a passwd entry. */
export function userName(uid: number | undefined = process.getuid?.()): string {
  try {
    return `${userInfo().username} (uid ${uid})`;
  } catch {
    return `uid ${uid ?? '?'}`;
  }
}

/** Every exit code: the inner build's code is passed on, not turned into an error. */
const ANY_EXIT_CODE: readonly number[] = Array.from({ length: 256 }, (_, i) => i);

/**
 * Runs this tsdib command line again inside a user namespace and resolves with its exit code.
 * Rejects with ROOT_REQUIRED before anything is done when `readiness` says it cannot be made, and with
 * INTERRUPTED after a signal (the inner build got SIGTERM and released its own resources).
 */
export async function runRootlessBuild(readiness: RootlessReadiness, argv: readonly string[] = process.argv.slice(1)): Promise<number> {
  checkRootlessReadiness(readiness, userName());
  log.info(`rootless build: ${describeMapping(readiness.mapping)}; the disk is assembled offline (no loop device, no mount on the host)`);
  const release = new ReleaseStack();
  let interrupted: TsdibError | undefined;
  const removeHandlers = handleSignals((e) => {
    interrupted = e;
  });
  const scratch = await mkdtemp(join(process.env['TMPDIR'] || tmpdir(), 'tsdib_rootless.'));
  release.push(`remove ${scratch}`, { kind: 'dir', path: scratch }, async () => {
    // what the namespace left owned by subordinate ids only its root can delete
    await removeInUserNamespace(scratch, readiness.mapping).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  });
  try {
    const r = await runInUserNamespace(process.execPath, [...process.execArgv, ...argv], {
      mapping: readiness.mapping,
      release,
      env: { [ROOTLESS_BUILD_VARIABLE]: '1', TMPDIR: scratch },
      okExitCodes: ANY_EXIT_CODE,
      onOutput: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
    });
    if (interrupted) throw interrupted;
    return r.exitCode;
  } catch (e) {
    throw interrupted && !(isTsdibError(e) && e.code === 'INTERRUPTED') ? interrupted : e;
  } finally {
    const failures = await release.releaseAll();
    for (const f of failures) log.error(`not released: ${f.label}: ${f.message}`);
    removeHandlers();
  }
}
