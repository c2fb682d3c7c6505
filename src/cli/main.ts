#!/usr/bin/env node
/**
 * The tsdib command line. This file alone prints errors and chooses the exit code:
 * 0 ok, 1 build failed, 2 bad input, 130/143 interrupted. Commands live one per file in src/cli/
 * and map argv to typed options; the work is done in src/build, src/elements, src/blockdevice.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatError, isTsdibError, TsdibError } from '../errors.js';
import { COMMANDS } from './commands.js';

export function buildCli(argv: string[]): Argv {
  let cli = yargs(argv)
    .scriptName('tsdib')
    .usage('$0 [options] ELEMENT...   build a disk image from elements (DIB-compatible)')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new TsdibError('FLAG_INVALID', msg ?? 'invalid command line', { hint: 'run `tsdib --help`' });
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
    process.stderr.write(`error INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
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
