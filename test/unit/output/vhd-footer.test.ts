import { describe, expect, it } from 'vitest';
import { chsGeometry, encodeDynamicHeader, encodeFooter, nameUuid, vhdChecksum, vhdIdentity, vhdVirtualSize } from '../../../src/output/vhd-footer.js';

const MiB = 1 << 20;

describe('VHD footer', () => {
  it('computes the spec CHS for 4 GiB (8322/16/63, rounding down)', () => {
    expect(chsGeometry(4 * 1024 * MiB)).toEqual({ cylinders: 8322, heads: 16, sectorsPerTrack: 63 });
  });

  it('rounds the virtual size up to a whole MiB', () => {
    expect(vhdVirtualSize(1)).toBe(MiB);
    expect(vhdVirtualSize(MiB)).toBe(MiB);
    expect(vhdVirtualSize(6 * 1024 * MiB + 12345)).toBe(6 * 1024 * MiB + MiB);
  });

  it('writes a footer whose checksum verifies and whose sizes are exact', () => {
    const identity = vhdIdentity({ sourceDateEpoch: 946684800 + 42, kind: 'fixed', size: 3 * MiB, fingerprint: 'f' });
    const f = encodeFooter({ size: 3 * MiB, dynamic: false, identity });
    expect(f.length).toBe(512);
    expect(f.toString('latin1', 0, 8)).toBe('conectix');
    expect(f.readUInt32BE(24)).toBe(42);
    expect(f.toString('latin1', 28, 32)).toBe('qem2');
    expect(Number(f.readBigUInt64BE(48))).toBe(3 * MiB);
    expect(f.readUInt32BE(60)).toBe(2);
    const copy = Buffer.from(f);
    copy.writeUInt32BE(0, 64);
    expect(f.readUInt32BE(64)).toBe(vhdChecksum(copy));
  });

  it('writes a dynamic header with a verifying checksum and 2 MiB blocks', () => {
    const h = encodeDynamicHeader(1536, 7);
    expect(h.toString('latin1', 0, 8)).toBe('cxsparse');
    expect(h.readUInt32BE(28)).toBe(7);
    expect(h.readUInt32BE(32)).toBe(2 * MiB);
    const copy = Buffer.from(h);
    copy.writeUInt32BE(0, 36);
    expect(h.readUInt32BE(36)).toBe(vhdChecksum(copy));
  });

  it('derives the same version-5 UUID from the same seed, another from another', () => {
    const a = nameUuid('x');
    expect(a.equals(nameUuid('x'))).toBe(true);
    expect(a.equals(nameUuid('y'))).toBe(false);
    expect(a[6]! >> 4).toBe(5);
    expect(vhdIdentity({ seed: 's', kind: 'dynamic', size: MiB, fingerprint: 'a' }).uuid.equals(
      vhdIdentity({ seed: 's', kind: 'dynamic', size: MiB, fingerprint: 'b' }).uuid)).toBe(false);
  });
});
