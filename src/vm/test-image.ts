/**
 * `tsdib test IMAGE CHECK...`: boots the image with the checks and a runner written into its
 * throwaway overlay (never into the image), and reports each check as passed or failed with its
 * output and time. Exit 0 only when every check passed; a guest that never reaches the runner, or
 * hangs, fails at the timeout with the console tail. How: docs/boot-and-test.md.
 */
import { access, constants, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writableDirProblem } from '../pipeline/check-inputs.js';
import { bootFailed, flagInvalid } from '../errors.js';
import { requireTools } from '../host/doctor.js';
import { t } from '../host/host-tools.js';
import { log } from '../log.js';
import { parseRunnerReport, type CheckResult, type RunnerReport } from './check-report.js';
import { writeIntoExt4 } from './debugfs-write.js';
import { FIRMWARE_NAMES } from './firmware.js';
import { exportAsRawFile } from './fuse-export.js';
import { findGuestRoot } from './guest-root.js';
import { junitXml } from './junit.js';
import { runnerEntries, type HostCheck } from './test-runner.js';
import { checkVmFlags, type VmFlags } from './vm-inputs.js';
import { runVm, type VmOutcome } from './vm-session.js';

export interface TestFlags extends VmFlags {
  checks: readonly string[];
  checkTimeout: number;
  junit?: string;
  consoleLog?: string;
}

/** The whole run: boot, every check, power-off (software emulation: minutes). */
export const DEFAULT_TEST_TIMEOUT_S = 900;
export const DEFAULT_CHECK_TIMEOUT_S = 300;
const TAIL_LINES = 40;

const INJECT_TOOLS = [t('qemu-storage-daemon', 'qemu-system-common'), t('debugfs', 'e2fsprogs'), t('sfdisk', 'fdisk'), t('blkid', 'util-linux')];

async function readChecks(paths: readonly string[]): Promise<HostCheck[]> {
  if (paths.length === 0) throw flagInvalid({ flag: 'tsdib test', problem: 'needs at least one CHECK (an executable file to run in the guest)', hint: 'e.g. tsdib test out/debian.qcow2 checks/*.sh' });
  const checks: HostCheck[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw flagInvalid({ flag: 'check', value: p, problem: 'no such file' });
    if (!st.isFile()) throw flagInvalid({ flag: 'check', value: p, problem: 'not a regular file' });
    const executable = await access(p, constants.X_OK).then(() => true, () => false);
    if (!executable || (st.mode & 0o111) === 0) throw flagInvalid({ flag: 'check', value: p, problem: 'not executable', hint: `chmod +x ${p} (it runs in the guest as root, so it needs a #! line the guest can run)` });
    checks.push({ hostPath: p, content: await readFile(p) });
  }
  return checks;
}

function describe(c: CheckResult): string {
  const time = c.seconds !== undefined ? `, ${c.seconds.toFixed(1)} s` : '';
  switch (c.status) {
    case 'passed':
      return `PASS  ${c.name} (${(c.seconds ?? 0).toFixed(1)} s)`;
    case 'failed':
      return `FAIL  ${c.name} (exit ${c.exitCode}${time})`;
    case 'timed-out':
      return `FAIL  ${c.name} (timed out, exit ${c.exitCode}${time})`;
    case 'unfinished':
      return `FAIL  ${c.name} (did not finish)`;
    case 'not-run':
      return `FAIL  ${c.name} (not run)`;
  }
}

function printResults(checks: readonly CheckResult[]): void {
  for (const c of checks) {
    process.stdout.write(`${describe(c)}\n`);
    if (c.output && c.status !== 'passed') for (const line of c.output.trimEnd().split('\n')) process.stdout.write(`      ${line}\n`);
  }
}

/** Why the run did not get every check's result, or undefined when it did. */
function runProblem(outcome: VmOutcome, report: RunnerReport, timeoutS: number): string | undefined {
  if (report.done) return undefined;
  const when = outcome.end === 'timeout' ? `the timeout (${timeoutS} s) passed` : `the guest stopped after ${outcome.seconds.toFixed(0)} s`;
  return report.began ? `${when} while the checks ran` : `${when} before the test runner started (the guest did not finish booting)`;
}

