/**
 * `tsdib boot`: the image under qemu on a throwaway overlay. With a pattern: wait for it on the
 * serial console (exit 0) or fail with the console's last lines. Without one, on a terminal: the
 * console is the user's. Without one and without a terminal: the console is copied to stdout
 * until the guest stops or the timeout passes.
 */
import { bootFailed } from '../errors.js';
import { log } from '../log.js';
import { checkVmFlags, parseExpect, type VmFlags } from './vm-inputs.js';
import { runVm } from './vm-session.js';

export interface BootFlags extends VmFlags {
  expect?: string;
  consoleLog?: string;
}

/** How long `--expect` waits when no --timeout is given (software emulation takes minutes). */
export const DEFAULT_EXPECT_TIMEOUT_S = 600;
const TAIL_LINES = 40;

export async function bootImage(f: BootFlags, terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY)): Promise<void> {
  const expect = f.expect !== undefined ? parseExpect(f.expect) : undefined;
  const vm = await checkVmFlags({ ...f, ...(expect && f.timeout === undefined ? { timeout: DEFAULT_EXPECT_TIMEOUT_S } : {}) });
  const interactive = !expect && terminal;
  if (interactive) log.info('the serial console is on this terminal: Ctrl-a x stops the VM, Ctrl-a c switches to the qemu monitor');
  const outcome = await runVm({
    ...vm.machine,
    console: interactive ? 'terminal' : 'pipe',
    echoConsole: !interactive,
    ...(expect ? { expect } : {}),
    ...(vm.timeoutMs !== undefined && !interactive ? { timeoutMs: vm.timeoutMs } : {}),
    ...(f.consoleLog ? { consoleLog: f.consoleLog } : {}),
  });
  const took = `${outcome.seconds.toFixed(1)} s, ${outcome.accelerator.accel}`;
  if (!expect) {
    log.info(outcome.end === 'timeout' ? `stopped the VM after --timeout ${f.timeout} s (${took})` : `the VM stopped (${took})`);
    return;
  }
  if (outcome.end === 'matched') {
    log.info(`the console showed ${expect} after ${took}`);
    return;
  }
  const why = outcome.end === 'timeout' ? `did not show ${expect} within ${(vm.timeoutMs ?? 0) / 1000} s` : `stopped after ${took} before the console showed ${expect}`;
  throw bootFailed(`${f.image}: the guest ${why}`, {
    file: f.image,
    seconds: outcome.seconds,
    outputTail: outcome.console.tail(TAIL_LINES) || '(the console stayed empty)',
    hint: outcome.end === 'timeout' ? `a longer --timeout, or --console-log FILE to keep the whole console` : 'the console tail shows why (a panic, a reset, a firmware that found nothing to boot)',
  });
}
