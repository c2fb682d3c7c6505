import type { Argv } from 'yargs';

export function doctorCommand(cli: Argv): Argv {
  return cli.command(
    'doctor [elements..]',
    'check (and with --install, install) the host tools a build of these elements needs; as an ordinary user, whether a rootless build can run',
    (y) =>
      y
        .positional('elements', { type: 'string', array: true, describe: 'the elements of the build to check for, with their dependencies (default: only what every build needs)' })
        .option('install', { type: 'boolean', default: false, describe: 'install missing Debian/Ubuntu packages with apt-get (as root)' })
        .option('boot', { type: 'boolean', default: false, describe: 'also what tsdib boot and tsdib test need (qemu, OVMF, qemu-storage-daemon, debugfs)' })
        .option('for-tests', { type: 'boolean', default: false, describe: "also the test suite's tools (qemu, OVMF, DIB, oracles)" })
        .option('t', { type: 'string', nargs: 1, describe: 'the output types of the build, comma-separated, as for the build (default: qcow2)' })
        .option('setup-rootless', {
          type: 'string',
          describe: 'as root: give USER what rootless builds need (package uidmap, subordinate uid/gid ranges)',
          requiresArg: true,
        }),
    async (argv) => {
      const { runDoctor } = await import('../host/doctor-command.js');
      process.exitCode = await runDoctor({
        elements: (argv.elements as string[] | undefined) ?? [],
        install: argv.install,
        boot: argv.boot,
        forTests: argv['for-tests'],
        types: argv.t === undefined ? undefined : String(Array.isArray(argv.t) ? argv.t[argv.t.length - 1] : argv.t),
        ...(argv['setup-rootless'] !== undefined ? { setupRootless: String(argv['setup-rootless']) } : {}),
      });
    },
  );
}