export async function testImage(f: TestFlags): Promise<void> {
  const checks = await readChecks(f.checks);
  if (!Number.isFinite(f.checkTimeout) || f.checkTimeout <= 0) throw flagInvalid({ flag: '--check-timeout', value: f.checkTimeout, expected: 'seconds, more than 0' });
  if (f.junit !== undefined) {
    const problem = await writableDirProblem(dirname(resolve(f.junit)));
    if (problem) throw flagInvalid({ flag: '--junit', value: f.junit, problem });
  }
  const vm = await checkVmFlags({ ...f, timeout: f.timeout ?? DEFAULT_TEST_TIMEOUT_S });
  await requireTools(INJECT_TOOLS);
  const timeoutS = (vm.timeoutMs ?? 0) / 1000;

  const outcome = await runVm({
    ...vm.machine,
    console: 'pipe',
    reportChannel: true,
    ...(vm.timeoutMs !== undefined ? { timeoutMs: vm.timeoutMs } : {}),
    ...(f.consoleLog ? { consoleLog: f.consoleLog } : {}),
    prepareOverlay: async (overlay, workDir, release) => {
      const raw = await exportAsRawFile(overlay, workDir, release);
      const root = await findGuestRoot(raw.path, f.image);
      const staged: Array<Promise<void>> = [];
      const entries = runnerEntries(checks, f.checkTimeout, (name, content) => {
        const path = join(workDir, `stage-${name}`);
        staged.push(writeFile(path, content, { mode: 0o600 }));
        return path;
      });
      await Promise.all(staged);
      log.info(`writing the test runner and ${checks.length} check(s) into the overlay's root filesystem (${root.where})`);
      await writeIntoExt4(raw.path, root.offset, entries, workDir);
      await raw.close();
    },
  });

  const report = parseRunnerReport(outcome.report ?? '', checks.map((c) => c.hostPath));
  const problem = runProblem(outcome, report, timeoutS);
  printResults(report.checks);
  if (report.systemState && !['running', 'degraded'].includes(report.systemState)) {
    log.warn(`the checks ran while the guest was "${report.systemState}" (emergency or rescue mode: a unit the boot needs failed); the console log tells which`);
  }
  const passed = report.checks.filter((c) => c.status === 'passed').length;
  log.info(
    `${passed} of ${report.checks.length} check(s) passed; ${FIRMWARE_NAMES[vm.machine.firmware]}, ${outcome.accelerator.accel}, ${outcome.seconds.toFixed(1)} s in the VM${report.systemState ? `; the system was ${report.systemState}` : ''}`,
  );
  if (f.junit !== undefined) {
    await writeFile(
      f.junit,
      junitXml({
        name: `${basename(f.image)} (${vm.machine.firmware})`,
        classname: `tsdib.${basename(f.image).replace(/\.[^.]*$/, '')}.${vm.machine.firmware}`,
        seconds: outcome.seconds,
        properties: { image: vm.machine.image.path, format: vm.machine.image.format, firmware: vm.machine.firmware, accelerator: outcome.accelerator.accel, ...(report.systemState ? { 'system-state': report.systemState } : {}) },
        checks: report.checks,
        ...(problem ? { runProblem: problem } : {}),
      }),
    );
    log.info(`JUnit XML: ${f.junit}`);
  }
  if (problem) {
    throw bootFailed(`${f.image}: ${problem}`, {
      file: f.image,
      seconds: outcome.seconds,
      outputTail: outcome.console.tail(TAIL_LINES) || '(the console stayed empty)',
      hint: outcome.end === 'timeout' ? 'a longer --timeout on a loaded host without KVM; --console-log FILE keeps the whole console' : 'the console tail shows why',
    });
  }
  if (passed < report.checks.length) process.exitCode = 1;
}
