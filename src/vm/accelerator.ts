/**
 * KVM when it works, software emulation (TCG) otherwise. /dev/kvm can exist and still fail (no
 * permission, nested virtualisation off, another hypervisor holding VT-x), so the answer comes from
 * qemu itself: a machine-less qemu with KVM asked to quit at once over QMP.
 */
import { access, constants } from 'node:fs/promises';
import { runResult } from '../host/exec.js';

export interface Accelerator {
  accel: 'kvm' | 'tcg';
  /** Why, for the user: "KVM" or "software emulation (TCG): /dev/kvm is missing". */
  description: string;
}

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
    ['-accel', 'kvm', '-machine', 'none', '-nodefaults', '-display', 'none', '-qmp', 'stdio'],
    { step: 'qemu kvm probe', input: QMP_QUIT, timeoutMs: 30_000, okExitCodes: [0, 1] },
  ).catch((e: unknown) => ({ exitCode: -1, stderr: e instanceof Error ? e.message : String(e) }));
  if (probe.exitCode === 0) return { accel: 'kvm', description: 'KVM' };
  return tcg(`KVM failed: ${probe.stderr.trim().split('\n').pop() ?? `exit ${probe.exitCode}`}`);
}
