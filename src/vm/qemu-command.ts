/**
 * The qemu command line of a VM, built from what the user asked for. Pure: the session decides
 * where the files are, this only says how qemu is told about them.
 */
import { KVM_CPU, type Accelerator } from './accelerator.js';
import type { Firmware } from './firmware.js';

export interface QemuMachine {
  accelerator: Accelerator;
  firmware: Firmware;
  /** OVMF code image and this VM's own copy of the variables (uefi only). */
  ovmf?: { code: string; vars: string };
  /** The throwaway overlay the VM writes to (qcow2 over the image). */
  overlay: string;
  memoryMiB: number;
  cpus: number;
  /** A NoCloud seed (vfat or iso9660 labelled CIDATA), attached read-only. */
  seed?: string;
  /**
   * `pipe`: the console is qemu's stdout, read by tsdib. `terminal`: the console and qemu's
   * monitor share the user's terminal (Ctrl-a x quits, Ctrl-a c switches to the monitor).
   */
  console: 'pipe' | 'terminal';
  /** A second serial port (ttyS1 in the guest) written to this file: the report channel of `tsdib test`. */
  reportFile?: string;
  /** Arguments after `--`, appended last so they can add devices or override what came before. */
  extraArgs: readonly string[];
}

export function qemuArguments(m: QemuMachine): string[] {
  const args = [
    '-accel', m.accelerator.accel,
    ...(m.accelerator.accel === 'kvm' ? KVM_CPU : []),
    '-m', String(m.memoryMiB),
    '-smp', String(m.cpus),
    '-display', 'none',
    '-drive', `file=${m.overlay},format=qcow2,if=virtio,cache=unsafe`,
    '-nic', 'user,model=virtio-net-pci',
  ];
  if (m.console === 'terminal') {
    args.push('-serial', 'mon:stdio');
  } else {
    // a guest that reboots (a panic, a failed boot) ends the run instead of looping until the timeout
    args.push('-serial', 'stdio', '-monitor', 'none', '-no-reboot');
  }
  if (m.reportFile) args.push('-serial', `file:${m.reportFile}`);
  if (m.seed) args.push('-drive', `file=${m.seed},format=raw,if=virtio,readonly=on`);
  if (m.firmware === 'uefi') {
    if (!m.ovmf) throw new Error('qemuArguments: uefi needs the OVMF files');
    args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${m.ovmf.code}`);
    args.push('-drive', `if=pflash,format=raw,unit=1,file=${m.ovmf.vars}`);
  }
  return [...args, ...m.extraArgs];
}
