// Ordinary users for rootless tests: made with useradd (home directory, own group, not in the disk
// group, no sudo), with or without a subordinate id range, and removed with every process they
// still run. Root only.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { freeRangeStart } from '../../src/host/userns/subordinate-ids.js';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** The subordinate uid and gid range (the same numbers), when the user has one. */
  subordinate: { start: number; count: number } | undefined;
}

function ranges(file: string, name: string): Array<{ start: number; count: number }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f[0] === name && f.length === 3)
    .map((f) => ({ start: Number(f[1]), count: Number(f[2]) }));
}

export function createTestUser(opts: { subordinateIds: boolean }): TestUser {
  const name = `tsdib-${randomBytes(4).toString('hex')}`;
  execFileSync('useradd', ['--create-home', '--user-group', '--shell', '/bin/bash', name]);
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  // useradd gives new users a range of its own when /etc/subuid exists (login.defs SUB_UID_*)
  const given = ranges('/etc/subuid', name);
  const givenGids = ranges('/etc/subgid', name);
  if (!opts.subordinateIds) {
    for (const r of given) execFileSync('usermod', ['--del-subuids', `${r.start}-${r.start + r.count - 1}`, name]);
    for (const r of givenGids) execFileSync('usermod', ['--del-subgids', `${r.start}-${r.start + r.count - 1}`, name]);
  } else if (given.length === 0 || givenGids.length === 0) {
    const start = freeRangeStart(['/etc/subuid', '/etc/subgid'].map((f) => readFileSync(f, 'utf8')));
    const r = { start, count: 65536 };
    execFileSync('usermod', ['--add-subuids', `${r.start}-${r.start + r.count - 1}`, '--add-subgids', `${r.start}-${r.start + r.count - 1}`, name]);
  }
  const sub = ranges('/etc/subuid', name)[0];
  return { name, uid: id('-u'), gid: id('-g'), home: `/home/${name}`, subordinate: opts.subordinateIds ? sub : undefined };
}

/** PIDs of processes whose real uid is `uid` (from /proc). */
export function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Kills what the user still runs (every such process was started by the test), then removes the user and its home. */
export function removeTestUser(user: TestUser | undefined): void {
  if (!user) return;
  for (const pid of processesOf(user.uid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  spawnSync('userdel', ['--remove', user.name], { stdio: 'ignore' });
}

/** setpriv's argv prefix that runs a command as the user (its groups, its HOME), root's environment dropped. */
function asUser(user: TestUser, env: Record<string, string>): { cmd: string; args: string[]; env: Record<string, string> } {
  return {
    cmd: 'setpriv',
    args: ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--'],
    env: { HOME: user.home, USER: user.name, LOGNAME: user.name, PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', LANG: 'C.UTF-8', ...env },
  };
}

/** Runs a command as the user to completion. */
export function runAsUser(user: TestUser, cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const u = asUser(user, opts.env ?? {});
  return spawnSync(u.cmd, [...u.args, cmd, ...args], { encoding: 'utf8', env: u.env, cwd: opts.cwd ?? user.home, timeout: opts.timeoutMs ?? 120_000 });
}

/** Starts a command as the user in the background (stdout and stderr piped). */
export function spawnAsUser(user: TestUser, cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const u = asUser(user, opts.env ?? {});
  return spawn(u.cmd, [...u.args, cmd, ...args], { env: u.env, cwd: opts.cwd ?? user.home, stdio: ['ignore', 'pipe', 'pipe'] });
}
