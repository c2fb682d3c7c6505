/**
 * Writes byte chunks at offsets into a file or block device (opened r+, never truncated or
 * created), then flushes them to the device.
 */
import { open } from 'node:fs/promises';
import { blockDeviceFailed } from '../../errors.js';

export interface DiskChunk {
  offset: number;
  bytes: Buffer;
}

/** `what` names the data in error messages (default: the partition table). */
export async function writeChunks(target: string, chunks: readonly DiskChunk[], what = 'the partition table'): Promise<void> {
  let fh;
  try {
    fh = await open(target, 'r+');
  } catch (e) {
    throw blockDeviceFailed(`cannot open ${target} to write ${what}: ${(e as Error).message}`, { cause: e });
  }
  try {
    for (const c of chunks) {
      let done = 0;
      while (done < c.bytes.length) {
        const { bytesWritten } = await fh.write(c.bytes, done, c.bytes.length - done, c.offset + done);
        if (bytesWritten === 0) throw new Error(`short write at byte ${c.offset + done}`);
        done += bytesWritten;
      }
    }
    await fh.sync();
  } catch (e) {
    throw blockDeviceFailed(`writing ${what} to ${target} failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await fh.close();
  }
}
