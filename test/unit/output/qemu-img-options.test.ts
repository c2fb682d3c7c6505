import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { parseQemuImgOptions, parseQemuSize } from '../../../src/output/qemu-img-options.js';

describe('parseQemuImgOptions', () => {
  it('reads k=v pairs, a bare key as on, and ,, as a literal comma', () => {
    expect([...parseQemuImgOptions('compat=1.1, lazy_refcounts ,toolsversion=a,,b')]).toEqual([
      ['compat', '1.1'],
      ['lazy_refcounts', 'on'],
      ['toolsversion', 'a,b'],
    ]);
  });

  it('treats empty or missing text as no options', () => {
    expect(parseQemuImgOptions(undefined).size).toBe(0);
    expect(parseQemuImgOptions('  ').size).toBe(0);
  });

  it.each(['=x', 'a=1,a=2'])('rejects %j with FLAG_INVALID', (text) => {
    const err = (() => {
      try {
        parseQemuImgOptions(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isTsdibError(err) && err.code).toBe('FLAG_INVALID');
  });

  it('parses qemu size suffixes', () => {
    expect(parseQemuSize('64k', 'cluster_size', 'qcow2')).toBe(65536);
    expect(parseQemuSize('2M', 'cluster_size', 'qcow2')).toBe(2 << 20);
    expect(() => parseQemuSize('64KiB', 'cluster_size', 'qcow2')).toThrow(/cluster_size=64KiB/);
  });
});
