/**
 * DIB's `break=` debug points: `break=before-install,after-error` (comma-separated; set in the
 * environment as for disk-image-create) stops the build at those points and opens a shell:
 *
 * - `before-<phase>` / `after-<phase>` (`<phase>` without `.d`: root, extra-data, pre-install,
 *   install, post-install, post-root, block-device, pre-finalise, finalise, cleanup): a shell in the
 *   chroot for chroot phases, on the host (in the build's environment) for the others;
 * - `after-error`: when a hook of a phase fails, before anything is released, in the same place
 *   (on the host when `break_outside_target` is set).
 *
 * `break_cmd` replaces the shell for the `before-` and `after-error` points, as in DIB. Exiting
 * the shell resumes the build (after `after-error`, the build then fails as it would have).
 *
 * Unlike DIB, the shell is opened only when stdin is a terminal. Otherwise (CI, a pipe) tsdib
 * prints what it would have done and continues: DIB would start `bash` reading the pipe, which
 * either ends at once or eats the caller's input.
 */
import { spawn } from 'node:child_process';
import type { Phase } from '../elements/phases.js';
import { log } from '../log.js';
import { chrootEnvironment } from './environment.js';

/** The break points listed in `value` (the `break` variable). */
export function breakPoints(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** DIB's name of a phase's break points: `root.d` → `root`. */
export function breakPhaseName(phase: Phase | string): string {
  return String(phase).replace(/\.d$/, '');
}

export interface BreakPlace {
  /** Break point, e.g. `before-install`. */
  point: string;
  inChroot: boolean;
  /** The chroot (TMP_MOUNT_PATH). */
  root: string;
  /** The hooks' environment (with the phase's variables). */
  env: Readonly<Record<string, string>>;
  /** Whether stdin is a terminal (process.stdin.isTTY unless a test says otherwise). */
  interactive?: boolean;
}

/** What `checkBreak` runs: argv and environment of the shell. */
export function breakCommand(place: BreakPlace, hostEnv: Readonly<Record<string, string | undefined>>): { argv: string[]; env: Record<string, string> } {
  const custom = !place.point.startsWith('after-') || place.point === 'after-error' ? hostEnv['break_cmd'] : undefined;
  const shell = custom ? ['bash', '-c', custom] : ['bash'];
  if (place.inChroot) return { argv: ['chroot', place.root, ...shell], env: chrootEnvironment(place.env) };
  return { argv: shell, env: { ...place.env } };
}

/**
 * Stops at `place.point` when `break` lists it: opens the shell and waits for it to exit, or, when
 * stdin is not a terminal, logs what would have happened and returns.
 */
export async function checkBreak(place: BreakPlace, hostEnv: Readonly<Record<string, string | undefined>>): Promise<void> {
  if (!breakPoints(hostEnv['break']).has(place.point)) return;
  const { argv, env } = breakCommand(place, hostEnv);
  const where = place.inChroot ? `in the chroot ${place.root}` : 'on the host';
  const interactive = place.interactive ?? Boolean(process.stdin.isTTY);
  if (!interactive) {
    log.warn(`break=${place.point}: stdin is not a terminal, so no debug shell is started (it would run \`${argv.join(' ')}\` ${where}); continuing`);
    return;
  }
  log.warn(`break=${place.point}: starting a debug shell ${where}. Exit it to resume the build.`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: 'inherit' });
    child.on('error', (e) => {
      log.error(`break=${place.point}: cannot start ${argv[0]}: ${e.message}`);
      resolve(null);
    });
    child.on('exit', (c) => resolve(c));
  });
  log.info(`break=${place.point}: shell exited${code === null ? '' : ` (${code})`}; resuming`);
}
