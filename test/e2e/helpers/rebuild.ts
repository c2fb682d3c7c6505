// Issue 19's acceptance inside the suite: the e2e twins (debian-vm, ubuntu-vm) are SOURCE_DATE_EPOCH
// builds, and each is built once more with --no-cache from another TMPDIR into another directory;
// every output must have the same sha256 as the first build's.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBuild, type BuildRun } from './build.js';

/** The SOURCE_DATE_EPOCH of the e2e twins' builds (the fleet test plans its jobs against them). */
export const E2E_SOURCE_DATE_EPOCH = '1700000000';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface Rebuild {
  build: BuildRun;
  /** Output type → [first build's sha256, rebuild's sha256]. */
  sums: Record<string, [string, string]>;
  /** One line per output, for the test's log: `qcow2 <sha256> same` or `qcow2 <a> != <b>`. */
  report: string;
}

/**
 * Builds `elements` again with `--no-cache -t TYPES` under SOURCE_DATE_EPOCH, with TMPDIR and the
 * outputs in new directories below `dir`, and compares each output with `first`'s (`first.TYPE`).
 */
export async function rebuildAndCompare(elements: string[], types: string[], first: string, dir: string, env: Record<string, string> = {}): Promise<Rebuild> {
  const tmp = join(dir, 'rebuild-tmp');
  const out = join(dir, 'rebuild-out');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(out, { recursive: true });
  const prefix = join(out, 'image');
  const build = await runBuild(['--no-cache', ...elements, '-t', types.join(','), '-o', prefix], {
    env: { ...env, SOURCE_DATE_EPOCH: E2E_SOURCE_DATE_EPOCH, TMPDIR: tmp },
  });
  const sums: Record<string, [string, string]> = {};
  if (build.status === 0) for (const t of types) sums[t] = [await sha256File(`${first}.${t}`), await sha256File(`${prefix}.${t}`)];
  const report = Object.entries(sums)
    .map(([t, [a, b]]) => (a === b ? `${t} ${a} same` : `${t} ${a} != ${b}`))
    .join('\n');
  return { build, sums, report };
}
