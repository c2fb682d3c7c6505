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
    );
    const body = lines.filter((l) => /\d$/.test(l) || l.includes('out/'));
    expect(body[0]).toMatch(/^build root\s+8\.0$/);
    expect(body[1]).toMatch(/^ {2}root\.d\s+3\.0$/);
    expect(body[2]).toMatch(/^ {2}install\.d\s+5\.0$/);
    expect(body[3]).toMatch(/^outputs \(failed\)\s+2\.0$/);
    expect(body[4]).toBe('qcow2        300.0 MiB  out/deb.qcow2');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});
