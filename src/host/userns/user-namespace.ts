/**
 * Runs a command as root of a new user namespace with its own mount and PID namespaces
 * (id-mapping.ts): inside it may mount, chroot and chown within its id range; the host sees none of
 * its mounts, and when the command ends or is killed the kernel takes every mount and process of
 * the namespace away with it.
 *
 * The namespace is a resource: while the command runs, its release is on the stack ("end the
 * namespace": SIGTERM to its process group, which reaches the command; SIGKILL after a grace
 * period, which ends the namespace at once). When the command has ended the entry is dropped.
 * unshare runs under `setpriv --pdeathsig KILL`, so if tsdib itself is killed (SIGKILL, no release
 * runs) unshare dies with it, and `--kill-child` takes the namespace down too.
 */
import { readFile } from 'node:fs/promises';
import { runResult, type RunOptions, type RunResult } from '../exec.js';
import { processAlive } from '../processes.js';
import type { ReleaseHandle, ReleaseStack } from '../release-stack.js';
import { mappingArgs, namespaceArgs, type IdMapping } from './id-mapping.js';

/** How long a namespace's command gets to release its own resources after SIGTERM. */
export const NAMESPACE_GRACE_MS = 30_000;

export interface NamespaceRunOptions extends Omit<RunOptions, 'onSpawn'> {
  mapping: IdMapping;
  release: ReleaseStack;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Ends the namespace whose unshare process is `pid`: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function endNamespace(pid: number, graceMs = NAMESPACE_GRACE_MS): Promise<void> {
  if (!processAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) signalGroup(pid, 'SIGKILL');
}

/** Runs `command args…` in a new user, mount and PID namespace; resolves like runResult when it ends. */
export async function runInUserNamespace(command: string, args: readonly string[], opts: NamespaceRunOptions): Promise<RunResult> {
  const { mapping, release, ...runOpts } = opts;
  let handle: ReleaseHandle | undefined;
  try {
    return await runResult('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', ...namespaceArgs(mapping), '--', command, ...args], {
      step: `user namespace: ${command}`,
      ...runOpts,
      onSpawn: (pid) => {
        handle = release.push(`end the user namespace of ${command} (unshare pid ${pid})`, { kind: 'process', pid }, () => endNamespace(pid));
      },
    });
  } finally {
    // the command has ended (runResult waits for it): there is nothing left to end
    handle?.forget();
  }
}

/**
 * Removes `path` from inside a user namespace with the same mapping, where files owned by the
 * subordinate ids belong to "root": what a namespaced build leaves on disk the user alone cannot
 * delete. Allowed while releasing after an interrupt.
 */
export async function removeInUserNamespace(path: string, mapping: IdMapping): Promise<void> {
  await runResult('unshare', [...mappingArgs(mapping), '--', 'rm', '-rf', '--one-file-system', '--', path], { step: 'release rm in user namespace', afterInterrupt: true });
}

/** Whether this process runs in the initial user namespace (uid_map is the identity over all ids). */
export async function inInitialUserNamespace(): Promise<boolean> {
  const text = await readFile('/proc/self/uid_map', 'utf8').catch(() => '0 0 4294967295');
  const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return lines.length === 1 && lines[0]![0] === 0 && lines[0]![1] === 0 && lines[0]![2] === 4294967295;
}
