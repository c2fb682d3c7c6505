/**
 * Every generated reference page, by repo-relative path. `npm run docs` writes them;
 * test/unit/docs/docs-fresh.test.ts fails when the files on disk differ. Output depends on the
 * code only: no dates, fixed width, English.
 */
import { fileURLToPath } from 'node:url';
import { renderBlockDeviceReference } from './render-block-device-reference.js';
import { renderCliReference } from './render-cli-reference.js';
import { renderLintRulesReference } from './render-lint-rules-reference.js';
import { renderManPage } from './render-man-page.js';
import { renderElementsDoc } from './phase-table.js';
import { renderOutputsDoc } from './render-output-types.js';
import { renderCliDoc } from './render-plan-example.js';

/** The repository root: two levels above dist/docs/ (or src/docs/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function generateDocs(): Promise<Record<string, string>> {
  return {
    'docs/reference/cli.md': await renderCliReference(),
    'docs/elements.md': await renderElementsDoc(REPO_ROOT),
    'docs/outputs.md': await renderOutputsDoc(REPO_ROOT),
    'docs/cli.md': await renderCliDoc(REPO_ROOT),
    'docs/reference/block-device.md': renderBlockDeviceReference(),
    'docs/reference/lint-rules.md': renderLintRulesReference(),
    'man/tsdib.1': await renderManPage(),
  };
}
