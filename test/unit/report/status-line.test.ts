import { describe, expect, it } from 'vitest';
import { StatusLine } from '../../../src/report/status-line.js';

const stream = (isTTY: boolean, columns = 40) => {
  const out = { isTTY, columns, text: '', write: (s: string) => (out.text += s) };
  return out;
};

describe('StatusLine', () => {
  it('on a TTY, prints log lines above the status line and draws it again below them', () => {
    const out = stream(true);
    const status = new StatusLine(out);
    status.show('… install.d 4 s');
    status.print('[  1.0s] ✔ root.d (1.0 s)');
    expect(out.text).toBe('\r\x1b[K… install.d 4 s\r\x1b[K[  1.0s] ✔ root.d (1.0 s)\n… install.d 4 s');
  });

  it('cuts the status line to the terminal width', () => {
    const out = stream(true, 21);
    new StatusLine(out).show('… install.d 45 s · packages: 80 fetched');
    expect(out.text).toBe('\r\x1b[K… install.d 45 s · …');
  });

  it('off a TTY, never writes \\r or escapes: the status line is not drawn', () => {
    const out = stream(false);
    const status = new StatusLine(out);
    status.show('… install.d 4 s');
    status.print('line');
    expect(out.text).toBe('line\n');
  });
});
