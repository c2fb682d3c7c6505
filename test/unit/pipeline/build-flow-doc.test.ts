import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';

describe('docs/build-flow.md', () => {
  it('names every step of runBuild, in order', async () => {
    const { BUILD_STEPS } = await import('../../../src/pipeline/pipeline.js');
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'build-flow.md'), 'utf8');
    const named = [...doc.matchAll(/^\| \d+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(named).toEqual([...BUILD_STEPS]);
  });
});
