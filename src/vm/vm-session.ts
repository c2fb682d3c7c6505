/**
 * One VM run, from the throwaway overlay to the last console line. Everything it makes (the work
 * directory with the overlay, the OVMF variables, the seed; the qemu process) is registered on its
 * own release stack the moment it exists and released on success, failure, SIGINT and SIGTERM:
 * the image file itself is only ever qemu's read-only backing file.
 */
import { copyFile, readFile, rm } from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { isTsdibError, type TsdibError } from '../errors.js';
import { run, runResult } from '../host/exec.js';
import { processAlive } from '../host/processes.js';
import { ReleaseStack } from '../host/release-stack.js';
import { handleSignals } from '../host/signals.js';
import { log } from '../log.js';
import { chooseAccelerator, type Accelerator } from './accelerator.js';
import { ConsoleBuffer } from './console-buffer.js';
import type { DiskImage } from './disk-image.js';
import { FIRMWARE_NAMES, findOvmf, type Firmware } from './firmware.js';
import { buildSeedImage } from './nocloud-seed.js';
import { qemuArguments } from './qemu-command.js';

/** The machine itself: what `tsdib boot` and `tsdib test` take from the same flags. */
export interface VmMachine {
  image: DiskImage;
  firmware: Firmware;
  memoryMiB: number;
  cpus: number;
  seed?: { path: string; kind: 'dir' | 'file' };
  extraArgs: readonly string[];
}

export interface VmOptions extends VmMachine {
  /** `terminal`: the user's terminal is the console (no pattern, no timeout); `pipe`: tsdib reads it. */
  console: 'pipe' | 'terminal';
  /** Stop (successfully) when the console shows this. */
  expect?: RegExp;
  /** Stop (as a failure) when this passes; counted from qemu's start. */
  timeoutMs?: number;
  /** Also write the raw console here. */
  consoleLog?: string;
  /** Copy the console to this process's stdout as it comes. */
  echoConsole?: boolean;
  /** Give the guest a second serial port (ttyS1) whose output comes back as `VmOutcome.report`. */
  reportChannel?: boolean;
  /** Called with the overlay before qemu starts (tsdib test puts its runner into it). */
  prepareOverlay?: (overlay: string, workDir: string, release: ReleaseStack) => Promise<void>;
}

export interface VmOutcome {
  /** matched: the pattern showed; stopped: qemu ended by itself (guest powered off, reset, crashed); timeout. */
  end: 'matched' | 'stopped' | 'timeout';
  /** From qemu's start to the end. */
  seconds: number;
  console: ConsoleBuffer;
  accelerator: Accelerator;
  /** What the guest wrote to its second serial port (with `reportChannel`). */
  report?: string;
}

/** Runs a VM to its end and releases all it made; rejects with INTERRUPTED on a signal (after the release). */
export async function runVm(opts: VmOptions): Promise<VmOutcome> {
  const release = new ReleaseStack();
  let onInterrupt: (e: TsdibError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onInterrupt = reject;
  });
  interrupted.catch(() => undefined);
  const removeHandlers = handleSignals((e) => onInterrupt(e));
  const work = runSession(opts, release);
  work.catch(() => undefined);
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    // after a signal qemu gets SIGTERM (killLiveChildren) and the session ends fast; then release
    await Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
    const failures = await release.releaseAll();
    for (const f of failures) log.error(`not released: ${f.label}: ${f.message}`);
    removeHandlers();
  }
}

async function runSession(opts: VmOptions, release: ReleaseStack): Promise<VmOutcome> {
  const { dir } = await import('tmp-promise');
  const workDir = (await dir({ prefix: 'tsdib-vm-', mode: 0o700 })).path;
  release.push(`remove ${workDir}`, { kind: 'dir', path: workDir }, () => rm(workDir, { recursive: true, force: true }));

  const accelerator = await chooseAccelerator();
  const overlay = join(workDir, 'overlay.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', opts.image.path, '-F', opts.image.format, overlay], { step: 'qemu-img create overlay' });
  let ovmf: { code: string; vars: string } | undefined;
  if (opts.firmware === 'uefi') {
    const found = findOvmf();
    ovmf = { code: found.code, vars: join(workDir, 'OVMF_VARS.fd') };
    await copyFile(found.varsTemplate, ovmf.vars);
  }
  const seed = opts.seed ? (opts.seed.kind === 'dir' ? await buildSeedImage(opts.seed.path, workDir) : opts.seed.path) : undefined;
  const reportFile = opts.reportChannel ? join(workDir, 'report.log') : undefined;
  if (opts.prepareOverlay) await opts.prepareOverlay(overlay, workDir, release);

  const args = qemuArguments({
    accelerator,
    firmware: opts.firmware,
    ...(ovmf ? { ovmf } : {}),
    overlay,
    memoryMiB: opts.memoryMiB,
    cpus: opts.cpus,
    ...(seed ? { seed } : {}),
    console: opts.console,
    ...(reportFile ? { reportFile } : {}),
    extraArgs: opts.extraArgs,
  });
  log.info(`booting ${opts.image.path} (${opts.image.format}) with ${FIRMWARE_NAMES[opts.firmware]} under ${accelerator.description}; the image is not written (overlay ${overlay})`);

  const consoleText = new ConsoleBuffer();
  const consoleLog: WriteStream | undefined = opts.consoleLog ? createWriteStream(opts.consoleLog) : undefined;
  let end: VmOutcome['end'] | undefined;
  let pid: number | undefined;
  const stop = (why: VmOutcome['end']) => {
    if (end) return;
    end = why;
    if (pid !== undefined) signalGroup(pid, 'SIGTERM');
  };
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
  const t0 = performance.now();
  let forgetQemu: (() => void) | undefined;
  try {
    await runResult('qemu-system-x86_64', args, {
      step: 'qemu',
      interactive: opts.console === 'terminal',
      onSpawn: (p) => {
        pid = p;
        forgetQemu = release.push(`stop qemu (pid ${p})`, { kind: 'process', pid: p }, () => killQemu(p)).forget;
      },
      onOutput: (chunk, stream) => {
        if (stream !== 'stdout') return;
        consoleLog?.write(chunk);
        if (opts.echoConsole) process.stdout.write(chunk);
        consoleText.append(chunk);
        if (opts.expect && consoleText.matchesNewText(opts.expect)) stop('matched');
      },
    });
  } catch (e) {
    // qemu killed by us (pattern seen, timeout) is the expected end; anything else (a signal, a
    // qemu that would not start) is the run's error
    if (!end || (isTsdibError(e) && e.code === 'INTERRUPTED')) throw e;
  } finally {
    if (timer) clearTimeout(timer);
    forgetQemu?.();
    await new Promise<void>((r) => (consoleLog ? consoleLog.end(r) : r()));
  }
  const seconds = (performance.now() - t0) / 1000;
  const report = reportFile ? await readFile(reportFile, 'utf8').catch(() => '') : undefined;
  return { end: end ?? 'stopped', seconds, console: consoleText, accelerator, ...(report !== undefined ? { report } : {}) };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Release of a qemu that outlived its run (an error between spawn and wait): SIGKILL, then wait for it to go. */
async function killQemu(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 50 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}
