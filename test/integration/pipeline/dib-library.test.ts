// Two of DIB's library elements that change what a build leaves, on the tiny offline OS:
// no-final-image (no disk image file, the tree outputs still written) and manifests (the build's
// record in /etc/dib-manifests, root-only, and a copy beside the outputs).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLoop, skipUnless } from '../../helpers/resources.js';
import { readTarEntries, readTarMember } from '../../helpers/tree-compare.js';
import { runBuild, tail, type BuildRun } from '../../e2e/helpers/build.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'elements');
const skip = skipUnless(hasLoop, "DIB's no-final-image and manifests elements", 'needs root and loop devices');

describe.skipIf(skip)('no-final-image and manifests on a tiny OS', () => {
  let dir: string;
  let build: BuildRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-int-library-'));
    build = await runBuild(['-n', 'tiny-os', 'no-final-image', 'manifests', '-t', 'tar,raw,qcow2', '-o', join(dir, 'img')], {
      env: { ELEMENTS_PATH: FIXTURES, DIB_MY_SETTING: 'kept-in-the-manifest' },
      timeoutMs: 5 * 60_000,
    });
  }, 6 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the tar but no raw or qcow2, and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(existsSync(join(dir, 'img.tar'))).toBe(true);
    expect(existsSync(join(dir, 'img.raw'))).toBe(false);
    expect(existsSync(join(dir, 'img.qcow2'))).toBe(false);
    expect(build.output).toContain('no-final-image: raw, qcow2 not written');
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('puts dib_environment and dib_arguments in /etc/dib-manifests, root-only, and a copy in <-o>.d/', async () => {
    expect(build.status, tail(build.output)).toBe(0);
    const tar = join(dir, 'img.tar');
    const env = (await readTarMember(tar, '/etc/dib-manifests/dib_environment'))?.toString('utf8');
    expect(env).toContain('DIB_MY_SETTING="kept-in-the-manifest"');
    expect((await readTarMember(tar, '/etc/dib-manifests/dib_arguments'))?.toString('utf8')).toContain('no-final-image manifests');
    const entries = await readTarEntries(tar);
    const files = entries.filter((e) => e.path.startsWith('/etc/dib-manifests/') && e.type === 'file');
    expect(files.map((f) => [f.path, f.mode, f.uid])).toEqual(
      expect.arrayContaining([
        ['/etc/dib-manifests/dib_environment', 0o600, 0],
        ['/etc/dib-manifests/dib_arguments', 0o600, 0],
      ]),
    );
    expect(readFileSync(join(dir, 'img.d', 'dib-manifests', 'dib_environment'), 'utf8')).toBe(env);
  });
});
