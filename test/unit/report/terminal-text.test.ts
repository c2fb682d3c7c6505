import { describe, expect, it } from 'vitest';
import { cleanLine } from '../../../src/report/terminal-text.js';

describe('cleanLine', () => {
  it("keeps only the last state of a line redrawn with \\r (dpkg's Reading database …)", () => {
    const dpkg = `(Reading database ... \r(Reading database ... 5%\r(Reading database ... 100%\r(Reading database ... 9412 files and directories currently installed.)`;
    expect(cleanLine(dpkg)).toBe('(Reading database ... 9412 files and directories currently installed.)');
  });

  it('drops a trailing \\r and colour escapes', () => {
    expect(cleanLine('Setting up less (590-2) ...\r')).toBe('Setting up less (590-2) ...');
    expect(cleanLine('\x1b[1;31mE:\x1b[0m broken\x1b[K')).toBe('E: broken');
  });

  it('leaves a plain line as it is', () => {
    expect(cleanLine('Get:1 http://deb.debian.org/debian bookworm/main amd64 less 590-2 [132 kB]')).toBe('Get:1 http://deb.debian.org/debian bookworm/main amd64 less 590-2 [132 kB]');
  });
});
