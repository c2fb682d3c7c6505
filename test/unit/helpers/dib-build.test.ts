// The reference-build helper's pure parts: which environment and argv disk-image-create gets.
import { describe, expect, it } from 'vitest';
import { BOOKWORM_ENV, dibBuildArgs, dibBuildEnv } from '../../helpers/dib-build.js';

describe('dibBuildEnv', () => {
  const caller = { PATH: '/usr/bin', HOME: '/root', http_proxy: 'http://p:3128', DIB_RELEASE: 'trixie', ELEMENTS_PATH: '/mine', DIB_DEBUG_TRACE: '2', ARCH: 'arm64' };

  it('drops the caller’s build-shaping variables and sets bookworm', () => {
    const env = dibBuildEnv(caller, {}, false);
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', http_proxy: 'http://p:3128', ...BOOKWORM_ENV });
    expect(env['DIB_DEBIAN_SECURITY_MIRROR']).toBe('http://security.debian.org/debian-security');
    expect(env['DIB_DEBIAN_SECURITY_SUBPATH']).toBe('-security');
  });

  it('keeps them on request, and explicit values win; undefined removes', () => {
    const env = dibBuildEnv(caller, { DIB_RELEASE: 'bookworm', ELEMENTS_PATH: '/dib', http_proxy: undefined }, true);
    expect(env['DIB_RELEASE']).toBe('bookworm');
    expect(env['ELEMENTS_PATH']).toBe('/dib');
    expect(env['DIB_DEBUG_TRACE']).toBe('2');
    expect('http_proxy' in env).toBe(false);
  });
});

describe('dibBuildArgs', () => {
  it('builds a tar of debian-minimal by default', () => {
    expect(dibBuildArgs('/var/tmp/x/dib')).toEqual(['-t', 'tar', '-o', '/var/tmp/x/dib', 'debian-minimal']);
    expect(dibBuildArgs('o', { elements: ['debian-minimal', 'vm'], extraArgs: ['-x'] })).toEqual(['-t', 'tar', '-o', 'o', '-x', 'debian-minimal', 'vm']);
  });
});
