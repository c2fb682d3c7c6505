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

/**
 * Loop devices whose backing file is `dir` or below it (also when deleted), and mount points
 * there (as /proc/self/mountinfo has them, `\040` read as a space).
 */
export function loopsAndMountsUnder(dir: string): HostSnapshot {
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const loops = execFileSync('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter(([dev, ...file]) => dev && inside(file.join(' ').replace(/ \(deleted\)$/, '')))
    .map(([dev]) => dev as string);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => (l.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m && inside(m));
  return { loops, mounts };
}
