import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsdibError } from '../../../src/errors.js';
import { builtinElementsDir, discoverElements, elementSearchPath } from '../../../src/elements/discover.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { makeTree, NO_BUILTINS, type Tree } from './fixture-tree.js';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

describe('element discovery', () => {
  it('the built-in folder is <package root>/elements', () => {
    expect(builtinElementsDir()).toBe(join(REPO_ROOT, 'elements'));
  });

  it('search path: ELEMENTS_PATH entries in order (empty ones dropped), then built-ins', () => {
    expect(elementSearchPath('/a::/b:', '/builtin')).toEqual(['/a', '/b', '/builtin']);
    expect(elementSearchPath(undefined, '/builtin')).toEqual(['/builtin']);
  });

  it('finds element directories (symlinked ones too), not files, hidden directories or __pycache__', async () => {
    tree = await makeTree({ one: { a: {}, '.hidden': {}, __pycache__: {} }, two: { b: {} } });
    await writeFile(tree.dir('one/not-an-element'), '');
    await symlink(tree.dir('two/b'), tree.dir('one/linked'));
    const found = await discoverElements([tree.dir('one'), NO_BUILTINS]);
    expect([...found.byName.keys()].sort()).toEqual(['a', 'linked']);
    expect(found.byName.get('linked')!.path).toBe(tree.dir('two/b')); // real path, as DIB reports it
  });

  it('lets the earlier entry win and records the directories it hides', async () => {
    tree = await makeTree({ first: { x: {} }, second: { x: {}, y: {} } });
    const found = await discoverElements([tree.dir('first'), tree.dir('second')]);
    expect(found.byName.get('x')).toEqual({ name: 'x', path: tree.dir('first/x'), hides: [tree.dir('second/x')] });
    expect(found.byName.get('y')!.hides).toEqual([]);
  });

  it('rejects an ELEMENTS_PATH entry that is a file or missing with ELEMENTS_PATH_INVALID', async () => {
    tree = await makeTree({ d: {} });
    await writeFile(tree.dir('file'), '');
    for (const bad of [tree.dir('file'), tree.dir('missing')]) {
      const e = (await discoverElements([bad, NO_BUILTINS]).catch((x: unknown) => x)) as TsdibError;
      expect(e.code).toBe('ELEMENTS_PATH_INVALID');
      expect(e.context.path).toBe(bad);
    }
  });

  it('skips directories whose names cannot be element names', async () => {
    tree = await makeTree({ d: { good: {}, 'bad name': {} } });
    const found = await discoverElements([tree.dir('d')]);
    expect([...found.byName.keys()]).toEqual(['good']);
    expect(found.ignored).toEqual([tree.dir('d/bad name')]);
  });
});
