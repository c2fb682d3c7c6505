/**
 * `-t raw`: a sparse copy of the raw image. The new file is sized with ftruncate and only non-zero
 * granules are written (positioned writes, one per run), so holes and written-zero runs stay holes.
 * Unlike DIB (which moves image0.raw last, destroying it), the build's raw image is left alone.
 */
import { closeSync, ftruncateSync } from 'node:fs';
import { createNew, pwriteAll } from './output-file.js';
import { forEachDataRun } from './raw-reader.js';
import { writeStreamingAlone } from './stream-alone.js';
import type { DiskSink, RawChunk, StreamingWriter } from './writer.js';

/** Writes every non-zero run of a chunk to `fd` at `base` + its offset. Shared with vhd-fixed. */
export function writeDataRuns(fd: number, c: RawChunk, base: number): void {
  forEachDataRun(c, (rel, len) => pwriteAll(fd, c.data, base + c.offset + rel, rel, len));
}

/** A sink writing the raw bytes at their own offsets into a file of `length` bytes. */
export function openSparseCopy(dest: string, length: number, onFinish?: (fd: number) => void): DiskSink {
  const fd = createNew(dest);
  let open = true;
  try {
    ftruncateSync(fd, length);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    granule: 65536,
    chunk: (c) => writeDataRuns(fd, c, 0),
    async finish() {
      onFinish?.(fd);
      open = false;
      closeSync(fd);
    },
    async abort() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export const rawWriter: StreamingWriter = {
  format: 'raw',
  extension: 'raw',
  writtenBy: 'tsdib, sparse copy (`raw.ts`)',
  needs: 'raw',
  streaming: true,
  producesFile: true,
  hostCommands: [],
  optionKeys: [],
  checkOptions() {},
  async open(image, dest) {
    return openSparseCopy(dest, image.size);
  },
  write(input, dest, opts) {
    return writeStreamingAlone(rawWriter, input, dest, opts);
  },
};
