/**
 * A DiskSink that streams the raw image into an NBD export: every non-zero run becomes WRITE
 * requests, every hole between them one WRITE_ZEROES (no data crosses the wire; plain zero WRITEs
 * only when the server lacks WRITE_ZEROES), so the export ends up equal to the disk whatever it held
 * before. Requests are pipelined, at most MAX_IN_FLIGHT at once; the last step is FLUSH.
 */
import { forEachDataRun } from '../output/raw-reader.js';
import type { DiskSink, RawChunk } from '../output/writer.js';
import type { NbdConnection } from './nbd-connection.js';

const MAX_IN_FLIGHT = 32;
/** Largest WRITE_ZEROES request (servers split bigger ones anyway; some limit them). */
const MAX_ZERO_REQUEST = 1 << 30;
const ZERO_BUFFER = Buffer.alloc(1 << 20);

export class NbdSink implements DiskSink {
  readonly granule = 65536;
  /** Where the data written so far ends: everything before it is on its way. */
  private cursor = 0;
  private readonly inFlight: Array<Promise<void>> = [];
  /** Bytes sent as data and as zeroing requests. */
  dataBytes = 0;
  zeroBytes = 0;

  constructor(
    private readonly conn: NbdConnection,
    private readonly size: number,
  ) {}

  private async send(p: Promise<void>): Promise<void> {
    p.catch(() => undefined); // awaited below or in finish(); avoids an unhandled rejection meanwhile
    this.inFlight.push(p);
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    await this.conn.drained();
  }

  private async zero(start: number, end: number): Promise<void> {
    for (let o = start; o < end; ) {
      if (this.conn.canWriteZeroes) {
        const n = Math.min(MAX_ZERO_REQUEST, end - o);
        await this.send(this.conn.writeZeroes(o, n));
        o += n;
      } else {
        const n = Math.min(ZERO_BUFFER.length, end - o);
        await this.send(this.conn.write(o, n === ZERO_BUFFER.length ? ZERO_BUFFER : ZERO_BUFFER.subarray(0, n)));
        o += n;
      }
    }
    this.zeroBytes += end - start;
  }

  async chunk(c: RawChunk): Promise<void> {
    const runs: Array<[number, number]> = [];
    forEachDataRun(c, (rel, len) => runs.push([rel, len]));
    for (const [rel, len] of runs) {
      const offset = c.offset + rel;
      if (offset > this.cursor) await this.zero(this.cursor, offset);
      for (let done = 0; done < len; ) {
        const n = Math.min(this.conn.info.maxPayload, len - done);
        // the reader reuses its buffer once chunk() settles; the socket may still hold ours then
        await this.send(this.conn.write(offset + done, Buffer.from(c.data.subarray(rel + done, rel + done + n))));
        done += n;
      }
      this.cursor = offset + len;
      this.dataBytes += len;
    }
  }

  async finish(): Promise<void> {
    if (this.cursor < this.size) await this.zero(this.cursor, this.size);
    await Promise.all(this.inFlight.splice(0));
    if (this.conn.canFlush) await this.conn.flush();
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }
}
