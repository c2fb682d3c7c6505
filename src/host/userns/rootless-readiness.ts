/**
 * What an ordinary user needs for a rootless build, checked one by one so each missing piece gets
 * its own fix (tsdib doctor prints them): unprivileged user namespaces enabled, newuidmap and
 * newgidmap (package uidmap), subordinate uid and gid ranges of at least 65536 ids, and an
 * `unshare` that can map them (util-linux ≥ 2.38). Finally a real namespace is made, so a check
 * that passes means a build can start.
 */
import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { runResult } from '../exec.js';
import { findCommand } from '../doctor.js';
import { mappingArgs, type IdMapping } from './id-mapping.js';
import { MIN_SUBORDINATE_IDS, SUBGID_FILE, SUBUID_FILE, usableRange } from './subordinate-ids.js';

export interface ReadinessProblem {
  what: string;
  fix: string;
}

export interface RootlessReadiness {
  /** The mapping a build would use: subordinate when the ranges and newuidmap are there, else single. */
  mapping: IdMapping;
  /** Why a subordinate mapping is not possible (a single-id build may still work), or why no namespace can be made. */
  problems: ReadinessProblem[];
  /** Whether a user namespace with `mapping` was made. */
  namespaceWorks: boolean;
}

async function sysctlValue(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}

async function isSetuidRoot(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && st.uid === 0 && (st.mode & 0o4000) !== 0;
}

/** The kernel settings that forbid unprivileged user namespaces, each with its fix. */
export async function kernelProblems(): Promise<ReadinessProblem[]> {
  const problems: ReadinessProblem[] = [];
  if ((await sysctlValue('/proc/sys/user/max_user_namespaces')) === 0) {
    problems.push({ what: 'user namespaces are disabled (user.max_user_namespaces = 0)', fix: 'as root: sysctl -w user.max_user_namespaces=15000' });
  }
  if ((await sysctlValue('/proc/sys/kernel/unprivileged_userns_clone')) === 0) {
    problems.push({ what: 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)', fix: 'as root: sysctl -w kernel.unprivileged_userns_clone=1' });
  }
  if ((await sysctlValue('/proc/sys/kernel/apparmor_restrict_unprivileged_userns')) === 1) {
    problems.push({
      what: 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)',
      fix: 'as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile allowing userns for unshare',
    });
  }
  return problems;
}

export async function rootlessReadiness(user = { name: userInfo().username, id: process.getuid?.() ?? 0 }): Promise<RootlessReadiness> {
  const problems = await kernelProblems();
  const help = await runResult('unshare', ['--help'], { step: 'unshare --help' }).then((r) => r.stdout, () => '');
  if (!help.includes('--map-users')) problems.push({ what: 'unshare cannot map subordinate ids (util-linux older than 2.38)', fix: 'upgrade util-linux to 2.38 or later (Debian 12, Ubuntu 24.04)' });
  const subordinate: ReadinessProblem[] = [];
  for (const tool of ['newuidmap', 'newgidmap']) {
    const path = await findCommand(tool);
    if (!path) subordinate.push({ what: `${tool} is missing`, fix: 'as root: apt-get install uidmap (or tsdib doctor --install)' });
    else if (!(await isSetuidRoot(path))) subordinate.push({ what: `${path} is not setuid root (it may carry file capabilities instead)`, fix: 'reinstall the uidmap package' });
  }
  const uids = await usableRange(SUBUID_FILE, user);
  const gids = await usableRange(SUBGID_FILE, user);
  const setUp = `as root: tsdib doctor --setup-rootless ${user.name}`;
  if (!uids) subordinate.push({ what: `${user.name} has no subordinate uid range of ${MIN_SUBORDINATE_IDS} ids in ${SUBUID_FILE}`, fix: setUp });
  if (!gids) subordinate.push({ what: `${user.name} has no subordinate gid range of ${MIN_SUBORDINATE_IDS} ids in ${SUBGID_FILE}`, fix: setUp });
  problems.push(...subordinate);
  const mapping: IdMapping = subordinate.length === 0 && uids && gids ? { kind: 'subordinate', uids, gids } : { kind: 'single' };
  const tried = await runResult('unshare', [...mappingArgs(mapping), '--mount', '--', 'true'], { step: 'unshare probe' }).then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  if (tried) problems.push({ what: `a user namespace could not be made: ${tried}`, fix: 'see the problems above' });
  return { mapping, problems, namespaceWorks: tried === undefined };
}
