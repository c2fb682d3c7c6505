/**
 * `write()` for a streaming writer used on its own: one sink, one pass over the raw image.
 * (`write-outputs.ts` opens several sinks and makes one pass for all of them.)
 */
import { statSync } from 'node:fs';
import { outputFailed } from '../errors.js';
import { pumpRawImage } from './raw-reader.js';
import type { OutputInput, OutputOptions, StreamingWriter } from './writer.js';

export async function writeStreamingAlone(
  writer: Pick<StreamingWriter, 'format' | 'open'>,
  input: OutputInput,
  dest: string,
  opts: OutputOptions,
): Promise<void> {
  const path = input.rawImage;
  if (!path) throw outputFailed(`${writer.format} output needs the raw disk image, and none was given`);
  const sink = await writer.open({ path, size: statSync(path).size }, dest, opts);
  try {
    await pumpRawImage(path, [sink]);
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
