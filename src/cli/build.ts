import type { Argv } from 'yargs';
import { isTsdibError } from '../errors.js';
import { addBuildOptions, toBuildOptions } from './build-options.js';
import { CONTROL_CHARACTER } from './flag-values.js';
import { logSettings } from './log-settings.js';

/** `tsdib [build] [flags] ELEMENT...`: the default command, DIB's disk-image-create. */
export function buildCommand(cli: Argv): Argv {
  return cli.command(
    ['$0 [elements..]', 'build [elements..]'],
    'build an image from elements (as disk-image-create)',
    (y) => addBuildOptions(y.positional('elements', { type: 'string', array: true, describe: 'elements to build, e.g. debian vm' })),
    async (argv) => {
      const { appendErrorEvent, writeJsonEvents } = await import('../report/json-events.js');
      const { opts, settings } = await toBuildOptions(argv).then((o) => ({ opts: o, settings: logSettings(o, process.env) })).catch((e: unknown) => {
        // a bad flag is refused before the events file is opened: still say so in it, if it can be written
        // (not when the path itself is refused for a control character: no file of that name is made)
        const events = argv['json-events'];
        if (typeof events === 'string' && !CONTROL_CHARACTER.test(events)) appendErrorEvent(events, e);
        throw e;
      });
      // an ordinary user: the same command line again, as root of a user namespace (docs/rootless.md)
      const rootless = await import('../host/userns/rootless-build.js');
      if (rootless.needsUserNamespace()) {
        const { rootlessReadiness } = await import('../host/userns/rootless-readiness.js');
        const readiness = await rootlessReadiness();
        // not ready: the plan step below refuses the build, with the reasons and every other bad input
        if (rootless.rootlessReady(readiness)) {
          process.exitCode = await rootless.runRootlessBuild(readiness);
          return;
        }
      }
      const { configureLog, openLogfile, stepTimings } = await import('../log.js');
      const { newBuildLogFile } = await import('../pipeline/build-log-file.js');
      const { imageCacheDir } = await import('../pipeline/cache/cache-store.js');
      // without --logfile the whole log still goes somewhere: the screen shows only part of it; it is
      // written from the first step that does work, so that refused input leaves no file
      const defaultLog = newBuildLogFile(imageCacheDir(opts.imageCache, process.env), opts.imageName);
      const logfile = opts.logfile ?? defaultLog.path;
      configureLog({ logfile, quiet: settings.quiet, level: settings.level, ...(opts.logfile ? {} : { deferLogfile: defaultLog }) });
      // as DIB's "Output logs going to: FILE"
      if (opts.logfile) process.stderr.write(`log: ${opts.logfile}\n`);
      const events = opts.jsonEvents ? writeJsonEvents(opts.jsonEvents) : undefined;
      const { buildImage } = await import('../pipeline/pipeline.js');
      // inside the namespace there is no loop device to be had: the disk is always assembled offline
      const result = await buildImage(rootless.isRootlessBuild() ? { ...opts, offlineAssembly: true } : opts).catch((e: unknown) => {
        events?.error(e);
        // a bad input is said in full by its error; a failure's details (hook output) are in the log
        if (!(isTsdibError(e) && e.isBadInput)) {
          openLogfile();
          process.stderr.write(`whole log: ${logfile}\n`);
        }
        throw e;
      });
      events?.result(result);
      const { formatSummary } = await import('../report/summary.js');
      const { nextStep } = await import('../report/next-step.js');
      const next = nextStep(result.outputs);
      const summary = formatSummary(stepTimings(), result.outputs, {
        quiet: settings.quiet,
        maxDepth: settings.level === 'info' ? 0 : 1,
        totalSeconds: result.seconds,
        logfile,
        ...(next ? { next } : {}),
      });
      process.stderr.write(`${summary.join('\n')}\n`);
      for (const o of result.outputs) process.stdout.write(`${o.path}\n`);
    },
  );
}
