import { describe, expect, it } from 'vitest';
import { qemuArguments, type QemuMachine } from '../../../src/vm/qemu-command.js';
import { parseMemory } from '../../../src/vm/vm-inputs.js';

const base: QemuMachine = {
  accelerator: { accel: 'tcg', description: 'software emulation' },
  firmware: 'bios',
  overlay: '/w/overlay.qcow2',
  memoryMiB: 1024,
  cpus: 2,
  console: 'pipe',
  extraArgs: [],
};

const pairs = (args: string[]) => args.flatMap((a, i) => (a.startsWith('-') && args[i + 1] && !args[i + 1]!.startsWith('-') ? [`${a} ${args[i + 1]}`] : [a]));

describe('qemuArguments', () => {
  it('boots the overlay, never the image, with the console on stdout and no reboot', () => {
    const p = pairs(qemuArguments(base));
    expect(p).toContain('-drive file=/w/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe');
    expect(p).toEqual(expect.arrayContaining(['-accel tcg', '-m 1024', '-smp 2', '-serial stdio', '-monitor none', '-no-reboot']));
    expect(p.some((a) => a.startsWith('-cpu'))).toBe(false);
  });

  it('uses the host CPU with KVM', () => {
    expect(pairs(qemuArguments({ ...base, accelerator: { accel: 'kvm', description: 'KVM' } }))).toEqual(expect.arrayContaining(['-accel kvm', '-cpu host']));
  });

  it('gives UEFI the read-only OVMF code and the VM its own variables', () => {
    const p = pairs(qemuArguments({ ...base, firmware: 'uefi', ovmf: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/w/OVMF_VARS.fd' } }));
    expect(p).toContain('-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd');
    expect(p).toContain('-drive if=pflash,format=raw,unit=1,file=/w/OVMF_VARS.fd');
  });

  it('puts the console and the monitor on the terminal, and lets the guest reboot, in terminal mode', () => {
    const p = pairs(qemuArguments({ ...base, console: 'terminal' }));
    expect(p).toContain('-serial mon:stdio');
    expect(p).not.toContain('-no-reboot');
  });

  it('attaches the seed read-only, the report port as a second serial port, and extra arguments last', () => {
    const args = qemuArguments({ ...base, seed: '/w/seed.img', reportFile: '/w/report.log', extraArgs: ['-smp', '4'] });
    expect(pairs(args)).toEqual(expect.arrayContaining(['-drive file=/w/seed.img,format=raw,if=virtio,readonly=on', '-serial file:/w/report.log']));
    expect(args.indexOf('-serial')).toBeLessThan(args.lastIndexOf('-serial'));
    expect(args.slice(-2)).toEqual(['-smp', '4']);
  });
});

describe('parseMemory', () => {
  it.each([
    ['1024', 1024],
    ['2G', 2048],
    ['2GiB', 2048],
    ['512M', 512],
    ['lots', undefined],
    ['16', undefined],
  ])('%s → %s MiB', (text, mib) => expect(parseMemory(text)).toBe(mib));
});
