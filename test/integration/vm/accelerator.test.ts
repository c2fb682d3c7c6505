// chooseAccelerator's answer holds on this host: when it says KVM, a paused one-vCPU guest with the
// boot's CPU model starts under KVM and quits cleanly; when it says software emulation, it gives the
// reason, and where /dev/kvm exists such a guest indeed does not start under KVM (a nested host can
// open /dev/kvm and then abort qemu loading the vCPU: a machine-less probe said KVM there).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KVM_CPU, chooseAccelerator } from '../../../src/vm/accelerator.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(hasCommand('qemu-system-x86_64'), 'accelerator choice', 'needs qemu-system-x86_64');

function kvmGuestStarts(): { ok: boolean; stderr: string } {
  const r = spawnSync('qemu-system-x86_64', ['-accel', 'kvm', ...KVM_CPU, '-machine', 'pc', '-m', '64', '-nodefaults', '-display', 'none', '-S', '-qmp', 'stdio'], {
    input: '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ok: r.status === 0, stderr: r.stderr };
}

describe.skipIf(skip)('chooseAccelerator', () => {
  it('says KVM only where a KVM guest with the boot\'s CPU model starts', async () => {
    const chosen = await chooseAccelerator();
    process.stdout.write(`accelerator: ${chosen.accel} (${chosen.description})\n`);
    if (chosen.accel === 'kvm') {
      expect(kvmGuestStarts()).toMatchObject({ ok: true });
      return;
    }
    expect(chosen.description).toMatch(/^software emulation \(TCG; .+\), expect minutes$/);
    if (existsSync('/dev/kvm')) expect(kvmGuestStarts().ok).toBe(false);
  });
});
