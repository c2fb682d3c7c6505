import { describe, expect, it } from 'vitest';
import { breakCommand, breakPhaseName, breakPoints, checkBreak } from '../../../src/pipeline/dib-compat-break.js';

describe('break= debug points', () => {
  it('reads a comma-separated list', () => {
    expect([...breakPoints('before-install, after-error,,')]).toEqual(['before-install', 'after-error']);
    expect(breakPoints(undefined).size).toBe(0);
  });

  it('names a phase as DIB does (root.d → root)', () => {
    expect(breakPhaseName('pre-install.d')).toBe(`pre-install`);
  });

  it('opens the shell in the chroot for chroot phases and on the host otherwise', () => {
    const env = { PATH: '/x', DIB_RELEASE: 'bookworm' };
    expect(breakCommand({ point: 'before-install', inChroot: true, root: '/w/mnt', env }, {}).argv).toEqual(['chroot', '/w/mnt', 'bash']);
    expect(breakCommand({ point: 'before-install', inChroot: true, root: '/w/mnt', env }, {}).env['PATH']).toMatch(/^\/usr\/local\/sbin/);
    expect(breakCommand({ point: 'after-root', inChroot: false, root: '/w/mnt', env }, {}).argv).toEqual(['bash']);
  });

  it('uses break_cmd for before- and after-error points, not for after-<phase>', () => {
    const place = { inChroot: false, root: '/w/mnt', env: {} };
    expect(breakCommand({ ...place, point: 'before-root' }, { break_cmd: 'ls' }).argv).toEqual(['bash', '-c', 'ls']);
    expect(breakCommand({ ...place, point: 'after-error' }, { break_cmd: 'ls' }).argv).toEqual(['bash', '-c', 'ls']);
    expect(breakCommand({ ...place, point: 'after-root' }, { break_cmd: 'ls' }).argv).toEqual(['bash']);
  });

  it('does nothing for a point not listed, and continues without a shell when stdin is not a terminal', async () => {
    const place = { point: 'before-root', inChroot: false, root: '/nonexistent', env: {}, interactive: false };
    await expect(checkBreak(place, { break: 'after-root' })).resolves.toBeUndefined();
    await expect(checkBreak(place, { break: 'before-root' })).resolves.toBeUndefined();
  });
});
