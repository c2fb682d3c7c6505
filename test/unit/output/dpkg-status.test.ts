import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedPackages, parseDpkgStatus } from '../../../src/output/dpkg-status.js';

const STATUS = `Package: bash
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 5.2.15-2+b7
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 Status: not a field

Package: vim-tiny
Status: deinstall ok config-files
Architecture: amd64
Version: 2:9.0.1378-2

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1
`;

describe('installed packages from dpkg status', () => {
  it('lists installed packages with version and architecture, not removed ones', () => {
    expect(parseDpkgStatus(STATUS)).toEqual([
      { name: 'bash', version: '5.2.15-2+b7', arch: 'amd64' },
      { name: 'tzdata', version: '2024a-0+deb12u1', arch: 'all' },
    ]);
  });

  it('reads var/lib/dpkg/status of a tree, and finds none in a tree without dpkg', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdib-dpkg-'));
    try {
      expect(await installedPackages(dir)).toEqual([]);
      await mkdir(join(dir, 'var/lib/dpkg'), { recursive: true });
      await writeFile(join(dir, 'var/lib/dpkg/status'), STATUS);
      expect((await installedPackages(dir)).map((p) => p.name)).toEqual(['bash', 'tzdata']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
