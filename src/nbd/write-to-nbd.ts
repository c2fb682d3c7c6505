/**
 * `--write-to nbd://…`: the finished raw disk goes straight into an NBD export — read once from the
 * build's own raw image, holes skipped (sent as WRITE_ZEROES), no other local copy. The export must
 * be writable and at least as large as the disk; a larger export keeps what lies past the disk.
 * The build checks the export before it starts (when it can be reached then) and again here.
 */
import { statSync } from 'node:fs';
import { flagInvalid, outputFailed } from '../errors.js';
import type { ReleaseStack } from '../host/release-stack.js';
import { log } from '../log.js';
import { pumpRawImage } from '../output/raw-reader.js';
import { NbdConnection } from './nbd-connection.js';
import { NbdSink } from './nbd-sink.js';
import { parseNbdUri, type NbdTarget } from './nbd-uri.js';

export interface NbdWriteResult {
  uri: string;
  /** Disk size in bytes. */
  bytes: number;
  /** Export size in bytes. */
  exportBytes: number;
  /** Bytes sent as data (the rest was zeroed without data). */
  dataBytes: number;
  seconds: number;
}

function sizeProblem(target: NbdTarget, exportBytes: number, diskBytes: number): string | undefined {
  if (exportBytes >= diskBytes) return undefined;
  return `the export is ${exportBytes} bytes, smaller than the ${diskBytes}-byte disk`;
}

/**
 * Before the build: the URI is well formed and, if the export answers, it is writable and (when the
 * disk size is already known) large enough. Bad input is FLAG_INVALID; an export that cannot be
 * reached yet is only a warning (it may be started while the image builds).
 */
export async function checkNbdTarget(uri: string, diskBytes?: number): Promise<void> {
  const target = parseNbdUri(uri);
  let conn: NbdConnection;
  try {
    conn = await NbdConnection.open(target);
  } catch (e) {
    log.warn(`${e instanceof Error ? e.message : String(e)}; checked again before writing`);
    return;
  }
  try {
    if (conn.readOnly) throw flagInvalid({ flag: '--write-to', value: uri, problem: 'the export is read-only' });
    const problem = diskBytes === undefined ? undefined : sizeProblem(target, conn.info.size, diskBytes);
    if (problem) throw flagInvalid({ flag: '--write-to', value: uri, problem, hint: 'give the export more room, or a smaller --image-size' });
    log.info(`--write-to ${uri}: export of ${conn.info.size} bytes answers`);
  } finally {
    await conn.close();
  }
}

/**
 * Streams `rawImage` into the export at `uri`; the connection is on `release` while it is open, and
 * `abort` (e.g. a signal) closes it at once, failing the write.
 */
export async function writeRawToNbd(rawImage: string, uri: string, release?: ReleaseStack, abort?: AbortSignal): Promise<NbdWriteResult> {
  const target = parseNbdUri(uri);
  const bytes = statSync(rawImage).size;
  const t0 = performance.now();
  const conn = await NbdConnection.open(target);
  const handle = release?.push(`close NBD connection to ${uri}`, { kind: 'other', description: `NBD connection to ${uri}` }, () => conn.close());
  const onAbort = () => void conn.close();
  abort?.addEventListener('abort', onAbort, { once: true });
  try {
    if (conn.readOnly) throw outputFailed(`--write-to ${uri}: the export is read-only`);
    const problem = sizeProblem(target, conn.info.size, bytes);
    if (problem) throw outputFailed(`--write-to ${uri}: ${problem}`, { hint: 'give the export more room' });
    const sink = new NbdSink(conn, bytes);
    try {
      await pumpRawImage(rawImage, [sink]);
    } catch (e) {
      await sink.abort();
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    log.info(`--write-to ${uri}: ${bytes} bytes (${sink.dataBytes} of data) in ${seconds.toFixed(1)} s${conn.info.size > bytes ? `; the export's last ${conn.info.size - bytes} bytes were left as they were` : ''}`);
    return { uri, bytes, exportBytes: conn.info.size, dataBytes: sink.dataBytes, seconds };
  } finally {
    abort?.removeEventListener('abort', onAbort);
    if (handle) await handle.release();
    else await conn.close();
  }
}
