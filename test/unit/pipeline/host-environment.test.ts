import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { sourcedEnvironment } from '../../../src/pipeline/host-environment.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sourcedEnvironment', () => {
  it('sources the files in order in a bash given only `env`, and returns what they export', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-envd-'));
    await writeFile(join(dir, '10-a.bash'), 'export DIB_RELEASE=${DIB_RELEASE:-bookworm}\nexport MULTI="one\ntwo"\n');
    await writeFile(join(dir, '20-b.bash'), 'export DIB_MIRROR=http://deb/$DIB_RELEASE\nNOT_EXPORTED=1\n');
    const env = await sourcedEnvironment([join(dir, '10-a.bash'), join(dir, '20-b.bash')], { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIVEN: 'x' });
    expect(env).toMatchObject({ DIB_RELEASE: 'bookworm', DIB_MIRROR: 'http://deb/bookworm', MULTI: 'one\ntwo', GIVEN: 'x' });
    expect(env['NOT_EXPORTED']).toBeUndefined();
    expect(env['HOME']).toBeUndefined();
  });

  it('fails (set -u) on a file that reads an unset variable, as the hooks would', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-envd-'));
    await writeFile(join(dir, 'bad.bash'), 'export X=$UNSET_VARIABLE\n');
    const err = await sourcedEnvironment([join(dir, 'bad.bash')], { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.code).toBe('HOST_COMMAND_FAILED');
  });
});
