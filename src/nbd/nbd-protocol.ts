/**
 * NBD protocol constants and messages (the NBD project's doc/proto.md): fixed newstyle handshake,
 * NBD_OPT_GO, and simple replies in transmission. All integers big-endian.
 */
export const NBDMAGIC = 0x4e42444d41474943n;
export const IHAVEOPT = 0x49484156454f5054n;
/** An oldstyle server sends this instead of IHAVEOPT. */
export const OLDSTYLE_MAGIC = 0x00420281861253n;
export const OPTION_REPLY_MAGIC = 0x0003e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;
export const STRUCTURED_REPLY_MAGIC = 0x668e33ef;

export const HANDSHAKE_FLAG = { FIXED_NEWSTYLE: 1, NO_ZEROES: 2 } as const;

export const OPT = { EXPORT_NAME: 1, ABORT: 2, GO: 7 } as const;
export const REP = { ACK: 1, INFO: 3 } as const;
export const INFO = { EXPORT: 0, BLOCK_SIZE: 3 } as const;

/** Option reply errors (bit 31 set), as the protocol names them. */
export const REP_ERRORS: Readonly<Record<number, string>> = {
  1: 'NBD_REP_ERR_UNSUP (the server does not know the option)',
  2: 'NBD_REP_ERR_POLICY (refused by the server\'s policy)',
  3: 'NBD_REP_ERR_INVALID',
  4: 'NBD_REP_ERR_PLATFORM',
  5: 'NBD_REP_ERR_TLS_REQD (the server requires TLS)',
  6: 'NBD_REP_ERR_UNKNOWN (no such export)',
  7: 'NBD_REP_ERR_SHUTDOWN',
  8: 'NBD_REP_ERR_BLOCK_SIZE_REQD',
  9: 'NBD_REP_ERR_TOO_BIG',
};

/** Transmission flags of an export. */
export const TFLAG = {
  HAS_FLAGS: 1 << 0,
  READ_ONLY: 1 << 1,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  SEND_TRIM: 1 << 5,
  SEND_WRITE_ZEROES: 1 << 6,
} as const;

export const CMD = { READ: 0, WRITE: 1, DISC: 2, FLUSH: 3, TRIM: 4, WRITE_ZEROES: 6 } as const;
export type Command = (typeof CMD)[keyof typeof CMD];

/** errno values a server returns in a reply. */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 5: 'EIO', 12: 'ENOMEM', 22: 'EINVAL', 28: 'ENOSPC', 75: 'EOVERFLOW', 95: 'ENOTSUP', 108: 'ESHUTDOWN',
};

/** An option request: IHAVEOPT, option, length, data. */
export function encodeOption(option: number, data: Buffer): Buffer {
  const b = Buffer.alloc(16 + data.length);
  b.writeBigUInt64BE(IHAVEOPT, 0);
  b.writeUInt32BE(option, 8);
  b.writeUInt32BE(data.length, 12);
  data.copy(b, 16);
  return b;
}

/** NBD_OPT_GO's data: the export name and the information requests. */
export function encodeGo(exportName: string, infos: readonly number[]): Buffer {
  const name = Buffer.from(exportName, 'utf8');
  const b = Buffer.alloc(4 + name.length + 2 + 2 * infos.length);
  b.writeUInt32BE(name.length, 0);
  name.copy(b, 4);
  b.writeUInt16BE(infos.length, 4 + name.length);
  infos.forEach((info, i) => b.writeUInt16BE(info, 6 + name.length + 2 * i));
  return b;
}

/** A transmission request header (28 bytes); a WRITE's payload follows it. */
export function encodeRequest(type: Command, cookie: bigint, offset: number, length: number, flags = 0): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32BE(REQUEST_MAGIC, 0);
  b.writeUInt16BE(flags, 4);
  b.writeUInt16BE(type, 6);
  b.writeBigUInt64BE(cookie, 8);
  b.writeBigUInt64BE(BigInt(offset), 16);
  b.writeUInt32BE(length, 24);
  return b;
}
