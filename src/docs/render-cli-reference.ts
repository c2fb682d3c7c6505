/**
 * docs/reference/cli.md: the `--help` text of `tsdib` and of every command and subcommand, as
 * yargs renders it from the definitions in src/cli/. Rendered at a fixed width (100) and in
 * English, so the file does not depend on the terminal or the locale.
 */
import { buildCli } from '../cli/main.js';
import { fence, generatedNotice } from './markdown.js';

const WIDTH = 100;

/** The help text `tsdib ...args --help` prints. */
export function renderHelp(args: readonly string[]): Promise<string> {
  const argv = [...args, '--help'];
  return new Promise((resolve, reject) => {
    buildCli(argv)
      .wrap(WIDTH)
      .locale('en')
      .parse(argv, {}, (err: Error | undefined, _parsed: unknown, output: string) => (err ? reject(err) : resolve(output)));
  });
}

/** The subcommand words a help text lists under "Commands:" (e.g. `plan`, `element`). */
export function listedCommands(help: string, prefix: readonly string[]): string[][] {
  const lines = help.split('\n');
  const start = lines.indexOf('Commands:');
  if (start < 0) return [];
  const found: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const m = /^ {2}tsdib (\S.*?)(?: {2,}|$)/.exec(line);
    if (!m) continue;
    const words = m[1]!.split(' ').filter((w) => w !== '' && !w.startsWith('[') && !w.startsWith('<'));
    if (words.length > prefix.length) found.push(words);
  }
  return found;
}

/** Every command's words and help text: `tsdib`'s first, then each command its parent lists, breadth first. */
export async function everyCommandHelp(): Promise<Array<{ args: string[]; help: string }>> {
  const found: Array<{ args: string[]; help: string }> = [];
  const queue: string[][] = [[]];
  while (queue.length > 0) {
    const args = queue.shift()!;
    const help = await renderHelp(args);
    found.push({ args, help });
    queue.push(...listedCommands(help, args));
  }
  return found;
}

export async function renderCliReference(): Promise<string> {
  const sections = (await everyCommandHelp()).map(({ args, help }) => `## ${['tsdib', ...args].join(' ')}\n\n${fence('text', help)}`);
  return `${generatedNotice('the yargs definitions in src/cli/')}

# tsdib command reference

Every command's \`--help\`. The build flags are explained, with their DIB variables and where tsdib
differs from \`disk-image-create\`, in [the CLI guide](../cli.md). Exit codes: 0 ok, 1 failed
(for \`lint-elements\`: errors found), 2 bad input, 130/143 interrupted.

${sections.join('\n\n')}
`;
}
