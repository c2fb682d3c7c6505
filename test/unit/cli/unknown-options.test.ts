import { describe, expect, it } from 'vitest';
import { unknownOptionsMessage } from '../../../src/cli/unknown-options.js';

describe('unknownOptionsMessage', () => {
  it.each([
    ['Unknown arguments: bogus-flag, bogusFlag', 'unknown option: --bogus-flag'],
    ['Unknown argument: frobnicate', 'unknown option: --frobnicate'],
    ['Unknown arguments: root-fs-type, rootFsType, z', 'unknown options: --root-fs-type, -z'],
    // a camel-cased option typed as such is kept
    ['Unknown arguments: fooBar', 'unknown option: --fooBar'],
  ])('names each unknown option once, as typed: %j', (msg, expected) => {
    expect(unknownOptionsMessage(msg)).toBe(expected);
  });

  it('leaves other yargs messages alone', () => {
    expect(unknownOptionsMessage('Not enough non-option arguments: got 0, need at least 1')).toBe('Not enough non-option arguments: got 0, need at least 1');
  });
});
