/**
 * Our dib-run-parts: runs one phase's hooks in their planned order, each in a bash that first
 * sources every element's environment.d file (sorted) and then executes the hook, inside the chroot
 * for chroot phases. Each hook is a step named `element/script`; its output goes to the log line by
 * line prefixed `element/phase/script` (on the terminal with -v), and what apt and dpkg report is
 * counted for the progress line. A failing hook stops the build with HOOK_FAILED naming the
 * element, phase, script, exit code, seconds and the tail of its output.
 */
import { basename, join } from 'node:path';
import { hookFailed, interrupted, isTsdibError } from '../errors.js';
import type { EnvironmentFile, Hook } from '../elements/hooks.js';
import type { Phase } from '../elements/phases.js';
import { runResult } from '../host/exec.js';
import { log, withProgress, withStep } from '../log.js';
import { AptProgress } from '../report/apt-progress.js';
import { cleanLine } from '../report/terminal-text.js';
import { IN_TARGET_HOOKS } from './chroot.js';
import { chrootEnvironment } from './environment.js';

/**
 * Takes the lock file $2 when it is not empty (held by the hook until it and its children exit),
 * sources $3 environment files ($4…) with DIB's shell options, then becomes the hook ($1) with the
 * remaining arguments.
 */
const WRAPPER = [
  'set -eu -o pipefail',
  'hook=$1; lock=$2; count=$3; shift 3',
  'if [ -n "$lock" ]; then exec {lock_fd}>>"$lock"; flock -n "$lock_fd" || { echo "waiting for $lock (another build is using the tarball it guards)"; flock "$lock_fd"; }; fi',
  'files=("${@:1:$count}"); shift "$count"',
  'for f in "${files[@]}"; do source "$f"; done',
  'exec "$hook" "$@"',
].join('\n');

export interface HookRunContext {
  /** TMP_MOUNT_PATH: the chroot's root for chroot phases. */
  root: string;
  hooksPath: string;
  environment: readonly EnvironmentFile[];
  env: Readonly<Record<string, string>>;
}

const TAIL_LINES = 25;

const set = (v: string | undefined) => v !== undefined && v !== '';

/**
 * The lock a hook holds while it runs, or undefined. DIB's debootstrap element (root.d, outside the
 * chroot) unpacks `$DIB_IMAGE_CACHE/debootstrap-<distro>-<release>-<arch>.tar.gz` with `DIB_OFFLINE`
 * or `DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE`, and with `DIB_DEBOOTSTRAP_CACHE` writes it in place
 * (`tar -zcf` on the final name): two builds sharing the cache would tear it (a half-written tarball
 * that every later build fails to unpack, or unpacks short). With either in play the hook runs
 * under `$DIB_IMAGE_CACHE/.debootstrap-tarball.lock`, one build at a time.
 */
export function hookLock(hook: { element: string; phase: Phase | string; inChroot: boolean }, env: Readonly<Record<string, string>>): string | undefined {
  if (hook.element !== 'debootstrap' || hook.phase !== 'root.d' || hook.inChroot) return undefined;
  const cache = env['DIB_IMAGE_CACHE'];
  if (!set(cache)) return undefined;
  const writes = set(env['DIB_DEBOOTSTRAP_CACHE']) && env['DIB_DEBOOTSTRAP_CACHE'] !== '0';
  const reads = set(env['DIB_OFFLINE']) || set(env['DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE']);
  return writes || reads ? join(cache!, '.debootstrap-tarball.lock') : undefined;
}

/** The command line that runs `target` (a path as seen by the wrapper) with the env files sourced. */
function commandFor(ctx: HookRunContext, inChroot: boolean, target: string, args: readonly string[], lock = ''): { cmd: string; args: string[]; env: Record<string, string> } {
  const hooksDir = inChroot ? IN_TARGET_HOOKS : ctx.hooksPath;
  const envFiles = ctx.environment.map((f) => join(hooksDir, 'environment.d', f.file));
  const wrapped = ['-c', WRAPPER, 'tsdib-hook', target, lock, String(envFiles.length), ...envFiles, ...args];
  if (inChroot) return { cmd: 'chroot', args: [ctx.root, '/bin/bash', ...wrapped], env: chrootEnvironment(ctx.env) };
  return { cmd: 'bash', args: wrapped, env: { ...ctx.env } };
}

/** Runs one script (or command) like a hook; throws HOOK_FAILED when it fails. */
export async function runHookScript(
  ctx: HookRunContext,
  hook: { element: string; phase: Phase | string; script: string; inChroot: boolean; target: string; args?: readonly string[] },
  extraEnv: Readonly<Record<string, string>> = {},
  watch?: (line: string) => void,
): Promise<number> {
  const prefix = `${hook.element}/${hook.phase}/${hook.script}`;
  const { cmd, args, env } = commandFor(ctx, hook.inChroot, hook.target, hook.args ?? [], hookLock(hook, { ...ctx.env, ...extraEnv }) ?? '');
  const tail: string[] = [];
  const apt = new AptProgress();
  const t0 = performance.now();
  try {
    await withProgress(() => apt.describe(), () => runResult(cmd, args, {
      env: { ...env, ...extraEnv },
      extendEnv: false,
      step: `hook ${hook.phase}`,
      onLine: (raw) => {
        const line = cleanLine(raw);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        log.detail(`${prefix}: ${line}`);
        apt.feed(line);
        watch?.(line);
      },
    }));
  } catch (e) {
    const seconds = (performance.now() - t0) / 1000;
    const where = hook.inChroot ? 'in chroot' : 'outside chroot';
    // interrupted while the hook ran: say which hook, so the user knows where the build stopped
    if (isTsdibError(e) && e.code === 'INTERRUPTED' && e.context.signal) {
      throw interrupted(e.context.signal, { element: hook.element, phase: String(hook.phase), script: hook.script, seconds, cause: e });
    }
    if (!isTsdibError(e) || e.code !== 'HOST_COMMAND_FAILED') throw e;
    throw hookFailed(`element ${hook.element}, ${hook.phase}/${hook.script} (${where}) exited ${e.context.exitCode ?? '?'} after ${seconds.toFixed(1)} s`, {
      element: hook.element,
      phase: String(hook.phase),
      script: hook.script,
      exitCode: e.context.exitCode ?? -1,
      seconds,
      outputTail: tail.join('\n'),
      hint: 'rerun with -x to trace the hooks (DIB_DEBUG_TRACE=1)',
      cause: e,
    });
  }
  return (performance.now() - t0) / 1000;
}

/** Runs every hook of a phase in order, each timed. `extraEnv` carries the phase's own variables. */
export async function runPhase(
  ctx: HookRunContext,
  phase: Phase,
  hooks: readonly Hook[],
  extraEnv: Readonly<Record<string, string>> = {},
  watch?: (line: string, hook: Hook) => void,
): Promise<void> {
  if (hooks.length === 0) {
    log.debug(`${phase}: no hooks`);
    return;
  }
  // the caller's step is the phase: each hook is a step inside it, timed on its own
  for (const hook of hooks) {
    const target = hook.inChroot ? `${IN_TARGET_HOOKS}/${phase}/${hook.script}` : join(ctx.hooksPath, phase, basename(hook.script));
    await withStep(`${hook.element}/${hook.script}`, () =>
      runHookScript(ctx, { element: hook.element, phase, script: hook.script, inChroot: hook.inChroot, target }, extraEnv, watch && ((line) => watch(line, hook))),
    );
  }
}
