// Whether this host has what root-only tests need. A test skips with a printed reason when it does
// not — except under CI=true, where the suite's set-up (scripts/prepare.mjs --for-tests → tsdib
// doctor --install --for-tests) must have provided it, so a missing tool or resource fails the test.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const isRoot = process.getuid?.() === 0;

/** CI=true: nothing the suite needs may be missing. */
export const inCi = process.env['CI'] === 'true';

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasLoop = isRoot && existsSync('/dev/loop-control');

/**
 * For what the suite needs (a tool, root, loop devices, a built dist/): prints a visible line saying
 * what is skipped and why and returns true when `condition` is false — or, under CI=true, throws,
 * so the test fails instead of passing unseen.
 */
export function skipUnless(condition: boolean, what: string, why: string): boolean {
  if (condition) return false;
  if (inCi) throw new Error(`${what}: ${why}; under CI=true nothing may be missing: scripts/prepare.mjs --for-tests (tsdib doctor --install --for-tests) installs the test tools`);
  process.stdout.write(`SKIPPED: ${what}: ${why}\n`);
  return true;
}

/**
 * For a test this host makes meaningless whatever is installed (it has device-mapper, runs a docker
 * engine, gives no partition devices on loop devices, cannot reach an outside archive): prints why
 * and returns true when `condition` is false, under CI=true too.
 */
export function skipOnHost(condition: boolean, what: string, why: string): boolean {
  if (condition) return false;
  process.stdout.write(`SKIPPED (this host): ${what}: ${why}\n`);
  return true;
}
