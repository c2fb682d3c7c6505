/** docs/reference/phases.md: DIB's phases and what each offers its hooks, from PHASE_CONTRACT. */
import { ENVIRONMENT_FILE_NAME, HOOK_NAME } from '../elements/hooks.js';
import { PHASE_CONTRACT, PHASES } from '../elements/phases.js';
import { generatedNotice, table } from './markdown.js';

export function renderPhasesReference(): string {
  const rows = PHASES.map((p, i) => {
    const c = PHASE_CONTRACT[p];
    return [String(i + 1), `\`${p}\``, c.inChroot ? 'in the chroot' : 'host', c.purpose, c.env.map((v) => `\`${v}\``).join(', ')];
  });
  return `${generatedNotice('PHASE_CONTRACT in src/elements/phases.ts')}

# Phases

An element's hooks live in one directory per phase. The phases run in this order; hooks of all
elements in one phase run in \`LANG=C sort -n\` order of their file names. [Writing elements](../elements.md)
says what a hook can rely on in each; \`tsdib element new NAME\` scaffolds an element and
\`tsdib lint-elements\` checks one ([rules](lint-rules.md)).

${table(['#', 'Phase', 'Runs', 'Purpose', 'Variables besides the common ones'], rows)}

- A hook is a file directly in a phase directory, executable, named \`${HOOK_NAME.source}\`
  (no dots: \`50-foo.sh\` is skipped). DIB skips other files silently; tsdib warns, \`tsdib plan\`
  lists them and \`tsdib lint-elements\` reports them (rule \`skipped-hook\`).
- \`environment.d/\` files named \`${ENVIRONMENT_FILE_NAME.source}\` are sourced, in the same order, before
  every phase, inside and outside the chroot. They need no run bit (and should have none).
- The same file name in one phase directory of two elements of a build is an error.
- Every hook also sees the \`DIB_*\` variables of the build and those exported by \`environment.d\`
  files; hooks in the chroot find the element tree at \`/tmp/in_target.d\`.
`;
}
