// DIB's debootstrap element writes its tarball cache in place: with DIB_DEBOOTSTRAP_CACHE (or a
// reader's DIB_OFFLINE / DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE) its root.d hook runs under a lock in
// DIB_IMAGE_CACHE, so a second build waits instead of reading or writing a torn tarball.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hookLock, runHookScript } from '../../../src/pipeline/run-hooks.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-hook-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const debootstrap = { element: 'debootstrap', phase: 'root.d', inChroot: false };
const LOCK = '/c/.debootstrap-tarball.lock';

describe('hookLock', () => {
  it.each([
    [{ DIB_DEBOOTSTRAP_CACHE: '1' }, LOCK],
    [{ DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE: '1' }, LOCK],
    [{ DIB_OFFLINE: '1' }, LOCK],
    [{ DIB_DEBOOTSTRAP_CACHE: '0' }, undefined],
    [{ DIB_OFFLINE: '' }, undefined],
    [{}, undefined],
  ])('debootstrap root.d with %j: %s', (vars, expected) => {
    expect(hookLock(debootstrap, { DIB_IMAGE_CACHE: '/c', ...vars })).toBe(expected);
  });

  it('no lock for other elements, other phases, the chroot, or without DIB_IMAGE_CACHE', () => {
    const env = { DIB_IMAGE_CACHE: '/c', DIB_DEBOOTSTRAP_CACHE: '1' };
    expect(hookLock({ ...debootstrap, element: 'debian-minimal' }, env)).toBeUndefined();
    expect(hookLock({ ...debootstrap, phase: 'extra-data.d' }, env)).toBeUndefined();
    expect(hookLock({ ...debootstrap, inChroot: true }, env)).toBeUndefined();
    expect(hookLock(debootstrap, { DIB_DEBOOTSTRAP_CACHE: '1' })).toBeUndefined();
  });
});

describe('runHookScript under the debootstrap tarball lock', () => {
  it('waits for the build holding the lock, then runs (and says why it waited)', async () => {
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const order = join(dir, 'order');
    const started = join(dir, 'holder-started');
    const hook = join(dir, '08-debootstrap');
    writeFileSync(hook, `#!/bin/bash\necho "hook ran" >> ${order}\n`);
    chmodSync(hook, 0o755);
    const release = join(dir, 'release');
    // another build: holds the lock until the hook says it waits (or 60 s), then writes its line
    const holder = spawn('flock', [join(cache, '.debootstrap-tarball.lock'), 'sh', '-c', `touch ${started}; i=0; while [ ! -e ${release} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo "holder done" >> ${order}`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    while (!existsSync(started)) await new Promise((r) => setTimeout(r, 20));
    const lines: string[] = [];
    await runHookScript(
      { root: '/', hooksPath: dir, environment: [], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', DIB_IMAGE_CACHE: cache, DIB_DEBOOTSTRAP_CACHE: '1' } },
      { element: 'debootstrap', phase: 'root.d', script: '08-debootstrap', inChroot: false, target: hook },
      {},
      (line) => {
        lines.push(line);
        if (line.startsWith('waiting for ')) writeFileSync(release, '');
      },
    );
    await exited;
    expect(readFileSync(order, 'utf8')).toBe('holder done\nhook ran\n');
    expect(lines.join('\n')).toContain(`waiting for ${join(cache, '.debootstrap-tarball.lock')}`);
  });
});
