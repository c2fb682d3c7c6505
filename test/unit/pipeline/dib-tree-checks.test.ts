import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDebootstrapRelease, checkUnsupportedDibElements } from '../../../src/pipeline/dib-tree-checks.js';
import { isTsdibError, type TsdibError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-dib-tree-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const builtin = join(dir, 'builtin');
const dib = join(dir, 'dib');
const scripts = join(dir, 'scripts');
for (const d of [builtin, dib, scripts]) mkdirSync(d);
mkdirSync(join(scripts, 'gutsy'));
symlinkSync('gutsy', join(scripts, 'jammy'));

const fromDib = (...names: string[]) => names.map((name) => ({ name, path: join(dib, name) }));
const fromBuiltin = (...names: string[]) => names.map((name) => ({ name, path: join(builtin, name) }));

async function caught(p: Promise<unknown>): Promise<TsdibError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!isTsdibError(e)) throw new Error(`expected a TsdibError, got ${String(e)}`);
  return e;
}

describe('checkUnsupportedDibElements', () => {
  it('refuses DIB\'s ramdisk with exit 2, naming the element, its path and the reason', async () => {
    const e = await caught(checkUnsupportedDibElements(fromDib('ramdisk', 'base'), builtin));
    expect(e.code).toBe('ELEMENT_UNSUPPORTED');
    expect(e.exitCode).toBe(2);
    expect(e.context.element).toBe('ramdisk');
    expect(e.message).toContain(join(dib, 'ramdisk'));
    expect(e.message).toMatch(/ramdisk-functions/);
  });

  it('names every refused element at once', async () => {
    const e = await caught(checkUnsupportedDibElements(fromDib('ramdisk', 'dracut-ramdisk', 'opensuse'), builtin));
    expect(e.context.elements).toEqual(['ramdisk', 'dracut-ramdisk', 'opensuse']);
    expect(e.context.details).toHaveLength(3);
  });

  it('never refuses a built-in element of the same name', async () => {
    await expect(checkUnsupportedDibElements(fromBuiltin('ramdisk'), builtin)).resolves.toBeUndefined();
  });

  it('lets DIB\'s working elements through', async () => {
    await expect(checkUnsupportedDibElements(fromDib('ubuntu-minimal', 'vm', 'block-device-efi', 'cloud-init', 'growroot'), builtin)).resolves.toBeUndefined();
  });
});

describe('checkDebootstrapRelease', () => {
  const run = (elements: Array<{ name: string; path: string }>, env: Record<string, string>) => checkDebootstrapRelease(elements, env, builtin, scripts);

  it('refuses a DIB_RELEASE the host\'s debootstrap has no script for, with the script to use', async () => {
    const e = await caught(run(fromDib('ubuntu-minimal', 'debootstrap'), { DIB_RELEASE: 'noble' }));
    expect(e.code).toBe('ENV_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/DIB_RELEASE=noble/);
    expect(e.context.hint).toContain(`DIB_DEBIAN_DEBOOTSTRAP_SCRIPT=${join(scripts, 'gutsy')}`);
  });

  it('says how to reach tsdib\'s own ubuntu-minimal past DIB\'s tree on ELEMENTS_PATH', async () => {
    const e = await caught(run(fromDib('ubuntu-minimal', 'debootstrap'), { DIB_RELEASE: 'noble' }));
    expect(e.context.hint).toContain('take DIB\'s tree off ELEMENTS_PATH');
    expect(e.context.hint).toContain('`ELEMENTS_PATH= DIB_RELEASE=noble tsdib ubuntu-minimal vm`');
  });

  it('points a Debian release at the sid script', async () => {
    const e = await caught(run(fromDib('debian-minimal', 'debootstrap'), { DIB_RELEASE: 'forky' }));
    expect(e.context.hint).toContain(join(scripts, 'sid'));
  });

  it.each([
    ['a release debootstrap knows', fromDib('ubuntu-minimal', 'debootstrap'), { DIB_RELEASE: 'jammy' }],
    ['DIB_DEBIAN_DEBOOTSTRAP_SCRIPT set', fromDib('ubuntu-minimal', 'debootstrap'), { DIB_RELEASE: 'noble', DIB_DEBIAN_DEBOOTSTRAP_SCRIPT: join(scripts, 'gutsy') }],
    ['no DIB_RELEASE (the element\'s default)', fromDib('ubuntu-minimal', 'debootstrap'), {}],
    ['no debootstrap element from DIB', fromBuiltin('ubuntu'), { DIB_RELEASE: 'noble' }],
  ])('accepts %s', async (_what, elements, env) => {
    await expect(run(elements, env)).resolves.toBeUndefined();
  });
});
