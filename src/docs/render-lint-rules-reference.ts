/** docs/reference/lint-rules.md: the rules of `tsdib lint-elements`, from LINT_RULES. */
import { LINT_RULES } from '../authoring/lint/rules/index.js';
import { generatedNotice, table } from './markdown.js';

const SCOPE: Record<string, string> = { file: 'each file', element: 'each element', set: 'all linted elements' };

export function renderLintRulesReference(): string {
  const rows = LINT_RULES.map((r) => [`\`${r.id}\``, r.severity, r.origin, SCOPE[r.scope] ?? r.scope, r.summary]);
  return `${generatedNotice('LINT_RULES in src/authoring/lint/rules/index.ts')}

# \`tsdib lint-elements\` rules

\`tsdib lint-elements [PATH...]\` checks element directories (or directories of elements; with no
PATH, ELEMENTS_PATH and the built-in elements) and prints one line per finding:

\`\`\`text
path:line: rule: message
path:line: rule: warning: message
\`\`\`

(\`path: rule: message\` when a finding is about a whole file or element.) A summary goes to stderr.
Exit status: 1 when there is an error (with \`--strict\`, also a warning), otherwise 0; 2 for a bad
PATH or flag. \`--json\` prints the report as JSON.

Switching rules off, as with dib-lint: a line \`# dib-lint: disable=RULE [RULE…]\` in a file turns
those rules off for that file (any rule, tsdib's included); \`--ignore RULE,…\` turns them off
everywhere (dib-lint reads that list from \`tox.ini\`); \`# dib-lint: safe_sudo\` and
\`# dib-lint: which\` on a line excuse that line.

${table(['Rule', 'Severity', 'From', 'Checked on', 'What it wants'], rows)}

Where tsdib differs from \`dib-lint\`:

- READMEs may be Markdown (\`README.md\`, as tsdib's own elements) or reStructuredText, so
  dib-lint's "no .md docs" check is left out.
- Python scripts are not run through flake8; run it yourself if you have Python hooks.
- \`set -eu -o pipefail\` on one line counts (dib-lint wants \`set -o pipefail\` on a line of its own).
- \`safe_sudo\` looks at the phases that run on the host (\`root.d\`, \`extra-data.d\`, \`post-root.d\`,
  \`block-device.d\`, \`pre-finalise.d\`, \`cleanup.d\`); dib-lint also looks at \`finalise.d\`, which
  runs in the chroot.
- \`indent\` and \`tabindent\` report a file once, at its first offending line, listing the others.
- \`element-deps\` may hold \`#\` comments (tsdib ignores them; DIB does not).
`;
}
