import type { Argv } from 'yargs';

/** `tsdib push FILE… REF`: push output files to an OCI registry as one artifact. */
export function pushCommand(cli: Argv): Argv {
  return cli.command(
    'push <args..>',
    'push image files to an OCI registry as one artifact: tsdib push FILE... REF',
    (y) =>
      y
        .positional('args', { type: 'string', array: true, describe: 'the files, then the reference HOST[:PORT]/NAME[:TAG]' })
        .option('type', { type: 'string', nargs: 1, describe: 'output type of the file when its extension does not tell (e.g. qcow2)' })
        .option('annotation', { type: 'string', array: true, nargs: 1, describe: 'extra manifest annotation KEY=VALUE (repeatable)' }),
    async (argv) => {
      const args = ((argv.args as string[] | undefined) ?? []).map(String);
      const { flagInvalid } = await import('../errors.js');
      if (args.length < 2) throw flagInvalid({ flag: 'tsdib push', problem: 'needs FILE... and a REF', hint: 'e.g. tsdib push out/debian.qcow2 127.0.0.1:5000/tsdib/debian:test' });
      const { pushFiles } = await import('../registry/push-files.js');
      const r = await pushFiles({
        files: args.slice(0, -1),
        ref: args[args.length - 1] as string,
        ...(argv.type ? { type: String(argv.type) } : {}),
        annotations: ((argv.annotation as string[] | undefined) ?? []).map(String),
      });
      process.stdout.write(`${r.ref.registry}/${r.ref.repository}@${r.digest}\n`);
    },
  );
}
