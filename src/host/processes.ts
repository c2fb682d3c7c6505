/**
 * Processes whose root directory or working directory is inside a path (a chroot left running by a
 * hook, a daemon started despite policy-rc.d). They must die before the tree can be unmounted.
 */
import { readFileSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { log } from '../log.js';

/** Whether a process with this PID exists (EPERM: it does, but is not ours to signal). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started (clock ticks after boot: /proc/PID/stat field 22), or undefined when there
 * is no such process. With the pid it names one process: a pid can be reused, its start time not.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces or parentheses itself
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that had this pid and start time still runs (no start time known: any process with the pid). */
export function sameProcessAlive(pid: number, startTime: string | undefined): boolean {
  if (!processAlive(pid)) return false;
  return startTime === undefined || processStartTime(pid) === startTime;
}

function isInside(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return path === r || path.startsWith(`${r}/`);
}

/** PIDs (other than ours) whose root or cwd is at or below `root`. */
export async function processesUnder(root: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    for (const link of ['root', 'cwd']) {
      try {
        const target = await readlink(`/proc/${pid}/${link}`);
        if (isInside(target, root)) {
          found.push(pid);
          break;
        }
      } catch {
        // the process ended, or is not ours to read
      }
    }
  }
  return found;
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILLs what is left. Returns how many were signalled. */
export async function killProcessesUnder(root: string, graceMs = 3000): Promise<number> {
  const pids = await processesUnder(root);
  if (pids.length === 0) return 0;
  log.warn(`killing ${pids.length} process(es) still running in ${root}: ${pids.join(' ')}`);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if ((await processesUnder(root)).length === 0) return pids.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const pid of await processesUnder(root)) signal(pid, 'SIGKILL');
  return pids.length;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
