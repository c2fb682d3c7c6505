// Whether this host has what root-only tests need; tests skip with a printed reason when not.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const isRoot = process.getuid?.() === 0;

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasLoop = isRoot && existsSync('/dev/loop-control');

/** Prints a visible line saying what is skipped and why; returns true when the test must skip. */
export function skipUnless(condition: boolean, what: string, why: string): boolean {
  if (!condition) process.stdout.write(`SKIPPED: ${what}: ${why}\n`);
  return !condition;
}
