import { describe, expect, it } from 'vitest';
import { formatBytes, formatSummary } from '../../../src/report/summary.js';

describe('formatSummary', () => {
  it('lists steps in start order with children indented under their parent', () => {
    const lines = formatSummary(
      [
        { name: 'root.d', depth: 1, seconds: 3, ok: true },
        { name: 'install.d', depth: 1, seconds: 5, ok: true },
        { name: 'build root', depth: 0, seconds: 8.04, ok: true },
        { name: 'outputs', depth: 0, seconds: 2, ok: false },
      ],
      [{ type: 'qcow2', path: 'out/deb.qcow2', bytes: 300 * 1024 * 1024 }],
      { maxDepth: 1 },
    );
    const body = lines.filter((l) => /\d$/.test(l) || l.includes('out/'));
    expect(body[0]).toMatch(/^build root\s+8\.0$/);
    expect(body[1]).toMatch(/^ {2}root\.d\s+3\.0$/);
    expect(body[2]).toMatch(/^ {2}install\.d\s+5\.0$/);
    expect(body[3]).toMatch(/^outputs \(failed\)\s+2\.0$/);
    expect(body[4]).toBe('qcow2        300.0 MiB  out/deb.qcow2');
  });

  it('lists top-level steps by default, leaves off the ones that took no time, ends with the total', () => {
    const lines = formatSummary(
      [
        { name: 'debian/10-apt', depth: 1, seconds: 5, ok: true },
        { name: 'install.d', depth: 0, seconds: 5, ok: true },
        { name: 'push', depth: 0, seconds: 0.01, ok: true },
        { name: 'release', depth: 0, seconds: 0.01, ok: false },
      ],
      [],
      { totalSeconds: 6.25 },
    );
    expect(lines.filter((l) => /\d$/.test(l))).toEqual([
      expect.stringMatching(/^install\.d\s+5\.0$/),
      expect.stringMatching(/^release \(failed\)\s+0\.0$/),
      expect.stringMatching(/^total\s+6\.3$/),
    ]);
  });

  it('gives each output its sha256, then the log and the next step; quiet leaves the steps off', () => {
    const sha = 'ab'.repeat(32);
    const lines = formatSummary([{ name: 'install.d', depth: 0, seconds: 5, ok: true }], [{ type: 'raw', path: 'out/x.raw', bytes: 2048, sha256: sha }], {
      quiet: true,
      logfile: '/var/log/x.log',
      next: 'tsdib boot out/x.raw',
    });
    expect(lines).toEqual(['', 'output      size        path', 'raw            2.0 KiB  out/x.raw', `${' '.repeat(24)}sha256 ${sha}`, '', 'log: /var/log/x.log', 'next: tsdib boot out/x.raw']);
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});
