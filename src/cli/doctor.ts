import type { Argv } from 'yargs';

export function doctorCommand(cli: Argv): Argv {
  return cli.command(
    'doctor [elements..]',
    'check (and with --install, install) the host tools a build of these elements needs',
    (y) =>
      y
        .positional('elements', { type: 'string', array: true, describe: 'elements whose tools to check (default: all built-in)' })
        .option('install', { type: 'boolean', default: false, describe: 'install missing Debian/Ubuntu packages with apt-get' })
        .option('for-tests', { type: 'boolean', default: false, describe: "also the test suite's tools (qemu, OVMF, DIB, oracles)" })
        .option('t', { type: 'string', describe: 'output formats whose tools to check, comma-separated', default: 'qcow2,tar' }),
    async (argv) => {
      const { runDoctor } = await import('../host/doctor-command.js');
      process.exitCode = await runDoctor({
        elements: (argv.elements as string[] | undefined) ?? [],
        install: argv.install,
        forTests: argv['for-tests'],
        formats: String(argv.t).split(',').filter(Boolean),
      });
    },
  );
}
