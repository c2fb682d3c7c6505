import type { Argv } from 'yargs';

/**
 * `tsdib completion`: prints a bash/zsh completion script. The script calls
 * `tsdib --get-yargs-completions`, which yargs answers from the same definitions (main.ts enables
 * it under a hidden name, so this command is the one `--help` lists and documents).
 */
export function completionCommand(cli: Argv): Argv {
  return cli.command(
    'completion',
    'print a shell completion script for bash or zsh (e.g. tsdib completion >> ~/.bashrc)',
    (y) => y,
    () => {
      cli.showCompletionScript();
    },
  );
}
