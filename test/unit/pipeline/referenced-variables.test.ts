import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { referencedVariables, variableReferences } from '../../../src/pipeline/referenced-variables.js';

describe('variableReferences', () => {
  it.each([
    ['echo $http_proxy', 'http_proxy'],
    ['echo "${DIB_RELEASE:-bookworm}"', 'DIB_RELEASE'],
    ['echo ${#ARRAY[@]}', 'ARRAY'],
    ['echo ${!INDIRECT}', 'INDIRECT'],
    ['if [[ -v MY_FLAG ]]; then :; fi', 'MY_FLAG'],
    ['printenv SOME_VAR', 'SOME_VAR'],
    ["os.environ['PY_INDEX']", 'PY_INDEX'],
    ['os.environ.get("PY_GET")', 'PY_GET'],
    ["os.getenv('PY_GETENV')", 'PY_GETENV'],
  ])('finds the name in %j', (text, name) => {
    expect(variableReferences(text)).toEqual(new Set([name]));
  });

  it('finds nothing in text that only mentions names (no $, no environ)', () => {
    expect(variableReferences('GITHUB_RUN_ID is not read here; price: 5$')).toEqual(new Set());
  });
});

describe('referencedVariables', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads every text file under the directories, skipping the top-level entries named, binaries and .pyc', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-refvars-'));
    await mkdir(join(dir, 'install.d'), { recursive: true });
    await mkdir(join(dir, 'finalise.d'), { recursive: true });
    await writeFile(join(dir, 'install.d', '10-proxy'), '#!/bin/bash\ncurl --proxy "$http_proxy" x\n');
    await writeFile(join(dir, 'environment.d'), 'export A=${B_FROM_ENV}\n');
    await writeFile(join(dir, 'finalise.d', '99-late'), 'echo $LATE_ONLY\n');
    await writeFile(join(dir, 'blob.bin'), Buffer.from('$IN_BINARY\0'));
    await writeFile(join(dir, 'mod.pyc'), 'os.getenv("IN_PYC")');
    const names = await referencedVariables([dir, join(dir, 'no-such-dir')], new Set(['finalise.d']));
    expect([...names].sort()).toEqual(['B_FROM_ENV', 'http_proxy']);
  });
});
