import { describe, expect, it } from 'vitest';
import { parseFilefrag } from '../../../src/output/extent-map.js';

const OUTPUT = `Filesystem type is: ef53
File size of x.raw is 1073741824 (262144 blocks of 4096 bytes)
 ext:     logical_offset:        physical_offset: length:   expected: flags:
   0:      160..     207:    6064288..   6064335:     48:        160:
   1:      208..     209:    6064336..   6064337:      2:
   2:    25600..   25855:    6057728..   6057983:    256:    6089728: unwritten
   3:   262140..  262143:          0..         0:      0:             last,unknown_loc,delalloc
x.raw: 4 extents found
`;

describe('parseFilefrag', () => {
  it('turns block ranges into merged byte ranges, keeping unwritten and delalloc extents', () => {
    expect(parseFilefrag(OUTPUT, 1073741824)).toEqual([
      { start: 160 * 4096, end: 210 * 4096 },
      { start: 25600 * 4096, end: 25856 * 4096 },
      { start: 262140 * 4096, end: 262144 * 4096 },
    ]);
  });

  it('clips the last extent to the file size', () => {
    expect(parseFilefrag(OUTPUT, 262142 * 4096 + 100).at(-1)).toEqual({ start: 262140 * 4096, end: 262142 * 4096 + 100 });
  });

  it('fails on output without the size line (the caller then reads the whole file)', () => {
    expect(() => parseFilefrag('x: FIBMAP/FIEMAP unsupported', 10)).toThrow(/File size of/);
  });
});
