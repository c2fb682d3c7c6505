// Checkpoint layers: what a walk of a tree finds changed between two moments, and a tree rebuilt
// elsewhere from its layers (a whole first layer, then each change with its deletions) is the tree.
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTrees, indexTree } from '../../../src/pipeline/cache/tree-index.js';
import { applyLayers, createTreeArchive, type TreeLayer } from '../../../src/pipeline/cache/tree-archive.js';

let dir: string;
let tree: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-layers-'));
  tree = join(dir, 'tree');
  mkdirSync(join(tree, 'etc', 'app'), { recursive: true });
  mkdirSync(join(tree, 'var', 'lib', 'gone', 'deep'), { recursive: true });
  writeFileSync(join(tree, 'etc', 'hostname'), 'one\n');
  writeFileSync(join(tree, 'etc', 'app', 'conf'), 'a=1\n');
  writeFileSync(join(tree, 'etc', 'same'), 'unchanged\n');
  writeFileSync(join(tree, 'var', 'lib', 'gone', 'deep', 'file'), 'x\n');
  writeFileSync(join(tree, 'etc', 'becomes-dir'), 'file now\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every entry's type, mode and content (or link target), by path. */
function describeTree(root: string): string {
  return spawnSync('sh', ['-c', `cd '${root}' && find . -printf '%p %y %m %n %l\\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum`], { encoding: 'utf8' }).stdout;
}

describe('tree walks and layers', () => {
  it('the change names new, edited, re-moded and type-changed entries, and the outermost deleted ones', async () => {
    const before = await indexTree(tree);
    writeFileSync(join(tree, 'etc', 'hostname'), 'two\n');
    chmodSync(join(tree, 'etc', 'app', 'conf'), 0o600);
    writeFileSync(join(tree, 'etc', 'new'), 'new\n');
    rmSync(join(tree, 'var', 'lib', 'gone'), { recursive: true });
    rmSync(join(tree, 'etc', 'becomes-dir'));
    mkdirSync(join(tree, 'etc', 'becomes-dir'));
    const change = diffTrees(before, await indexTree(tree));
    expect(change.deleted).toEqual(['./etc/becomes-dir', './var/lib/gone']);
    expect(change.changed).toEqual(expect.arrayContaining(['./etc', './etc/hostname', './etc/app/conf', './etc/new', './etc/becomes-dir', './var/lib']));
    expect(change.changed).not.toContain('./etc/same');
    expect(change.changed).not.toContain('./var/lib/gone/deep/file');
    // parents before children
    expect(change.changed.indexOf('./etc')).toBeLessThan(change.changed.indexOf('./etc/hostname'));
  });

  it('a new hard link puts both names in the layer (the link count of the old one changed)', async () => {
    const before = await indexTree(tree);
    linkSync(join(tree, 'etc', 'same'), join(tree, 'etc', 'same-link'));
    const change = diffTrees(before, await indexTree(tree));
    expect(change.changed).toEqual(expect.arrayContaining(['./etc/same', './etc/same-link']));
    expect(change.linked).toEqual(['./etc/same', './etc/same-link']);
  });

  it('a name a later layer deletes is not unpacked, unless another name of the layer may link to it', async () => {
    linkSync(join(tree, 'etc', 'same'), join(tree, 'etc', 'same-link'));
    const index = await indexTree(tree);
    await createTreeArchive(tree, join(dir, 'l0.tar'), 'none');
    const first: TreeLayer = { archive: join(dir, 'l0.tar'), deletions: [], linked: diffTrees(new Map(), index).linked };
    rmSync(join(tree, 'var', 'lib', 'gone'), { recursive: true });
    rmSync(join(tree, 'etc', 'same'));
    const diff = diffTrees(index, await indexTree(tree));
    expect(diff.deleted).toEqual(['./etc/same', './var/lib/gone']);
    // the tree between the two: a middle layer whose archive is missing stops the rebuild there
    const middle: TreeLayer = { archive: join(dir, 'missing.tar'), deletions: [], linked: [] };
    const last: TreeLayer = { archive: join(dir, 'l1.tar'), deletions: diff.deleted, linked: diff.linked };
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    await expect(applyLayers([first, middle, last], copy)).rejects.toThrow(/tar/);
    expect(spawnSync('test', ['-e', join(copy, 'var', 'lib', 'gone')]).status).toBe(1);
    expect(readFileSync(join(copy, 'etc', 'same'), 'utf8')).toBe('unchanged\n');
    expect(readFileSync(join(copy, 'etc', 'same-link'), 'utf8')).toBe('unchanged\n');
    expect(readFileSync(join(copy, 'etc', 'hostname'), 'utf8')).toBe('one\n');
  });

  it('a tree rebuilt from a whole layer and two change layers equals the tree', async () => {
    const layers: TreeLayer[] = [];
    let index = await indexTree(tree);
    await createTreeArchive(tree, join(dir, 'l0.tar'), 'none');
    layers.push({ archive: join(dir, 'l0.tar'), deletions: [], linked: diffTrees(new Map(), index).linked });
    const step = async (name: string, change: () => void) => {
      change();
      const now = await indexTree(tree);
      const diff = diffTrees(index, now);
      await createTreeArchive(tree, join(dir, name), 'none', diff.changed);
      layers.push({ archive: join(dir, name), deletions: diff.deleted, linked: diff.linked });
      index = now;
    };
    await step('l1.tar', () => {
      writeFileSync(join(tree, 'etc', 'hostname'), 'two\n');
      rmSync(join(tree, 'var', 'lib', 'gone'), { recursive: true });
      symlinkSync('hostname', join(tree, 'etc', 'name-link'));
      linkSync(join(tree, 'etc', 'same'), join(tree, 'etc', 'same-link'));
    });
    await step('l2.tar', () => {
      rmSync(join(tree, 'etc', 'becomes-dir'));
      mkdirSync(join(tree, 'etc', 'becomes-dir'));
      writeFileSync(join(tree, 'etc', 'becomes-dir', 'inside'), 'in\n');
      chmodSync(join(tree, 'etc', 'app'), 0o700);
      rmSync(join(tree, 'etc', 'name-link'));
    });
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    await applyLayers(layers, copy);
    expect(describeTree(copy)).toBe(describeTree(tree));
    expect(readFileSync(join(copy, 'etc', 'becomes-dir', 'inside'), 'utf8')).toBe('in\n');
  });

  it('a deletion whose parent is now a link out of the tree is refused, not followed', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(join(outside, 'victim'), { recursive: true });
    rmSync(join(tree, 'var', 'lib'), { recursive: true });
    symlinkSync(outside, join(tree, 'var', 'lib'));
    await createTreeArchive(tree, join(dir, 'l.tar'), 'none', ['.']);
    await expect(applyLayers([{ archive: join(dir, 'l.tar'), deletions: ['./var/lib/victim'] }], tree)).rejects.toThrow(/leads out of the tree/);
    expect(spawnSync('test', ['-d', join(outside, 'victim')]).status).toBe(0);
  });
});
