/**
 * The default target architecture, as DIB picks it: `dpkg --print-architecture` on Debian-like
 * hosts, otherwise the kernel's machine name mapped to Debian names (x86_64 → amd64,
 * aarch64 → arm64, armv* → armhf; anything else is kept).
 */
import { machine } from 'node:os';
import { run } from '../host/exec.js';

export function debianArchName(unameMachine: string): string {
  if (unameMachine === 'x86_64') return 'amd64';
  if (unameMachine === 'aarch64') return 'arm64';
  if (unameMachine.startsWith('armv')) return 'armhf';
  return unameMachine;
}

let cached: string | undefined;

export async function hostArch(): Promise<string> {
  if (cached) return cached;
  try {
    cached = (await run('dpkg', ['--print-architecture'], { step: 'detect arch' })).trim() || undefined;
  } catch {
    cached = undefined; // not a Debian-like host
  }
  cached ??= debianArchName(machine());
  return cached;
}
