/**
 * What a cache directory holds that no complete entry names: halves of entries that never
 * completed, and temp files (`*.partial.<pid>`) of builds that are gone. A live build's temp files
 * are left alone.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../../host/processes.js';

/** Paths in `dir` whose names are not in `named`, except temp files of a running process. */
export async function unnamedFiles(dir: string, named: ReadonlySet<string>): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stray: string[] = [];
  for (const n of names.sort()) {
    if (named.has(n)) continue;
    const partial = /\.partial\.(\d+)/.exec(n);
    if (partial && processAlive(Number(partial[1]))) continue;
    stray.push(join(dir, n));
  }
  return stray;
}
