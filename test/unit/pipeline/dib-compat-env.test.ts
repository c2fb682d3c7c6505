import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dibCompatVariables, dibEnvText, dibLibDir, droppedBySudo, hooksElementsPath } from '../../../src/pipeline/dib-compat-env.js';
import { chrootEnvironment } from '../../../src/pipeline/environment.js';
import type { Element } from '../../../src/elements/element.js';

const el = (name: string, dir: string): Element => ({ name, path: join(dir, name), deps: [], provides: [], phases: [], environmentDir: undefined, packageInstalls: [], pkgMap: undefined, readme: undefined, blockDeviceDefault: undefined, blockDeviceByArch: {} });

describe('DIB compatibility environment', () => {
  const user = mkdtempSync(join(tmpdir(), 'tsdib-dce-user-'));
  const builtin = mkdtempSync(join(tmpdir(), 'tsdib-dce-builtin-'));
  for (const n of ['base', 'dpkg']) {
    mkdirSync(join(user, n));
    mkdirSync(join(builtin, n));
  }
  mkdirSync(join(builtin, 'grub'));
  afterAll(() => {
    rmSync(user, { recursive: true, force: true });
    rmSync(builtin, { recursive: true, force: true });
  });

  it('exports the built-in folder in ELEMENTS_PATH only when an element of the build comes from it', () => {
    expect(hooksElementsPath([user, builtin], [el('base', user), el('dpkg', user)])).toBe(user);
    expect(hooksElementsPath([user, builtin], [el('base', user), el('grub', builtin)])).toBe(`${user}:${builtin}`);
  });

  it('formats DIB_ENV as `export | grep DIB_` does, DIB_* only, sorted', () => {
    expect(dibEnvText({ DIB_RELEASE: 'bookworm', PATH: '/bin', DIB_A: 'x"y$z' })).toBe('declare -x DIB_A="x\\"y\\$z"\ndeclare -x DIB_RELEASE="bookworm"');
  });

  it('sets _LIB to tsdib\'s own library, which holds the files DIB elements source', () => {
    const v = dibCompatVariables({ hostEnv: { DIB_RELEASE: 'bookworm' }, argv: ['-t', 'tar', 'debian-minimal'], searchPath: [user, builtin], elements: [el('base', user)] });
    expect(v['_LIB']).toBe(dibLibDir());
    for (const f of ['die', 'common-functions', 'img-functions']) expect(existsSync(join(dibLibDir(), f))).toBe(true);
    expect(readFileSync(join(dibLibDir(), 'img-functions'), 'utf8')).toContain('select_boot_kernel_initrd');
    expect(v['DIB_ARGS']).toBe('-t tar debian-minimal');
    expect(v['DIB_ENV']).toContain('declare -x DIB_ARGS="-t tar debian-minimal"');
    expect(v['DIB_ENV']).toContain('declare -x DIB_RELEASE="bookworm"');
    expect(v['LC_ALL']).toBe('C');
    expect(v['BASH_FUNC_die%%']).toMatch(/^\(\) \{/);
  });

  it('prefers the caller\'s DIB_PYTHON_EXEC, else the system python3', () => {
    expect(dibCompatVariables({ hostEnv: { DIB_PYTHON_EXEC: '/opt/py' }, argv: [], searchPath: [], elements: [] })['DIB_PYTHON_EXEC']).toBe('/opt/py');
    const def = dibCompatVariables({ hostEnv: {}, argv: [], searchPath: [], elements: [] })['DIB_PYTHON_EXEC'];
    expect(def).toBe(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  });

  it('hands the chroot what `sudo -E chroot … env PATH=…` would: no functions, loader or python paths; DIB\'s PATH', () => {
    const env = chrootEnvironment({ PATH: '/root/.pyenv/shims:/usr/bin', 'BASH_FUNC_die%%': '() { :\n}', LD_PRELOAD: 'x', PYTHONPATH: '/p', TMPDIR: '/t', DIB_RELEASE: 'bookworm' });
    expect(env).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', DIB_RELEASE: 'bookworm' });
    expect(droppedBySudo('SHELLOPTS')).toBe(true);
    expect(droppedBySudo('DIB_DEBUG_TRACE')).toBe(false);
  });
});
