// The e2e suite boots its images with the user's own verbs: `tsdib boot --expect` (console
// pattern) and `tsdib test` (checks in the guest), run as a user runs them (the compiled CLI).
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';
import { runBuild, tail } from './build.js';

export type Firmware = 'bios' | 'uefi';

/** Software emulation on a loaded 2-core host: give a boot minutes. */
export const BOOT_TIMEOUT_MS = 10 * 60_000;

export interface TsdibBootRun {
  reached: boolean;
  /** tsdib's own figure: from qemu's start to the pattern (or the end). */
  seconds: number;
  status: number;
  /** For assertion messages: the end of tsdib's output (the console tail on failure). */
  report: string;
}

/** `tsdib boot IMAGE --firmware F --expect PATTERN --timeout S --console-log DIR/console-F.log`. */
export async function tsdibBoot(image: string, firmware: Firmware, opts: { expect?: RegExp; logDir: string; logName?: string }): Promise<TsdibBootRun> {
  const pattern = opts.expect ?? /login:/;
  const consoleLog = join(opts.logDir, opts.logName ?? `console-${firmware}.log`);
  const run = await runBuild(
    ['boot', image, '--firmware', firmware, '--expect', pattern.source, '--timeout', String(BOOT_TIMEOUT_MS / 1000), '--console-log', consoleLog],
    { timeoutMs: BOOT_TIMEOUT_MS + 120_000 },
  );
  const took = /the console showed .* after ([\d.]+) s/.exec(run.output) ?? /the guest .*?([\d.]+) s/.exec(run.output);
  return { reached: run.status === 0, seconds: took ? Number(took[1]) : run.seconds, status: run.status, report: tail(run.output, 30) };
}

export interface TsdibTestRun {
  status: number;
  /** tsdib's own figure: from qemu's start to the guest's power-off. */
  seconds: number;
  output: string;
}

/** `tsdib test IMAGE CHECK... --firmware F --junit FILE --console-log DIR/console-test-F.log [--seed SEED]`. */
export async function tsdibTest(image: string, firmware: Firmware, checks: readonly string[], opts: { logDir: string; junit: string; seed?: string }): Promise<TsdibTestRun> {
  const seed = opts.seed === undefined ? [] : ['--seed', opts.seed];
  const run = await runBuild(
    ['test', image, ...checks, ...seed, '--firmware', firmware, '--junit', opts.junit, '--timeout', String(BOOT_TIMEOUT_MS / 1000), '--console-log', join(opts.logDir, `console-test-${firmware}.log`)],
    { timeoutMs: BOOT_TIMEOUT_MS + 120_000 },
  );
  const took = /(?:tcg|kvm), ([\d.]+) s in the VM/.exec(run.output);
  return { status: run.status, seconds: took ? Number(took[1]) : run.seconds, output: run.output };
}

/** The fixture checks (test/fixtures/checks). */
export const CHECKS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'checks');
