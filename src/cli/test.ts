import type { Argv } from 'yargs';
import { cpusFlag, extraQemuArgs, vmOptions } from './boot.js';
import { COMMAND_NUMBER_RULES, numberFlag } from './flag-values.js';

/** `tsdib test IMAGE CHECK...`: boot the image and run each check in it as root. */
export function testCommand(cli: Argv): Argv {
  return cli.command(
    'test <image> [checks..]',
    'boot a disk image (on a throwaway overlay) and run each CHECK inside it as root; exit 0 only when all pass',
    (y) =>
      vmOptions(
        y
          .positional('image', { type: 'string', describe: 'a disk image with an ext4 root and systemd (e.g. from tsdib debian vm); never written' })
          .positional('checks', { type: 'string', array: true, describe: 'executable files, run in this order in the guest as root' }),
      )
        .option('timeout', { type: 'string', requiresArg: true, default: '900', describe: 'seconds for the whole run (boot, checks, power-off); then fail with the console tail' })
        .option('check-timeout', { type: 'string', requiresArg: true, default: '300', describe: 'seconds one check may take (then it fails as timed out)' })
        .option('junit', { type: 'string', requiresArg: true, describe: 'write the results as JUnit XML to FILE' })
        .parserConfiguration({ 'populate--': true })
        .usage('$0 test IMAGE CHECK... [options] [-- EXTRA QEMU ARGS]'),
    async (argv) => {
      const { testImage } = await import('../vm/test-image.js');
      await testImage({
        image: String(argv.image),
        checks: ((argv.checks as unknown[] | undefined) ?? []).map(String),
        firmware: String(argv.firmware),
        memory: String(argv.memory),
        cpus: cpusFlag(argv),
        timeout: numberFlag(argv, 'timeout', '--timeout', COMMAND_NUMBER_RULES.seconds) ?? 900,
        checkTimeout: numberFlag(argv, 'check-timeout', '--check-timeout', COMMAND_NUMBER_RULES.seconds) ?? 300,
        ...(argv.seed !== undefined ? { seed: String(argv.seed) } : {}),
        ...(argv.junit !== undefined ? { junit: String(argv.junit) } : {}),
        ...(argv['console-log'] !== undefined ? { consoleLog: String(argv['console-log']) } : {}),
        extraArgs: extraQemuArgs(argv),
      });
    },
  );
}
