import { describe, expect, it } from 'vitest';
import { checksumLine, parseChecksum } from '../../../src/output/checksum.js';

describe('checksum options', () => {
  it.each([
    [true, ['md5', 'sha256']],
    ['1', ['md5', 'sha256']],
    [false, []],
    ['0', []],
    ['', []],
    ['sha256', ['sha256']],
    ['sha256,md5', ['md5', 'sha256']],
  ] as const)('DIB_CHECKSUM=%j means %j', (value, expected) => {
    expect(parseChecksum(value)).toEqual(expected);
  });

  it('rejects an unknown algorithm', () => {
    expect(() => parseChecksum('md5,crc32')).toThrow(/crc32/);
  });

  it('writes the coreutils line: hex, two spaces, basename', () => {
    expect(checksumLine('abc', '/out/dir/img.qcow2')).toBe('abc  img.qcow2\n');
  });
});
