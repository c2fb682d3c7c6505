import type { Argv } from 'yargs';

/**
 * `tsdib lint-elements [PATH...]`: dib-lint's checks plus tsdib's (skipped hooks, duplicate hook
 * names, missing element-deps). Prints `path:line: rule: message` lines and a summary on stderr.
 * Exit 1 when there are errors (with --strict: any finding), else 0; bad flags or paths exit 2.
 */
export function lintElementsCommand(cli: Argv): Argv {
  return cli.command(
    'lint-elements [paths..]',
    'check elements for DIB mistakes (dib-lint rules, skipped hooks, duplicate hooks, missing deps)',
    (y) =>
      y
        .positional('paths', {
          type: 'string',
          array: true,
          describe: 'element directories or directories of elements (default: ELEMENTS_PATH and the built-in elements)',
        })
        .option('ignore', { type: 'string', requiresArg: true, describe: 'rules to skip, comma-separated; repeatable (as dib-lint\'s [dib-lint] ignore)' })
        .option('strict', { type: 'boolean', default: false, describe: 'exit 1 on warnings too' })
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
    async (argv) => {
      const { runLint } = await import('../authoring/lint/run-lint.js');
      const { formatFinding, formatSummary } = await import('../authoring/lint/format-findings.js');
      const given: unknown = argv.ignore;
      const ignore = (Array.isArray(given) ? given : given === undefined ? [] : [given])
        .flatMap((s) => String(s).split(','))
        .map((s) => s.trim())
        .filter(Boolean);
      const report = await runLint({ paths: (argv.paths as string[] | undefined) ?? [], ignore });
      if (argv.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else for (const f of report.findings) process.stdout.write(`${formatFinding(f, process.cwd())}\n`);
      process.stderr.write(`lint-elements: ${formatSummary(report)}\n`);
      process.exitCode = report.errors > 0 || (argv.strict && report.warnings > 0) ? 1 : 0;
    },
  );
}
