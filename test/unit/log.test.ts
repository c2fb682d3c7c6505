// What the terminal shows of a build's log (src/log.ts), on a fake terminal: the default screen
// folds hook output, -q keeps warnings and errors, and long steps report progress.
import { afterEach, describe, expect, it, vi } from 'vitest';

async function freshLog(opts: { quiet?: boolean; level?: 'debug' | 'detail' | 'info'; isTTY?: boolean } = {}) {
  vi.resetModules();
  const mod = await import('../../src/log.js');
  const out = { isTTY: opts.isTTY ?? false, columns: 100, text: '', write: (s: string) => (out.text += s) };
  mod.configureLog({ quiet: opts.quiet ?? false, level: opts.level ?? 'info', terminal: out });
  const lines = () => out.text.split('\n').filter(Boolean).map((l) => l.replace(/^\[\s*[\d.]+s\] /, ''));
  return { ...mod, out, lines };
}

async function sampleBuild(l: Awaited<ReturnType<typeof freshLog>>) {
  await l.withStep('plan', async () => l.log.info('elements: base debian'));
  await l.withStep('push', async () => undefined);
  await l.withStep('install.d', async () => {
    await l.withStep('debian/10-apt', async () => {
      l.log.detail('debian/install.d/10-apt: Unpacking less (590-2) ...');
      l.log.debug('$ chroot /mnt apt-get install less (10 ms, exit 0)');
      await new Promise((r) => setTimeout(r, 60));
    });
  });
  l.log.warn('a warning');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the terminal screen of a build', () => {
  it('by default: finished top-level steps, their info lines under a start line, no hook output, no trivial steps', async () => {
    const l = await freshLog();
    await sampleBuild(l);
    expect(l.lines()).toEqual([
      '▶ plan',
      '  elements: base debian',
      expect.stringMatching(/^✔ plan \(0\.\d s\)$/),
      expect.stringMatching(/^✔ install\.d \(0\.\d s\)$/),
      'warn: a warning',
    ]);
  });

  it('with -q: warnings and errors only', async () => {
    const l = await freshLog({ quiet: true });
    await sampleBuild(l);
    expect(l.lines()).toEqual(['warn: a warning']);
  });

  it('with -v: every step and the hook output, but not the host commands (-vv)', async () => {
    const l = await freshLog({ level: 'detail' });
    await sampleBuild(l);
    const text = l.lines().join('\n');
    expect(text).toContain('▶ push');
    expect(text).toContain('  ▶ debian/10-apt');
    expect(text).toContain('    debian/install.d/10-apt: Unpacking less (590-2) ...');
    expect(text).not.toContain('$ chroot');
  });

  it('sends everything to the log file, without \\r', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tsdib-log-'));
    const file = join(dir, 'build.log');
    const l = await freshLog({ quiet: true });
    l.configureLog({ logfile: file });
    await sampleBuild(l);
    l.log.detail('(Reading database ... 5%\r(Reading database ... 100 files installed.)');
    const text = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(text).toContain('debian/install.d/10-apt: Unpacking less (590-2) ...');
    expect(text).toContain('$ chroot /mnt apt-get install less');
    expect(text).toMatch(/\] \(Reading database \.\.\. 100 files installed\.\)\n/);
    expect(text).not.toContain('\r');
  });

  it('off a TTY, a long step prints a plain progress line every PERIODIC_SECONDS with what it reports', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const l = await freshLog();
    const step = l.withStep('install.d', () => l.withProgress(() => 'packages: 3 fetched', () => new Promise((r) => setTimeout(r, (l.PERIODIC_SECONDS * 2 + 5) * 1000))));
    await vi.advanceTimersByTimeAsync((l.PERIODIC_SECONDS * 2 + 6) * 1000);
    await step;
    const progress = l.lines().filter((x) => x.includes('…'));
    expect(progress).toEqual([`  … install.d ${l.PERIODIC_SECONDS} s · packages: 3 fetched`, `  … install.d ${l.PERIODIC_SECONDS * 2} s · packages: 3 fetched`]);
    expect(l.out.text).not.toContain('\r');
  });

  it('on a TTY, draws the running step on the status line and clears it when the build ends', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const l = await freshLog({ isTTY: true });
    const step = l.withStep('disk outputs', () => l.withProgress(() => 'qcow2 120.0 MiB written', () => new Promise((r) => setTimeout(r, 3000))));
    await vi.advanceTimersByTimeAsync(3500);
    await step;
    expect(l.out.text).toContain('\r\x1b[K… disk outputs 2 s · qcow2 120.0 MiB written');
    // the status line is erased, then the step's end line is the last thing on the screen
    expect(l.out.text).toMatch(/\r\x1b\[K\[\s*[\d.]+s\] ✔ disk outputs \(3\.\d s\)\n$/);
  });
});

describe('a deferred logfile', () => {
  it('holds its lines until openLogfile, then makes its directory and writes them all', async () => {
    const fs = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { configureLog, log, openLogfile } = await import('../../src/log.js');
    const dir = fs.mkdtempSync(join(tmpdir(), 'tsdib-log-'));
    const file = join(dir, 'logs', 'build.log');
    try {
      configureLog({ logfile: file, deferLogfile: { prepare: () => fs.mkdirSync(join(dir, 'logs')) } });
      log.info('before the work');
      expect(fs.existsSync(join(dir, 'logs'))).toBe(false);
      openLogfile();
      log.info('during the work');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('before the work');
      expect(text).toContain('during the work');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
