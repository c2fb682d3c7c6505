import { describe, expect, it } from 'vitest';
import { ConsoleBuffer } from '../../../src/vm/console-buffer.js';

describe('ConsoleBuffer', () => {
  it('finds a prompt that arrives one byte at a time and has no line end', () => {
    const c = new ConsoleBuffer();
    let found = false;
    for (const ch of 'Debian GNU/Linux 12 debian ttyS0\r\n\r\ndebian login: ') {
      c.append(Buffer.from(ch));
      found ||= c.matchesNewText(/login:/);
    }
    expect(found).toBe(true);
  });

  it('takes out ANSI escapes and carriage returns, also when an escape is split across chunks', () => {
    const c = new ConsoleBuffer();
    c.append('[  OK  ] Started \x1b[0;1;');
    c.append('39mJournal Service\x1b[0m.\r\n');
    expect(c.all).toBe('[  OK  ] Started Journal Service.\n');
    expect(c.matchesNewText(/Started Journal Service\./)).toBe(true);
  });

  it('does not report a match twice for text it already searched', () => {
    const c = new ConsoleBuffer();
    c.append('x'.repeat(10_000) + 'login:');
    expect(c.matchesNewText(/login:/)).toBe(true);
    c.append('y'.repeat(10_000));
    expect(c.matchesNewText(/login:/)).toBe(false);
  });

  it('keeps the last lines for a failure message, without trailing blank lines', () => {
    const c = new ConsoleBuffer();
    for (let i = 1; i <= 100; i++) c.append(`line ${i}\r\n`);
    expect(c.tail(3)).toBe('line 98\nline 99\nline 100');
  });

  it('decodes UTF-8 split across chunks', () => {
    const c = new ConsoleBuffer();
    const bytes = Buffer.from('● tsdib-test.service');
    c.append(bytes.subarray(0, 1));
    c.append(bytes.subarray(1));
    expect(c.all).toBe('● tsdib-test.service');
  });
});
