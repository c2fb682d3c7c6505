import { describe, expect, it } from 'vitest';
import { FILESYSTEM_TYPES } from '../../../../src/blockdevice/filesystems.js';
import { OFFLINE_FILESYSTEMS, offlinePopulator } from '../../../../src/blockdevice/offline/populators.js';

describe('OFFLINE_FILESYSTEMS', () => {
  it('has an entry (a populator or the reason there is none) for every filesystem type mkfs knows', () => {
    expect(Object.keys(OFFLINE_FILESYSTEMS).sort()).toEqual([...FILESYSTEM_TYPES].sort());
  });

  it('says why xfs cannot be assembled offline', () => {
    const p = offlinePopulator('xfs');
    expect('unsupported' in p && p.unsupported).toMatch(/timestamps, extended attributes .* hard links/);
  });

  it('answers for an unknown type instead of throwing', () => {
    expect(offlinePopulator('reiserfs')).toEqual({ unsupported: 'offline assembly has no way to make reiserfs filesystems' });
    expect(offlinePopulator('constructor')).toEqual({ unsupported: 'offline assembly has no way to make constructor filesystems' });
  });
});
