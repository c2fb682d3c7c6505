// Lints element trees written to a temporary directory (see test/unit/elements/fixture-tree.ts).
import { lintElements, type LintOptions, type LintReport } from '../../../../src/authoring/lint/lint-elements.js';
import { loadLintElement } from '../../../../src/authoring/lint/load-element.js';
import { makeTree, type ElementSpec } from '../../elements/fixture-tree.js';

/** A hook that passes every rule. */
export const GOOD_HOOK = '#!/bin/bash\nif [ "${DIB_DEBUG_TRACE:-0}" -gt 0 ]; then set -x; fi\nset -eu\nset -o pipefail\n\necho hello\n';

/** `elements` (name → spec) with a README each unless the spec gives files named README*. */
export async function lintSpec(elements: Record<string, ElementSpec>, opts: LintOptions = {}): Promise<{ report: LintReport; root: string }> {
  const withReadme = Object.fromEntries(
    Object.entries(elements).map(([name, e]) => {
      const files = e.files ?? {};
      const hasReadme = Object.keys(files).some((f) => f.startsWith('README')) || name.startsWith('no-readme');
      return [name, hasReadme ? e : { ...e, files: { 'README.md': { text: `# ${name}\n\nA test element.\n` }, ...files } }];
    }),
  );
  const tree = await makeTree({ d: withReadme });
  try {
    const loaded = await Promise.all(Object.keys(withReadme).sort().map((n) => loadLintElement(n, tree.dir(`d/${n}`))));
    return { report: lintElements(loaded, opts), root: tree.dir('d') };
  } finally {
    await tree.remove();
  }
}

/** Findings as `element/rel[:line] rule` strings, to compare in one expect. */
export function brief(report: LintReport, root: string): string[] {
  return report.findings.map((f) => `${f.path.slice(root.length + 1)}${f.line === undefined ? '' : `:${f.line}`} ${f.rule}`);
}
