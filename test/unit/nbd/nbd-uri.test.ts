import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { parseNbdUri } from '../../../src/nbd/nbd-uri.js';

describe('parseNbdUri', () => {
  it.each([
    ['nbd://127.0.0.1:10900', { kind: 'tcp', host: '127.0.0.1', port: 10900, exportName: '' }],
    ['nbd://localhost', { kind: 'tcp', host: 'localhost', port: 10809, exportName: '' }],
    ['nbd://127.0.0.1:10900/disk%201', { kind: 'tcp', host: '127.0.0.1', port: 10900, exportName: 'disk 1' }],
    ['nbd://[::1]:10900/x', { kind: 'tcp', host: '::1', port: 10900, exportName: 'x' }],
    ['nbd+unix:///?socket=/run/nbd.sock', { kind: 'unix', socket: '/run/nbd.sock', exportName: '' }],
    ['nbd+unix:///disk?socket=/run/nbd.sock', { kind: 'unix', socket: '/run/nbd.sock', exportName: 'disk' }],
  ])('reads %s', (uri, expected) => {
    expect(parseNbdUri(uri)).toEqual({ ...expected, uri });
  });

  it.each([
    ['nbds://host/x', 'TLS'],
    ['nbd+unix:///x', 'socket'],
    ['nbd+unix://host/x?socket=/s', 'no host'],
    ['nbd://host?x=1', 'query'],
    ['http://host/x', 'unknown scheme http'],
    ['not a uri', 'not a URI'],
  ])('refuses %s (FLAG_INVALID naming --write-to)', (uri, fragment) => {
    let err: unknown;
    try {
      parseNbdUri(uri);
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.code).toBe('FLAG_INVALID');
    expect(isTsdibError(err) && err.context).toMatchObject({ flag: '--write-to', value: uri, problem: expect.stringContaining(fragment) });
  });
});
