import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBIAN_SECURITY_MIRROR, dibDebianSecurityDefaults } from '../../../src/pipeline/dib-debian-security.js';
import type { Element } from '../../../src/elements/element.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-dib-debian-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const builtin = join(dir, 'builtin');
const dib = join(dir, 'dib');
for (const d of [join(builtin, 'debian-minimal'), join(dib, 'debian-minimal'), join(dib, 'ubuntu-minimal')]) mkdirSync(d, { recursive: true });

const element = (root: string, name: string) => ({ name, path: join(root, name) }) as Element;
const BOOKWORM_LAYOUT = { DIB_DEBIAN_SECURITY_MIRROR: DEBIAN_SECURITY_MIRROR, DIB_DEBIAN_SECURITY_SUBPATH: '-security' };

describe('dibDebianSecurityDefaults', () => {
  it.each([
    ['bookworm', { DIB_RELEASE: 'bookworm' }],
    ['trixie', { DIB_RELEASE: 'trixie' }],
    ['DIB\'s default release (stable)', {}],
  ])('gives DIB\'s debian-minimal the <release>-security layout for %s', (_what, env) => {
    expect(dibDebianSecurityDefaults([element(dib, 'debian-minimal')], builtin, env)).toEqual(BOOKWORM_LAYOUT);
  });

  it.each([
    ['the caller set the mirror', [element(dib, 'debian-minimal')], { DIB_RELEASE: 'bookworm', DIB_DEBIAN_SECURITY_MIRROR: 'http://mirror.example/debian-security' }],
    ['the caller set the subpath (even empty)', [element(dib, 'debian-minimal')], { DIB_RELEASE: 'bookworm', DIB_DEBIAN_SECURITY_SUBPATH: '' }],
    ['bullseye (DIB gets it right)', [element(dib, 'debian-minimal')], { DIB_RELEASE: 'bullseye' }],
    ['buster (the /updates layout is right)', [element(dib, 'debian-minimal')], { DIB_RELEASE: 'buster' }],
    ['testing (DIB adds no security suite)', [element(dib, 'debian-minimal')], { DIB_RELEASE: 'testing' }],
    ['tsdib\'s own debian-minimal', [element(builtin, 'debian-minimal')], { DIB_RELEASE: 'bookworm' }],
    ['no debian-minimal', [element(dib, 'ubuntu-minimal')], { DIB_RELEASE: 'bookworm' }],
  ])('adds nothing when %s', (_what, elements, env) => {
    expect(dibDebianSecurityDefaults(elements, builtin, env)).toEqual({});
  });
});
