import { describe, expect, it } from 'vitest';
import { isTsdibError, type TsdibError } from '../../../../src/errors.js';
import { asBuiltOptions, buildsRootless, checkRootlessReadiness, isRootlessBuild, needsUserNamespace } from '../../../../src/host/userns/rootless-build.js';
import type { RootlessReadiness } from '../../../../src/host/userns/rootless-readiness.js';

const range = { start: 100000, count: 65536 };
const ready: RootlessReadiness = { mapping: { kind: 'subordinate', uids: range, gids: range }, problems: [], namespaceWorks: true };

function refusal(r: RootlessReadiness): TsdibError {
  try {
    checkRootlessReadiness(r, 'alice (uid 1000)');
  } catch (e) {
    if (isTsdibError(e)) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('needsUserNamespace', () => {
  it.each([
    [0, {}, false],
    [undefined, {}, false],
    [1000, {}, true],
    [1000, { TSDIB_ROOTLESS_BUILD: '1' }, false],
    [1000, { TSDIB_ROOTLESS_BUILD: '0' }, true],
    // the inner build is uid 0 of its namespace
    [0, { TSDIB_ROOTLESS_BUILD: '1' }, false],
  ])('uid %s with %j: %s', (uid, env, expected) => {
    expect(needsUserNamespace(uid, env)).toBe(expected);
  });

  it('marks only TSDIB_ROOTLESS_BUILD=1 as the inner build', () => {
    expect(isRootlessBuild({ TSDIB_ROOTLESS_BUILD: '1' })).toBe(true);
    expect(isRootlessBuild({})).toBe(false);
    expect(isRootlessBuild({ TSDIB_ROOTLESS_BUILD: 'yes' })).toBe(false);
  });
});

describe('buildsRootless and asBuiltOptions (what `tsdib plan` shows)', () => {
  it.each([
    [0, {}, false],
    [1000, {}, true],
    [0, { TSDIB_ROOTLESS_BUILD: '1' }, true],
    [1000, { TSDIB_ROOTLESS_BUILD: '1' }, true],
  ])('uid %s with %j: %s, and offline assembly exactly then', (uid, env, expected) => {
    expect(buildsRootless(uid, env)).toBe(expected);
    expect(asBuiltOptions({ offlineAssembly: false, types: ['qcow2'] }, uid, env)).toEqual({ offlineAssembly: expected, types: ['qcow2'] });
  });

  it('keeps an offline assembly asked for by a root build', () => {
    expect(asBuiltOptions({ offlineAssembly: true }, 0, {})).toEqual({ offlineAssembly: true });
  });
});

describe('checkRootlessReadiness', () => {
  it('lets a user with a mapped subordinate range through', () => {
    expect(() => checkRootlessReadiness(ready, 'alice (uid 1000)')).not.toThrow();
  });

  it('refuses a single-id mapping with ROOT_REQUIRED (exit 2), each missing piece with its fix', () => {
    const e = refusal({
      mapping: { kind: 'single' },
      namespaceWorks: true,
      problems: [
        { what: 'newuidmap is missing', fix: 'as root: apt-get install uidmap (or tsdib doctor --install)' },
        { what: 'alice has no subordinate uid range of 65536 ids in /etc/subuid', fix: 'as root: tsdib doctor --setup-rootless alice' },
      ],
    });
    expect(e.code).toBe('ROOT_REQUIRED');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('building an image needs root or a user namespace with your subordinate ids; tsdib runs as alice (uid 1000) and cannot make one here: newuidmap is missing; alice has no subordinate uid range of 65536 ids in /etc/subuid');
    expect(e.context.details).toEqual([
      'newuidmap is missing — fix: as root: apt-get install uidmap (or tsdib doctor --install)',
      'alice has no subordinate uid range of 65536 ids in /etc/subuid — fix: as root: tsdib doctor --setup-rootless alice',
    ]);
    expect(e.context.hint).toContain('tsdib doctor --setup-rootless alice');
  });

  it('refuses when no namespace could be made, naming the kernel setting', () => {
    const e = refusal({ ...ready, namespaceWorks: false, problems: [{ what: 'user namespaces are disabled (user.max_user_namespaces = 0)', fix: 'as root: sysctl -w user.max_user_namespaces=15000' }] });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/cannot make one here: user namespaces are disabled \(user\.max_user_namespaces = 0\)$/);
  });

  it('names USER in the fix when the user has no passwd entry', () => {
    let err: unknown;
    try {
      checkRootlessReadiness({ mapping: { kind: 'single' }, namespaceWorks: true, problems: [] }, 'uid 4242');
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.context.hint).toContain('tsdib doctor --setup-rootless USER');
  });

  it('names the range as what is missing when the readiness check gave no reason', () => {
    const e = refusal({ mapping: { kind: 'single' }, namespaceWorks: true, problems: [] });
    expect(e.context.details).toEqual(['no subordinate id range can be mapped — fix: as root: tsdib doctor --setup-rootless alice']);
  });
});
