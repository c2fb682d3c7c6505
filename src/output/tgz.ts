/**
 * `-t tgz`: the tree tar piped through `pigz -9 -n` when pigz is installed (all cores; gzip -9 on one
 * core is the slowest output of a build), else `gzip -9 -n`; DIB_GZIP_BIN picks the program. Written
 * straight from tar's stdout, so it does not wait for (or delete) a `tar` output requested alongside it.
 */
import { outputFailed } from '../errors.js';
import { commandExists } from '../host/doctor.js';
import { run } from '../host/exec.js';
import { treeTarArgs } from './tree-tar.js';
import type { WholeWriter } from './writer.js';

// $1 = output, $2 = gzip program, the rest = tar arguments. noclobber: the output must be new.
const SCRIPT = 'set -o pipefail -o noclobber; out=$1; gz=$2; shift 2; tar "$@" | "$gz" -9 -n > "$out"';

export const tgzWriter: WholeWriter = {
  format: 'tgz',
  extension: 'tgz',
  writtenBy: 'GNU tar piped through `pigz -9 -n` or `gzip -9 -n` (or `$DIB_GZIP_BIN`)',
  needs: 'tree',
  streaming: false,
  producesFile: true,
  hostCommands: ['tar', 'gzip', 'bash'],
  optionKeys: [],
  checkOptions() {},
  async write(input, dest, opts) {
    if (!input.rootTree) throw outputFailed('tgz output needs the root tree, and none was given');
    const gzip = opts.gzipBin ?? ((await commandExists('pigz')) ? 'pigz' : 'gzip');
    await run('bash', ['-c', SCRIPT, 'tsdib-tgz', dest, gzip, ...treeTarArgs(input.rootTree, '-', opts.sourceDateEpoch)], {
      step: `tar | ${gzip}`,
    });
  },
};
