import { describe, expect, it } from 'vitest';
import { chunkWindows, forEachDataRun, rangeIsZero } from '../../../src/output/raw-reader.js';
import type { RawChunk } from '../../../src/output/writer.js';

describe('raw reader windows', () => {
  it('aligns extents to chunk windows, merges neighbours and clips to the size', () => {
    expect(chunkWindows([{ start: 10, end: 20 }, { start: 1500, end: 1600 }, { start: 5000, end: 5001 }], 4500 + 600, 1024)).toEqual([
      { start: 0, end: 2048 },
      { start: 4096, end: 5100 },
    ]);
  });

  it('finds maximal runs of non-zero granules, the last one short', () => {
    const c: RawChunk = { offset: 0, data: Buffer.alloc(10 * 4 + 3), grain: 4, zero: Uint8Array.from([0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0]) };
    const runs: Array<[number, number]> = [];
    forEachDataRun(c, (rel, len) => runs.push([rel, len]));
    expect(runs).toEqual([[0, 8], [16, 4], [40, 3]]);
    expect(rangeIsZero(c, 8, 8)).toBe(true);
    expect(rangeIsZero(c, 8, 12)).toBe(false);
  });
});
