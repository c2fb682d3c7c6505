/**
 * `--json-events FILE`: every log line and step start/end as one JSON object per line, for tools
 * that follow a build. Written synchronously so the file is complete even when the build is killed.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { onLogEvent } from '../log.js';

export function writeJsonEvents(file: string): () => void {
  writeFileSync(file, '');
  return onLogEvent((event) => {
    try {
      appendFileSync(file, `${JSON.stringify(event)}\n`);
    } catch {
      // an unwritable events file must not fail the build; the path was checked before the build
    }
  });
}
