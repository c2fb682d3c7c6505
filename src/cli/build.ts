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
      const { configureLog, stepTimings } = await import('../log.js');
      if (opts.logfile) configureLog({ logfile: opts.logfile });
      if (opts.jsonEvents) {
        const { writeJsonEvents } = await import('../report/json-events.js');
        writeJsonEvents(opts.jsonEvents);
      }
      const { buildImage } = await import('../build/pipeline.js');
      const result = await buildImage(opts);
      const { formatSummary } = await import('../report/summary.js');
      process.stderr.write(`${formatSummary(stepTimings(), result.outputs).join('\n')}\n`);
      for (const o of result.outputs) process.stdout.write(`${o.path}\n`);
    },
  );
}
