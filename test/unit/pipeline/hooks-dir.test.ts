import { mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Element } from '../../../src/elements/element.js';
import { mergeHooksDir } from '../../../src/pipeline/hooks-dir.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function element(root: string, name: string, files: Record<string, string>): Promise<Element> {
  const path = join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(path, rel, '..'), { recursive: true });
    await writeFile(join(path, rel), text);
  }
  return { name, path } as Element;
}

describe('mergeHooksDir', () => {
  it('merges the elements in order: sub-directories merge, a later file replaces an earlier one, tests and .pyc are left out', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-hooks-dir-'));
    const a = await element(dir, 'a', { 'install.d/10-a': 'a', 'bin/tool': 'from a', 'README': 'a', 'tests/t': 'x', 'x.pyc': 'x' });
    const b = await element(dir, 'b', { 'install.d/20-b': 'b', 'bin/tool': 'from b', 'README': 'b', '__pycache__/c': 'x' });
    await symlink('10-a', join(dir, 'a', 'install.d', 'link'));
    const out = join(dir, 'hooks');
    await mkdir(out);
    await mergeHooksDir([a, b], out);
    expect((await readdir(out)).sort()).toEqual(['README', 'bin', 'install.d']);
    expect((await readdir(join(out, 'install.d'))).sort()).toEqual(['10-a', '20-b', 'link']);
    expect(await readFile(join(out, 'bin/tool'), 'utf8')).toBe('from b');
    expect(await readFile(join(out, 'README'), 'utf8')).toBe('b');
    expect(await readlink(join(out, 'install.d', 'link'))).toBe('10-a');
  });
});
