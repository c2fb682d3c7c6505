import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { clearInterrupted, markInterrupted, run, runResult } from '../../../src/host/exec.js';

describe('run', () => {
  it('returns stdout without the final newline', async () => {
    expect(await run('echo', ['hello'])).toBe('hello');
  });

  it('a failure names the command, its exit code and the tail of stderr', async () => {
    const err = await run('sh', ['-c', 'echo first >&2; echo last words >&2; exit 3']).catch((e: unknown) => e);
    expect(isTsdibError(err)).toBe(true);
    if (!isTsdibError(err)) return;
    expect(err.code).toBe('HOST_COMMAND_FAILED');
    expect(err.context.exitCode).toBe(3);
    expect(err.message).toContain("sh -c 'echo first");
    expect(err.message).toContain('exited 3');
    expect(err.message).toContain('last words');
    expect(err.context.outputTail).toBe('first\nlast words');
  });

  it('a missing command gets a doctor hint', async () => {
    const err = await run('tsdib-no-such-command', []).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.context.hint).toContain('tsdib doctor --install');
  });

  it('hands onOutput each chunk as it comes, also text without a line end (a console prompt)', async () => {
    const chunks: string[] = [];
    await run('sh', ['-c', 'printf "debian login: "; printf oops >&2'], { onOutput: (c, stream) => chunks.push(`${stream}:${c.toString()}`) });
    expect(chunks).toContain('stdout:debian login: ');
    expect(chunks).toContain('stderr:oops');
  });

  it('accepts listed non-zero exit codes', async () => {
    const r = await runResult('sh', ['-c', 'exit 1'], { okExitCodes: [0, 1] });
    expect(r.exitCode).toBe(1);
  });

  it('streams lines to onLine as they arrive', async () => {
    const lines: string[] = [];
    await run('sh', ['-c', 'echo a; echo b >&2; printf c'], { onLine: (l, s) => lines.push(`${s}:${l}`) });
    expect(lines.sort()).toEqual(['stderr:b', 'stdout:a', 'stdout:c']);
  });
});

describe('run after an interrupt', () => {
  it('refuses a command without afterInterrupt (INTERRUPTED, naming the signal and the command), even one whose step says release', async () => {
    markInterrupted('SIGTERM');
    try {
      for (const opts of [{}, { step: 'release umount' }, { afterInterrupt: false }]) {
        const err = await run('echo', ['new work'], opts).catch((e: unknown) => e);
        expect(isTsdibError(err) && err.code).toBe('INTERRUPTED');
        expect(isTsdibError(err) && err.context).toMatchObject({ signal: 'SIGTERM', command: "echo 'new work'" });
      }
    } finally {
      clearInterrupted();
    }
  });

  it('runs a command with afterInterrupt: true (a release)', async () => {
    markInterrupted('SIGINT');
    try {
      expect(await run('echo', ['released'], { step: 'release umount', afterInterrupt: true })).toBe('released');
    } finally {
      clearInterrupted();
    }
  });

  it('runs any command again once the interrupt is cleared', async () => {
    markInterrupted('SIGINT');
    clearInterrupted();
    expect(await run('echo', ['ok'])).toBe('ok');
  });
});
