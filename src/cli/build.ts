import type { Argv } from 'yargs';
import { addBuildOptions, toBuildOptions } from './build-options.js';

/** `tsdib [build] [flags] ELEMENT...`: the default command, DIB's disk-image-create. */
export function buildCommand(cli: Argv): Argv {
  return cli.command(
    ['$0 [elements..]', 'build [elements..]'],
    'build an image from elements (as disk-image-create)',
    (y) => addBuildOptions(y.positional('elements', { type: 'string', array: true, describe: 'elements to build, e.g. debian vm' })),
    async (argv) => {
      const opts = await toBuildOptions(argv);
      const { configureLog } = await import('../log.js');
      if (opts.logfile) configureLog({ logfile: opts.logfile });
      const { buildImage } = await import('../build/pipeline.js');
      const result = await buildImage(opts);
      for (const o of result.outputs) process.stdout.write(`${o.path}\n`);
    },
  );
}
