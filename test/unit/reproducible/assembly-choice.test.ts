import { describe, expect, it } from 'vitest';
import { chooseAssembly } from '../../../src/reproducible/assembly-choice.js';

const none = () => [];
const lvm = () => ['lvm.yaml: LVM node "lv_root": logical volumes need device-mapper'];
const notAsked = () => {
  throw new Error('the blockers were computed though nothing depends on them');
};

describe('chooseAssembly', () => {
  it('leaves a build without SOURCE_DATE_EPOCH as it was, on either path, and logs nothing', () => {
    expect(chooseAssembly({ offlineAssembly: false }, {}, notAsked)).toEqual({ offlineAssembly: false });
    expect(chooseAssembly({ offlineAssembly: true }, { SOURCE_DATE_EPOCH: '' }, notAsked)).toEqual({ offlineAssembly: true });
  });

  it('keeps an explicit --offline-assembly under SOURCE_DATE_EPOCH without a second check (the flag has its own, exit 2)', () => {
    expect(chooseAssembly({ offlineAssembly: true }, { SOURCE_DATE_EPOCH: '1700000000' }, notAsked)).toEqual({ offlineAssembly: true });
  });

  it('switches to offline assembly under SOURCE_DATE_EPOCH when nothing needs the loop path, and says why', () => {
    const c = chooseAssembly({ offlineAssembly: false }, { SOURCE_DATE_EPOCH: '1700000000' }, none);
    expect(c.offlineAssembly).toBe(true);
    expect(c.log?.level).toBe('info');
    expect(c.log?.message).toMatch(/^SOURCE_DATE_EPOCH=1700000000: assembling the disk offline \(as --offline-assembly\)/);
  });

  it('stays on the loop path when the image needs it, with a warning naming the reason and what is not reproducible', () => {
    const c = chooseAssembly({ offlineAssembly: false }, { SOURCE_DATE_EPOCH: '1700000000' }, lvm);
    expect(c.offlineAssembly).toBe(false);
    expect(c.log?.level).toBe('warn');
    expect(c.log?.message).toContain('needs the loop path (lvm.yaml: LVM node "lv_root": logical volumes need device-mapper)');
    expect(c.log?.message).toMatch(/disk outputs will not be bit-for-bit reproducible/);
  });
});
