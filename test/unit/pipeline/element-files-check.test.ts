import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Element } from '../../../src/elements/element.js';
import { isTsdibError } from '../../../src/errors.js';
import { checkElementFiles } from '../../../src/pipeline/element-files-check.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('checkElementFiles', () => {
  it('passes elements without structural problems', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-element-files-'));
    await mkdir(join(dir, 'good', 'install.d'), { recursive: true });
    await writeFile(join(dir, 'good', 'install.d', '10-ok'), '#!/bin/bash\necho ok\n');
    await chmod(join(dir, 'good', 'install.d', '10-ok'), 0o755);
    await expect(checkElementFiles([{ name: 'good', path: join(dir, 'good') } as Element])).resolves.toBeUndefined();
  });

  it('reports every problem of every element as ELEMENT_INVALID naming the element and the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-element-files-'));
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(join(dir, name, 'install.d'), 'a file where a directory of hooks belongs\n');
    }
    const err = await checkElementFiles(['a', 'b'].map((name) => ({ name, path: join(dir as string, name) }) as Element)).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.code).toBe('ELEMENT_INVALID');
    if (!isTsdibError(err)) return;
    const all = [err, ...(err.context.also ?? [])];
    expect(all.map((e) => e.context.element).sort()).toEqual(['a', 'b']);
    for (const e of all) expect(e.message).toBe(`element ${e.context.element}: ${join(dir, e.context.element ?? '?', 'install.d')}: install.d is a file; it must be a directory of hooks`);
  });
});
