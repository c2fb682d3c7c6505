// The README's quick-start commands, read from README.md itself so the suite runs exactly what a
// new user is told to type (not a copy that could drift).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';

/** The command lines of the first code block under "## Quick start", without trailing comments. */
export function quickStartCommands(readme = join(REPO_ROOT, 'README.md')): string[] {
  const text = readFileSync(readme, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('README.md has no "## Quick start" section');
  const block = /```(?:sh|bash)?\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md quick start has no code block');
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The quick-start line that builds the default image. */
export function readmeImageCommand(): string {
  const line = quickStartCommands().find((l) => /\bnpm run image\b/.test(l));
  if (!line) throw new Error('README.md quick start has no `npm run image` line');
  return line;
}
