/**
 * Where a build's whole log goes when `--logfile` is not given: `<image cache>/logs/NAME-TIME.log`,
 * so the output folded off the screen (hook output, host commands) can be read after a failure.
 * The newest KEEP_LOGS are kept.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export const KEEP_LOGS = 20;

/** The path of a new build log, and how to make its directory when the build first writes it. */
export function newBuildLogFile(imageCache: string, imageName: string, now = new Date()): { path: string; prepare: () => void } {
  const dir = join(imageCache, 'logs');
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return {
    path: join(dir, `${basename(imageName)}-${stamp}-${process.pid}.log`),
    prepare: () => {
      mkdirSync(dir, { recursive: true });
      pruneLogs(dir, KEEP_LOGS - 1);
    },
  };
}

/** Removes all but the newest `keep` logs in `dir`. */
export function pruneLogs(dir: string, keep: number): void {
  // builds run side by side: a log another build just pruned is simply gone
  const mtime = (path: string) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  };
  const logs = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => ({ path: join(dir, f), mtime: mtime(join(dir, f)) }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of logs.slice(keep)) rmSync(old.path, { force: true });
}
