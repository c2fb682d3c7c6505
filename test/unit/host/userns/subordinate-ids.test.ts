import { describe, expect, it } from 'vitest';
import { freeRangeStart, subordinateRanges } from '../../../../src/host/userns/subordinate-ids.js';

const SUBUID = ['alice:100000:65536', 'bob:165536:65536', '1005:231072:65536', '# a comment', 'alice:300000:1000', 'broken:line', 'carol:400000:0', ''].join('\n');

describe('subordinateRanges', () => {
  it("lists a user's ranges in file order", () => {
    expect(subordinateRanges(SUBUID, { name: 'alice', id: 1000 })).toEqual([
      { start: 100000, count: 65536 },
      { start: 300000, count: 1000 },
    ]);
  });

  it('finds a range given by numeric uid', () => {
    expect(subordinateRanges(SUBUID, { name: 'dave', id: 1005 })).toEqual([{ start: 231072, count: 65536 }]);
  });

  it('skips comments, malformed lines and empty ranges', () => {
    expect(subordinateRanges(SUBUID, { name: 'broken', id: 1 })).toEqual([]);
    expect(subordinateRanges(SUBUID, { name: 'carol', id: 2 })).toEqual([]);
  });
});

describe('freeRangeStart', () => {
  it('starts above every range of both files, aligned to 65536', () => {
    expect(freeRangeStart([SUBUID, 'x:500000:65536\n'])).toBe(589824);
  });

  it('starts at 131072 at the least when the files are empty (100000 aligned up)', () => {
    expect(freeRangeStart(['', ''])).toBe(131072);
  });
});
