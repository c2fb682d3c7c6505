import { describe, expect, it } from 'vitest';
import { guidFromBytes, guidToBytes, isGuid, makeGuid } from '../../../../src/blockdevice/partition-table/guid.js';

describe('GUID encoding', () => {
  it('stores the first three fields little-endian and the rest as written (the ESP type as on disk)', () => {
    expect(guidToBytes('C12A7328-F81F-11D2-BA4B-00A0C93EC93B').toString('hex')).toBe('28732ac11ff8d211ba4b00a0c93ec93b');
  });

  it('round-trips through bytes', () => {
    const g = makeGuid('x', 'seed');
    expect(guidFromBytes(guidToBytes(g))).toBe(g);
  });

  it('makes version-4, RFC 4122 variant GUIDs, reproducible from a seed and purpose', () => {
    expect(makeGuid('disk', 's')).toBe(makeGuid('disk', 's'));
    expect(makeGuid('disk', 's')).not.toBe(makeGuid('part:1', 's'));
    expect(makeGuid('disk', 's')).not.toBe(makeGuid('disk', 't'));
    expect(makeGuid('disk')).not.toBe(makeGuid('disk'));
    for (const g of [makeGuid('disk', 's'), makeGuid('disk')]) {
      expect(isGuid(g)).toBe(true);
      expect(g).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    }
  });

  it('rejects malformed text', () => {
    expect(() => guidToBytes('not-a-guid')).toThrow(/not a GUID/);
    expect(isGuid('C12A7328F81F11D2BA4B00A0C93EC93B')).toBe(false);
  });
});
