// tsdib's own elements pass its linter without errors (warnings are printed, not failed on).
import { describe, expect, it } from 'vitest';
import { builtinElementsDir } from '../../../../src/elements/discover.js';
import { formatFinding } from '../../../../src/authoring/lint/format-findings.js';
import { runLint } from '../../../../src/authoring/lint/run-lint.js';
import { REPO_ROOT } from '../../../helpers/cli.js';

describe('built-in elements', () => {
  it('have no lint errors', async () => {
    const report = await runLint({ paths: [builtinElementsDir()], elementsPath: '' });
    const lines = report.findings.map((f) => formatFinding(f, REPO_ROOT));
    if (report.warnings > 0) console.warn(`lint-elements warnings in elements/:\n${lines.filter((l) => l.includes(': warning: ')).join('\n')}`);
    expect(report.elements).toBeGreaterThan(10);
    expect(lines.filter((l) => !l.includes(': warning: '))).toEqual([]);
  });
});
