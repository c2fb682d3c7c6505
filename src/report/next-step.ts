/** The line that ends a build's summary: what to do with the result (boot the first disk image). */
import { formatCommand } from '../host/exec.js';
import { OUTPUT_WRITERS } from '../output/writers.js';

export function nextStep(outputs: ReadonlyArray<{ type: string; path: string }>): string | undefined {
  const disk = outputs.find((o) => OUTPUT_WRITERS[o.type]?.needs === 'raw');
  return disk ? `boot it with: ${formatCommand('tsdib', ['boot', disk.path])}` : undefined;
}
