import { describe, expect, it } from 'vitest';
import { parseAbsSize, parseRelSize, parseSizeSpec, SizeSpecError } from '../../../src/blockdevice/size.js';

describe('parseAbsSize', () => {
  it.each([
    // DIB's examples (dib.md §4.6, test_utils.py)
    ['20TiB', 21990232555520],
    ['1024KiB', 1048576],
    ['1.2TB', 1.2e12],
    ['2.4T', 2.4e12],
    ['512B', 512],
    ['364', 364],
    ['1.5 GiB', 1610612736],
    ['154MiB', 161480704],
    ['198', 198],
    // the unit table
    ['1KiB', 1024],
    ['1MiB', 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['1TiB', 1024 ** 4],
    ['1KB', 1000],
    ['1MB', 1000 ** 2],
    ['1GB', 1000 ** 3],
    ['1TB', 1000 ** 4],
    ['1K', 1000],
    ['1M', 1000 ** 2],
    ['1G', 1000 ** 3],
    ['3G', 3e9],
    ['1800M', 1.8e9],
    ['MiB', 1048576],
    ['0.5KiB', 512],
    ['1.5B', 1],
    ['8 MiB', 8 * 1024 ** 2],
  ])('%s is %d bytes', (spec, bytes) => {
    expect(parseAbsSize(spec)).toBe(bytes);
  });

  it('takes a YAML number as bytes', () => {
    expect(parseAbsSize(4096)).toBe(4096);
  });

  it.each([
    ['747InVaLiDUnIt', 'unknown unit "InVaLiDUnIt"'],
    ['_+!HuHi+-=', 'is not <number>[ ]<unit>'],
    ['10gb', 'unknown unit "gb"'],
    ['1kB', 'unknown unit "kB"'],
    ['1mib', 'unknown unit "mib"'],
    ['1  GiB', 'is not <number>[ ]<unit>'],
    ['1.2.3G', '"1.2.3" is not a number'],
    ['-1G', 'is not <number>[ ]<unit>'],
    ['50%', 'is not <number>[ ]<unit>'],
  ])('rejects %s (%s)', (spec, fragment) => {
    expect(() => parseAbsSize(spec)).toThrow(SizeSpecError);
    expect(() => parseAbsSize(spec)).toThrow(fragment);
  });
});

describe('parseSizeSpec', () => {
  it('reads a trailing % as a percentage', () => {
    expect(parseSizeSpec('40%')).toEqual({ percent: 40 });
    expect(parseSizeSpec('0.5%')).toEqual({ percent: 0.5 });
  });

  it('reads anything else as an absolute size', () => {
    expect(parseSizeSpec('8MiB')).toEqual({ bytes: 8388608 });
  });

  it('rejects a % without a number', () => {
    expect(() => parseSizeSpec('abc%')).toThrow('"abc" is not a number');
  });
});

describe('parseRelSize', () => {
  it('takes a percentage of the total, floored, like DIB', () => {
    expect(parseRelSize('50%', 1001)).toEqual([true, 500]);
    expect(parseRelSize('154MiB', 0)).toEqual([false, 161480704]);
  });
});
