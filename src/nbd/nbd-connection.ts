/**
 * A client connection to one NBD export, spoken over node:net: the fixed newstyle handshake with
 * NBD_OPT_GO (NBD_OPT_EXPORT_NAME when the server does not know GO), then WRITE, WRITE_ZEROES,
 * TRIM and FLUSH requests with simple replies. Requests may be pipelined: each returns a promise
 * settled by its own reply (matched by cookie), in whatever order the server answers.
 */
import { connect, type Socket } from 'node:net';
import { outputFailed } from '../errors.js';
import {
  CMD, encodeGo, encodeOption, encodeRequest, ERRNO_NAMES, HANDSHAKE_FLAG, IHAVEOPT, INFO, NBDMAGIC, OLDSTYLE_MAGIC, OPT, OPTION_REPLY_MAGIC,
  REP, REP_ERRORS, SIMPLE_REPLY_MAGIC, TFLAG, type Command,
} from './nbd-protocol.js';
import type { NbdTarget } from './nbd-uri.js';
import { SocketReader } from './socket-reader.js';

/** What the server said about the export. */
export interface NbdExportInfo {
  /** Size in bytes. */
  size: number;
  /** Transmission flags (TFLAG). */
  flags: number;
  /** Largest WRITE payload the server takes (NBD_INFO_BLOCK_SIZE, else 32 MiB as the protocol advises). */
  maxPayload: number;
}

const DEFAULT_MAX_PAYLOAD = 32 << 20;
const CONNECT_TIMEOUT_MS = 15_000;

function failed(target: NbdTarget, why: string, cause?: unknown): Error {
  return outputFailed(`--write-to ${target.uri}: ${why}`, cause === undefined ? {} : { cause });
}

