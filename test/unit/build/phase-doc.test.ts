import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phaseTable, withPhaseTable } from '../../../src/build/phase-doc.js';
import { PHASES } from '../../../src/elements/phases.js';
import { REPO_ROOT } from '../../helpers/cli.js';

describe('docs/elements.md phase table', () => {
  it('lists every phase with where it runs', () => {
    const table = phaseTable();
    for (const p of PHASES) expect(table).toContain(`| \`${p}\` |`);
    expect(table).toMatch(/\| `finalise\.d` \| inside the chroot \|/);
    expect(table).toMatch(/\| `root\.d` \| outside \(host\) \|/);
  });

  it('is current in docs/elements.md (regenerate with writeElementsDoc)', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'elements.md'), 'utf8');
    expect(withPhaseTable(doc)).toBe(doc);
  });
});

describe('docs/build-flow.md', () => {
  it('names every step of runBuild, in order', async () => {
    const { BUILD_STEPS } = await import('../../../src/build/pipeline.js');
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'build-flow.md'), 'utf8');
    const named = [...doc.matchAll(/^\| \d+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(named).toEqual([...BUILD_STEPS]);
  });
});
