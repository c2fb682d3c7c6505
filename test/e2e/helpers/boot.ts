// Boots a disk image under qemu (software emulation) and waits for a login prompt on the serial
// console. qemu runs as a child process we own: it is killed when the prompt appears, on timeout,
// and when the test process exits. The image is never written (-snapshot).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Firmware = 'bios' | 'uefi';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export interface BootOptions {
  image: string;
  format?: 'qcow2' | 'raw';
  firmware: Firmware;
  /** What to wait for on the serial console (default: a login prompt). */
  expect?: RegExp;
  timeoutMs?: number;
  /** Where the whole serial console is written (kept for a failing test's report). */
  consoleLog?: string;
  memoryMiB?: number;
}

export interface BootResult {
  reached: boolean;
  seconds: number;
  /** The last lines of the serial console. */
  tail: string;
  /** Why qemu stopped before the prompt, when it did. */
  exit?: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function qemuArgs(opts: BootOptions, varsCopy: string | undefined): string[] {
  const args = [
    '-accel', 'tcg',
    '-m', String(opts.memoryMiB ?? 1024),
    '-smp', '1',
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    '-snapshot',
    '-no-reboot',
    '-drive', `file=${opts.image},format=${opts.format ?? 'qcow2'},if=virtio`,
    '-nic', 'user,model=virtio-net-pci',
  ];
  if (opts.firmware === 'uefi') {
    args.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`);
    args.push('-drive', `if=pflash,format=raw,file=${varsCopy}`);
  }
  return args;
}

/** Boots `image` and resolves when `expect` (default /login:/) shows on the serial console. */
export async function bootToPrompt(opts: BootOptions): Promise<BootResult> {
  const expect = opts.expect ?? /login:/;
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const work = mkdtempSync(join(tmpdir(), 'tsdib-boot-'));
  let varsCopy: string | undefined;
  if (opts.firmware === 'uefi') {
    varsCopy = join(work, 'OVMF_VARS.fd');
    copyFileSync(OVMF_VARS, varsCopy);
  }
  const t0 = performance.now();
  const child = spawn('qemu-system-x86_64', qemuArgs(opts, varsCopy), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: work } });
  live.add(child);
  const logStream = opts.consoleLog ? createWriteStream(opts.consoleLog) : undefined;
  let text = '';
  let stderr = '';
  try {
    return await new Promise<BootResult>((resolve) => {
      const finish = (reached: boolean, exit?: string) => {
        clearTimeout(timer);
        resolve({ reached, seconds: (performance.now() - t0) / 1000, tail: lastLines(text, 40), ...(exit ? { exit } : {}) });
      };
      const timer = setTimeout(() => finish(false, `no match for ${expect} within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        const s = chunk.toString('utf8');
        logStream?.write(chunk);
        text = (text + s).slice(-200_000);
        if (expect.test(text)) finish(true);
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('exit', (code, signal) => finish(false, `qemu exited (${signal ?? code}) ${stderr.trim()}`));
    });
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    live.delete(child);
    logStream?.end();
    rmSync(work, { recursive: true, force: true });
  }
}

function lastLines(s: string, n: number): string {
  // the console carries ANSI escapes and carriage returns; keep the tail readable
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '').split('\n').slice(-n).join('\n');
}
