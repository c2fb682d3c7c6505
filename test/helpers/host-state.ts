// Snapshots of what a build can leak on the host (loop devices, mounts), to assert none is left.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface HostSnapshot {
  loops: string[];
  mounts: string[];
}

export function hostSnapshot(): HostSnapshot {
  let loops: string[] = [];
  try {
    loops = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  } catch {
    loops = [];
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4] ?? '')
    .sort();
  return { loops, mounts };
}

/** What `after` has that `before` had not. */
export function leaked(before: HostSnapshot, after: HostSnapshot): HostSnapshot {
  return {
    loops: after.loops.filter((l) => !before.loops.includes(l)),
    mounts: after.mounts.filter((m) => !before.mounts.includes(m)),
  };
}
