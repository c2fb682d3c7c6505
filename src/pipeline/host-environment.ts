/**
 * The variables environment.d files define, read by sourcing them in bash exactly as the hooks
 * will (sorted, `set -eu`). The build uses the result where it decides things hooks would decide
 * in DIB: package-installs `when:` conditions and install types.
 */
import { runResult } from '../host/exec.js';

/** Sources `files` in a bash with `env` and returns the resulting environment. */
export async function sourcedEnvironment(files: readonly string[], env: Record<string, string>): Promise<Record<string, string>> {
  const script = 'set -eu -o pipefail; for f in "$@"; do source "$f"; done; env -0';
  const r = await runResult('bash', ['-c', script, 'tsdib-env', ...files], { env, extendEnv: false, step: 'source environment.d' });
  const out: Record<string, string> = {};
  for (const entry of r.stdout.split('\0')) {
    const i = entry.indexOf('=');
    if (i > 0) out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}