function openSocket(target: NbdTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.kind === 'tcp' ? connect({ host: target.host, port: target.port }) : connect({ path: target.socket });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(failed(target, `no connection after ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failed(target, `cannot connect: ${e.code ?? e.message}`, e));
    });
  });
}

async function negotiate(target: NbdTarget, socket: Socket, reader: SocketReader): Promise<NbdExportInfo> {
  const hello = await reader.read(18);
  if (hello.readBigUInt64BE(0) !== NBDMAGIC) throw failed(target, 'not an NBD server (no NBDMAGIC)');
  const style = hello.readBigUInt64BE(8);
  if (style === OLDSTYLE_MAGIC) throw failed(target, 'the server speaks the oldstyle protocol; tsdib needs a newstyle server');
  if (style !== IHAVEOPT) throw failed(target, 'unexpected NBD greeting');
  const serverFlags = hello.readUInt16BE(16);
  if (!(serverFlags & HANDSHAKE_FLAG.FIXED_NEWSTYLE)) throw failed(target, 'the server does not offer the fixed newstyle handshake');
  const noZeroes = (serverFlags & HANDSHAKE_FLAG.NO_ZEROES) !== 0;
  const clientFlags = Buffer.alloc(4);
  clientFlags.writeUInt32BE(HANDSHAKE_FLAG.FIXED_NEWSTYLE | (noZeroes ? HANDSHAKE_FLAG.NO_ZEROES : 0));
  socket.write(clientFlags);
  socket.write(encodeOption(OPT.GO, encodeGo(target.exportName, [INFO.BLOCK_SIZE])));
  let size: number | undefined;
  let flags = 0;
  let maxPayload = DEFAULT_MAX_PAYLOAD;
  for (;;) {
    const head = await reader.read(20);
    if (head.readBigUInt64BE(0) !== OPTION_REPLY_MAGIC) throw failed(target, 'bad option reply from the server');
    const type = head.readUInt32BE(12);
    const data = await reader.read(head.readUInt32BE(16));
    if (type === REP.ACK) break;
    if (type === REP.INFO) {
      const info = data.readUInt16BE(0);
      if (info === INFO.EXPORT) {
        size = Number(data.readBigUInt64BE(2));
        flags = data.readUInt16BE(10);
      } else if (info === INFO.BLOCK_SIZE) {
        maxPayload = Math.min(DEFAULT_MAX_PAYLOAD, data.readUInt32BE(10));
      }
      continue;
    }
    if (type & 0x80000000) {
      const code = type & 0x7fffffff;
      if (code === 1) return exportNameFallback(target, socket, reader, noZeroes);
      const text = data.toString('utf8').trim();
      const what = code === 6 ? `no export named "${target.exportName}"` : (REP_ERRORS[code] ?? `option error ${code}`);
      throw failed(target, `the server refused: ${what}${text ? ` (${text})` : ''}`);
    }
    // an unknown reply type without the error bit: ignore it, as the protocol asks
  }
  if (size === undefined) throw failed(target, 'the server sent no export size');
  return { size, flags, maxPayload };
}

/** Servers without NBD_OPT_GO: NBD_OPT_EXPORT_NAME answers with the size and flags (and 124 zeros). */
async function exportNameFallback(target: NbdTarget, socket: Socket, reader: SocketReader, noZeroes: boolean): Promise<NbdExportInfo> {
  socket.write(encodeOption(OPT.EXPORT_NAME, Buffer.from(target.exportName, 'utf8')));
  const reply = await reader.read(noZeroes ? 10 : 134).catch((e: unknown) => {
    throw failed(target, `the server closed the connection: no export named "${target.exportName}"?`, e);
  });
  return { size: Number(reply.readBigUInt64BE(0)), flags: reply.readUInt16BE(8), maxPayload: DEFAULT_MAX_PAYLOAD };
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  what: string;
}

export class NbdConnection {
  private nextCookie = 1n;
  private readonly pending = new Map<bigint, Pending>();
  private broken: Error | undefined;
  private closed = false;

  private constructor(
    readonly target: NbdTarget,
    readonly info: NbdExportInfo,
    private readonly socket: Socket,
    private readonly reader: SocketReader,
  ) {
    void this.replyLoop();
  }

  /** Connects and negotiates; rejects with OUTPUT_FAILED naming the URI and what went wrong. */
  static async open(target: NbdTarget): Promise<NbdConnection> {
    const socket = await openSocket(target);
    const reader = new SocketReader(socket);
    try {
      const info = await negotiate(target, socket, reader);
      return new NbdConnection(target, info, socket, reader);
    } catch (e) {
      socket.destroy();
      throw e instanceof Error && 'code' in e ? e : failed(target, `handshake failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  get readOnly(): boolean {
    return (this.info.flags & TFLAG.READ_ONLY) !== 0;
  }

  get canWriteZeroes(): boolean {
    return (this.info.flags & TFLAG.HAS_FLAGS) !== 0 && (this.info.flags & TFLAG.SEND_WRITE_ZEROES) !== 0;
  }

  get canFlush(): boolean {
    return (this.info.flags & TFLAG.HAS_FLAGS) !== 0 && (this.info.flags & TFLAG.SEND_FLUSH) !== 0;
  }

  get canTrim(): boolean {
    return (this.info.flags & TFLAG.HAS_FLAGS) !== 0 && (this.info.flags & TFLAG.SEND_TRIM) !== 0;
  }

  private async replyLoop(): Promise<void> {
    try {
      for (;;) {
        const reply = await this.reader.read(16);
        if (reply.readUInt32BE(0) !== SIMPLE_REPLY_MAGIC) throw new Error('bad reply magic from the server');
        const errno = reply.readUInt32BE(4);
        const cookie = reply.readBigUInt64BE(8);
        const p = this.pending.get(cookie);
        if (!p) throw new Error(`reply to a request that was not sent (cookie ${cookie})`);
        this.pending.delete(cookie);
        if (errno === 0) p.resolve();
        else p.reject(failed(this.target, `${p.what} failed: ${ERRNO_NAMES[errno] ?? `error ${errno}`}`));
      }
    } catch (e) {
      this.broken ??= this.closed ? new Error('connection closed') : failed(this.target, e instanceof Error ? e.message : String(e), e);
      for (const p of this.pending.values()) p.reject(this.broken);
      this.pending.clear();
    }
  }

  private request(type: Command, offset: number, length: number, payload?: Buffer): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const cookie = this.nextCookie++;
    const what = `${Object.keys(CMD).find((k) => CMD[k as keyof typeof CMD] === type) ?? type} at ${offset} (${length} bytes)`;
    const done = new Promise<void>((resolve, reject) => this.pending.set(cookie, { resolve, reject, what }));
    this.socket.write(encodeRequest(type, cookie, offset, length));
    if (payload) this.socket.write(payload);
    return done;
  }

  /** Writes `data` (the caller must not change it until the promise settles) at `offset`. */
  write(offset: number, data: Buffer): Promise<void> {
    return this.request(CMD.WRITE, offset, data.length, data);
  }

  writeZeroes(offset: number, length: number): Promise<void> {
    return this.request(CMD.WRITE_ZEROES, offset, length);
  }

  trim(offset: number, length: number): Promise<void> {
    return this.request(CMD.TRIM, offset, length);
  }

  flush(): Promise<void> {
    return this.request(CMD.FLUSH, 0, 0);
  }

  /** Resolves when the socket's buffered writes have gone to the kernel (back-pressure). */
  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', resolve));
  }

  /** Sends NBD_CMD_DISC (when the connection is healthy) and closes the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.broken && this.pending.size === 0) this.socket.write(encodeRequest(CMD.DISC, 0n, 0, 0));
    await new Promise<void>((resolve) => {
      this.socket.end(() => resolve());
      setTimeout(resolve, 2000).unref();
    });
    this.socket.destroy();
  }
}
