import type { Argv } from 'yargs';

/** `tsdib elements [--json]`: the elements ELEMENTS_PATH and the built-in folder offer. */
export function elementsCommand(cli: Argv): Argv {
  return cli.command(
    'elements',
    'list available elements (ELEMENTS_PATH, then built-in) with the first line of their README',
    (y) => y.option('json', { type: 'boolean', default: false, describe: 'print a JSON array instead of text' }),
    async (argv) => {
      const { listAvailableElements } = await import('../elements/available.js');
      const list = await listAvailableElements({});
      if (argv.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(0, ...list.map((e) => e.name.length));
      for (const e of list) process.stdout.write(`${e.name.padEnd(width)}  ${e.summary ?? '(no README)'}\n`);
    },
  );
}
