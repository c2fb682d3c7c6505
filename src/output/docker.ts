/**
 * `-t docker`: the root tree imported into the local docker engine as `--docker-target REPO:TAG`
 * (`tar … | docker import - TARGET`, as DIB does). Needs the docker CLI and a running engine; checked
 * first, with a clear OUTPUT_FAILED error. Produces no file; resolves with the image id.
 */
import { flagInvalid, outputFailed, type TsdibError } from '../errors.js';
import { run } from '../host/exec.js';
import { treeTarArgs } from './tree-tar.js';
import type { WholeWriter } from './writer.js';

/** -t docker without --docker-target: the docker image has no name. */
export function dockerTargetMissing(): TsdibError {
  return flagInvalid({ flag: '-t docker', problem: 'needs --docker-target REPO:TAG (the image to create)' });
}

// $1 = target, the rest = tar arguments.
const SCRIPT = 'set -o pipefail; target=$1; shift; tar "$@" | docker import - "$target"';

export const dockerWriter: WholeWriter = {
  format: 'docker',
  extension: 'docker',
  writtenBy: '`tar … | docker import - TARGET`',
  needs: 'tree',
  streaming: false,
  producesFile: false,
  hostCommands: ['docker', 'tar', 'bash'],
  optionKeys: [],
  checkOptions(opts) {
    if (!opts.dockerTarget) throw dockerTargetMissing();
  },
  async write(input, _dest, opts) {
    if (!input.rootTree) throw outputFailed('docker output needs the root tree, and none was given');
    const target = opts.dockerTarget;
    if (!target) throw dockerTargetMissing();
    try {
      await run('docker', ['version', '--format', '{{.Server.Version}}'], { step: 'docker version' });
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw outputFailed(`docker output needs the docker CLI and a running docker engine: ${detail}`, {
        cause: e,
        hint: 'start the docker daemon (or drop -t docker)',
      });
    }
    const id = await run('bash', ['-c', SCRIPT, 'tsdib-docker', target, ...treeTarArgs(input.rootTree, '-', opts.sourceDateEpoch)], {
      step: 'docker import',
    });
    return id.trim();
  },
};
