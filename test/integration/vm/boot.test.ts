// `tsdib boot` on tiny guests (an MBR that prints a line, then halts or resets): the pattern is
// found, a pattern that never shows fails at the timeout with the console tail, a guest that stops
// fails at once, an interrupted boot leaves no qemu and no overlay, and bad input exits 2 before
// qemu starts. The image file is never written.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runCli } from '../../helpers/cli.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';
import { TINY_GUEST_LINE, writeTinyGuest } from '../../helpers/tiny-guest.js';

const skip = skipUnless(hasCommand('qemu-system-x86_64') && hasCommand('qemu-img'), 'tsdib boot on tiny guests', 'needs qemu-system-x86_64 and qemu-img');

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Processes whose command line mentions `text` (our own run's private TMPDIR). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) && Number(pid) !== process.pid) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe.skipIf(skip)('tsdib boot', () => {
  let dir: string;
  let halting: string;
  let resetting: string;
  let runTmp: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-boot-test-'));
    halting = join(dir, 'halt.raw');
    resetting = join(dir, 'reset.raw');
    writeTinyGuest(halting, 'halt');
    writeTinyGuest(resetting, 'reset');
    runTmp = join(dir, 'tmp');
    mkdirSync(runTmp);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const boot = (args: string[], env: Record<string, string> = {}) => runCli(['boot', ...args], { env: { TMPDIR: runTmp, ...env } });

  it('exits 0 once the console shows the pattern, prints the console, and leaves the image as it was', () => {
    const before = sha256(halting);
    const r = boot([halting, '--expect', 'says hel+o', '--timeout', '120']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(TINY_GUEST_LINE);
    expect(r.stderr).toMatch(/SeaBIOS under (KVM|software emulation)/);
    expect(r.stderr).toMatch(/the console showed \/says hel\+o\/ after/);
    expect(sha256(halting)).toBe(before);
    expect(readdirSync(runTmp)).toEqual([]);
  });

  it('fails (exit 1) when the pattern never shows, at the timeout, with the console tail', () => {
    const t0 = Date.now();
    const r = boot([halting, '--expect', 'login:', '--timeout', '4']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error BOOT_FAILED: .*did not show \/login:\/ within 4 s/);
    expect(r.stderr).toContain(`| ${TINY_GUEST_LINE}`);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(readdirSync(runTmp)).toEqual([]);
  });

  it('fails at once when the guest stops (a reset under -no-reboot) before the pattern', () => {
    const r = boot([resetting, '--expect', 'login:', '--timeout', '300']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error BOOT_FAILED: .*the guest stopped after .* before the console showed \/login:\//);
    expect(r.stderr).toContain(`| ${TINY_GUEST_LINE}`);
  });

  it('writes the whole console to --console-log and passes arguments after -- to qemu', () => {
    const log = join(dir, 'console.log');
    const r = boot([halting, '--expect', 'hello', '--console-log', log, '--', '-name', 'tsdib-tiny']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(TINY_GUEST_LINE);
    const bad = boot([halting, '--expect', 'hello', '--', '-no-such-qemu-option']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error HOST_COMMAND_FAILED: qemu-system-x86_64 .*-no-such-qemu-option exited 1/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('leaves no qemu process and no overlay behind when %s interrupts it', async (signal) => {
    const own = mkdtempSync(join(dir, 'interrupt-'));
    const child = spawn(process.execPath, [CLI, 'boot', halting, '--expect', 'never shows', '--timeout', '300'], { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: own }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes(TINY_GUEST_LINE)) resolve();
      });
    });
    expect(processesMentioning(own).length, 'qemu runs before the signal').toBeGreaterThan(0);
    expect(readdirSync(own).length, 'the overlay exists before the signal').toBe(1);
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(stderr).toContain(`error INTERRUPTED: interrupted by ${signal}`);
    expect(processesMentioning(own)).toEqual([]);
    expect(readdirSync(own)).toEqual([]);
  }, 120_000);

  describe('refuses bad input with exit 2 before qemu starts', () => {
    it('a missing image', () => {
      const r = boot([join(dir, 'missing.qcow2'), '--expect', 'x']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error IMAGE_INVALID: image .*missing\.qcow2: no such file$/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('a file of unknown format (raw data without a partition table)', () => {
      const junk = join(dir, 'junk.img');
      writeFileSync(junk, Buffer.alloc(65536, 7));
      const r = boot([junk, '--expect', 'x']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/error IMAGE_INVALID: image .*junk\.img: unknown format: qemu-img sees raw data, and it has no partition table/);
    });

    it('a tar archive (a tree output)', () => {
      const tar = join(dir, 'tree.tar');
      const header = Buffer.alloc(10240);
      header.write('etc/', 0);
      header.write('ustar', 257);
      writeFileSync(tar, header);
      const r = boot([tar]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/error IMAGE_INVALID: image .*tree\.tar is a tar archive, not a disk image/);
    });

    it('--firmware uefi without OVMF', () => {
      const r = boot([halting, '--firmware', 'uefi', '--expect', 'x'], { TSDIB_OVMF_CODE: join(dir, 'no-OVMF_CODE.fd'), TSDIB_OVMF_VARS: join(dir, 'no-OVMF_VARS.fd') });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/error ENV_INVALID: TSDIB_OVMF_CODE=.*no-OVMF_CODE\.fd: no such file \(the OVMF firmware for --firmware uefi\)/);
      expect(r.stderr).toContain('tsdib doctor --install --boot');
    });

    it.each([
      [['--expect', '(unclosed'], /error FLAG_INVALID: --expect \(unclosed: not a regular expression/],
      [['--memory', 'lots'], /error FLAG_INVALID: --memory lots: expected MiB/],
      [['--cpus', '0'], /error FLAG_INVALID: --cpus 0: expected a whole number >= 1/],
      [['--cpus', 'abc'], /error FLAG_INVALID: --cpus abc: expected a whole number >= 1/],
      [['--timeout', '-5', '--expect', 'x'], /error FLAG_INVALID: --timeout "-5": expected a number > 0 \(seconds\)/],
      [['--seed', '/nonexistent/seed'], /error FLAG_INVALID: --seed \/nonexistent\/seed: no such file or directory/],
    ])('%j', (flags, message) => {
      const r = boot([halting, ...flags]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(readdirSync(runTmp)).toEqual([]);
    });

    it('a seed file that is no CIDATA filesystem', () => {
      const r = boot([halting, '--seed', halting, '--expect', 'x']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/error FLAG_INVALID: --seed .*halt\.raw: the file is no filesystem labelled CIDATA/);
    });
  });
});
