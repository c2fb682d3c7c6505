import type { Argv } from 'yargs';
import { COMMAND_NUMBER_RULES, numberFlag } from './flag-values.js';

/** Options `tsdib boot` and `tsdib test` share (the VM). */
export function vmOptions(y: Argv): Argv {
  return y
    .option('firmware', { type: 'string', choices: ['bios', 'uefi'], default: 'bios', describe: 'SeaBIOS (bios) or OVMF (uefi)' })
    .option('memory', { type: 'string', default: '1024', describe: 'guest memory in MiB (or 2G, 2048M)' })
    .option('cpus', { type: 'string', default: '1', describe: 'guest CPUs' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'attach a NoCloud seed for cloud-init: a directory with user-data and meta-data, or a ready seed file (label CIDATA)' })
    .option('console-log', { type: 'string', requiresArg: true, describe: 'also write the serial console to FILE' });
}

export function cpusFlag(argv: Record<string, unknown>): number {
  return numberFlag(argv, 'cpus', '--cpus', COMMAND_NUMBER_RULES.cpus) ?? 1;
}

/** Arguments after `--`: they go to qemu as they are. */
export function extraQemuArgs(argv: Record<string, unknown>): string[] {
  return ((argv['--'] as unknown[] | undefined) ?? []).map(String);
}

/** `tsdib boot IMAGE`: boot a disk image under qemu on a throwaway overlay. */
export function bootCommand(cli: Argv): Argv {
  return cli.command(
    'boot <image>',
    'boot a disk image under qemu (KVM or software emulation) on a throwaway overlay; --expect waits for a console pattern',
    (y) =>
      vmOptions(y.positional('image', { type: 'string', describe: 'a disk image (raw, qcow2, vhd, vmdk, …); never written' }))
        .option('expect', { type: 'string', requiresArg: true, describe: 'exit 0 when the serial console shows this regular expression (e.g. "login:")' })
        .option('timeout', { type: 'string', requiresArg: true, describe: 'seconds to wait (with --expect: default 600, then fail with the console tail)' })
        .parserConfiguration({ 'populate--': true })
        .usage('$0 boot IMAGE [options] [-- EXTRA QEMU ARGS]'),
    async (argv) => {
      const timeout = numberFlag(argv, 'timeout', '--timeout', COMMAND_NUMBER_RULES.seconds);
      const { bootImage } = await import('../vm/boot-image.js');
      await bootImage({
        image: String(argv.image),
        firmware: String(argv.firmware),
        memory: String(argv.memory),
        cpus: cpusFlag(argv),
        ...(timeout !== undefined ? { timeout } : {}),
        ...(argv.seed !== undefined ? { seed: String(argv.seed) } : {}),
        ...(argv.expect !== undefined ? { expect: String(argv.expect) } : {}),
        ...(argv['console-log'] !== undefined ? { consoleLog: String(argv['console-log']) } : {}),
        extraArgs: extraQemuArgs(argv),
      });
    },
  );
}
