/**
 * What the output writers have written so far, for the progress line: the data allocated in the
 * temp files (`<image>.<ext>.tmp-<pid>`) they fill before renaming them into place. Allocated
 * blocks, not the apparent size, so that a sparse raw image counts what is really written.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatBytes } from './summary.js';

export function outputBytesWritten(imageName: string, pid = process.pid): string | undefined {
  const dir = dirname(imageName);
  const prefix = `${basename(imageName)}.`;
  const suffix = `.tmp-${pid}`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(suffix));
  } catch {
    return undefined;
  }
  const parts: string[] = [];
  for (const name of names.sort()) {
    try {
      const st = statSync(join(dir, name));
      parts.push(`${name.slice(prefix.length, -suffix.length)} ${formatBytes(st.blocks * 512)}`);
    } catch {
      // renamed into place between the listing and the stat: finished
    }
  }
  return parts.length > 0 ? `${parts.join(', ')} written` : undefined;
}
