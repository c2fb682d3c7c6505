/**
 * Every generated reference page, by repo-relative path. `npm run docs` writes them;
 * test/unit/docs/docs-fresh.test.ts fails when the files on disk differ. Output depends on the
 * code only: no dates, fixed width, English.
 */
import { renderBlockDeviceReference } from './render-block-device-reference.js';
import { renderCliReference } from './render-cli-reference.js';
import { renderLintRulesReference } from './render-lint-rules-reference.js';
import { renderPhasesReference } from './render-phases-reference.js';

export async function generateDocs(): Promise<Record<string, string>> {
  return {
    'docs/reference/cli.md': await renderCliReference(),
    'docs/reference/phases.md': renderPhasesReference(),
    'docs/reference/block-device.md': renderBlockDeviceReference(),
    'docs/reference/lint-rules.md': renderLintRulesReference(),
  };
}
