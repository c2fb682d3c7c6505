/**
 * `tsdib lint-elements` end to end: find the elements, read them, run the rules. The CLI prints
 * the report; exit 1 when it has errors (or, with `strict`, warnings), else 0.
 */
import { findLintTargets } from './lint-targets.js';
import { lintElements, type LintReport } from './lint-elements.js';
import { loadLintElement } from './load-element.js';
import { LINT_RULE_IDS } from './rules/index.js';
import { unknownFlagValue } from '../../elements/did-you-mean.js';
import { flagInvalid } from '../../errors.js';

export interface RunLintOptions {
  paths: readonly string[];
  ignore?: readonly string[];
  elementsPath?: string;
  builtinDir?: string;
}

export function checkRuleIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (LINT_RULE_IDS.includes(id)) continue;
    throw unknownFlagValue('--ignore', id, 'rule', LINT_RULE_IDS);
  }
}

export async function runLint(opts: RunLintOptions): Promise<LintReport> {
  checkRuleIds(opts.ignore ?? []);
  const { targets, searchPathNames } = await findLintTargets(opts.paths, opts);
  const elements = await Promise.all(targets.map((t) => loadLintElement(t.name, t.path)));
  return lintElements(elements, { ignore: opts.ignore ?? [], knownElements: searchPathNames });
}
