#!/usr/bin/env node
/**
 * The tsdib command line. This file alone prints errors and chooses the exit code:
 * 0 ok, 1 build failed, 2 bad input, 130/143 interrupted. Commands live one per file in src/cli/
 * and map argv to typed options; the work is done in src/pipeline, src/elements, src/blockdevice.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatError, isTsdibError, TsdibError } from '../errors.js';
import { refuseBooleanValues } from './boolean-values.js';
import { COMMANDS } from './commands.js';
import { unknownOptionsMessage } from './unknown-options.js';

export function buildCli(argv: string[]): Argv {
  let cli: Argv = yargs(argv)
    .scriptName('tsdib')
    .usage('$0 [options] ELEMENT...   build a disk image from elements (DIB-compatible)')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    // answers the completion script's `--get-yargs-completions`; `tsdib completion` (completion.ts) prints the script
    .completion('__completion', false)
    .option('debug', { type: 'boolean', global: true, describe: 'on an unexpected error (a bug in tsdib), also print its stack trace' })
    .wrap(Math.min(110, process.stdout.columns || 100))
    .middleware((parsed) => refuseBooleanValues(argv, parsed))
    .fail((msg, err) => {
      if (err) throw err;
      throw new TsdibError('FLAG_INVALID', msg ? unknownOptionsMessage(msg) : 'invalid command line', { hint: 'run `tsdib --help`' });
    });
  for (const command of COMMANDS) cli = command(cli);
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli(argv).parseAsync();
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (isTsdibError(e)) {
      for (const line of formatError(e)) process.stderr.write(`${line}\n`);
      return e.exitCode;
    }
    for (const line of internalErrorLines(e, argv.includes('--debug'))) process.stderr.write(`${line}\n`);
    return 1;
  }
}

/**
 * An exception that is not a TsdibError is a bug: one line naming it, where to report it, and its
 * stack trace only with --debug.
 */
export function internalErrorLines(e: unknown, debug: boolean): string[] {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const lines = [`error INTERNAL: ${message.split('\n')[0]}`, '  this is a bug in tsdib: please report it as an issue of the tsdib project, with the command line and its output with --debug'];
  if (debug && e instanceof Error && e.stack) lines.push(...e.stack.split('\n').slice(1));
  else lines.push('  hint: run the same command with --debug to see where it happened');
  return lines;
}

/** True when this module is the program node was started with (also through the npm bin symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

// Imported (e.g. by the docs generator, which renders `--help` of every command): define, don't run.
if (isEntryPoint()) {
  const code = await main(hideBin(process.argv));
  process.exit(code);
}
