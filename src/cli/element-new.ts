import type { Argv } from 'yargs';

/** `tsdib element new NAME [--dir DIR] [--phases LIST]`: scaffold an element in DIB's layout. */
export function elementCommand(cli: Argv): Argv {
  return cli.command('element <command>', 'author elements: element new NAME', (y) =>
    y
      .command(
        'new <name>',
        'create a new element DIR/NAME (README.md, element-deps, environment.d, package-installs.yaml, hooks)',
        (n) =>
          n
            .positional('name', { type: 'string', describe: 'element name (a directory name)' })
            .option('dir', { type: 'string', default: '.', describe: 'directory to create the element in (an ELEMENTS_PATH entry)' })
            .option('phases', { type: 'string', default: 'install.d', describe: 'phases to write a hook for, comma-separated, e.g. install.d,post-install.d' }),
        async (argv) => {
          const { scaffoldElement } = await import('../authoring/scaffold-element.js');
          const phases = String(argv.phases).split(',').map((s) => s.trim()).filter(Boolean);
          const result = await scaffoldElement({ name: String(argv.name), dir: argv.dir, phases });
          process.stdout.write(`created ${result.path}\n`);
          for (const f of result.files) process.stdout.write(`  ${f}\n`);
          process.stdout.write(`next: edit README.md and the hooks, then run \`tsdib lint-elements ${result.path}\`\n`);
        },
      )
      .demandCommand(1, 'name an element command: new'),
  );
}
