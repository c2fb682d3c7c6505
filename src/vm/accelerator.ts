/**
 * KVM when it works, software emulation (TCG) otherwise. /dev/kvm can exist and still fail (no
 * permission, nested virtualisation off, another hypervisor holding VT-x), so the answer comes from
 * qemu itself: a paused machine with one vCPU of the model the boot uses (`-cpu host`), asked to quit
 * at once over QMP. A machine-less probe is not enough: under some nested hypervisors KVM opens
 * fine and qemu then aborts while loading the vCPU's registers ("failed to set MSR 0x10a").
 */
import { access, constants } from 'node:fs/promises';
import { isTsdibError } from '../errors.js';
import { runResult } from '../host/exec.js';

export interface Accelerator {
  accel: 'kvm' | 'tcg';
  /** Why, for the user: "KVM" or "software emulation (TCG): /dev/kvm is missing". */
  description: string;
}

/** The vCPU model a KVM guest gets: the host's own (qemuArguments), and so the one the probe tries. */
export const KVM_CPU = ['-cpu', 'host'] as const;

const QMP_QUIT = '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n';

export async function chooseAccelerator(): Promise<Accelerator> {
  const tcg = (why: string): Accelerator => ({ accel: 'tcg', description: `software emulation (TCG; ${why}), expect minutes` });
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (e) {
    return tcg((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no /dev/kvm' : '/dev/kvm is not readable and writable for this user');
  }
  const probe = await runResult(
    'qemu-system-x86_64',
    ['-accel', 'kvm', ...KVM_CPU, '-machine', 'pc', '-m', '64', '-nodefaults', '-display', 'none', '-S', '-qmp', 'stdio'],
    { step: 'qemu kvm probe', input: QMP_QUIT, timeoutMs: 30_000, okExitCodes: [0, 1] },
  ).catch((e: unknown) => ({ exitCode: -1, stderr: isTsdibError(e) && e.context.outputTail ? e.context.outputTail : String(e instanceof Error ? e.message : e) }));
  if (probe.exitCode === 0) return { accel: 'kvm', description: 'KVM' };
  const lines = probe.stderr.trim().split('\n');
  return tcg(`KVM failed: ${lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? `exit ${probe.exitCode}`}`);
}
