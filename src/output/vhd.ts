/**
 * `-t vhd`: a dynamic VHD (VPC), `[footer copy][dynamic header][BAT][blocks…][footer]`, 2 MiB
 * blocks allocated in guest order, each a full sector bitmap (all present) and its data; zero runs
 * inside a block are left as holes. The virtual size is the raw size rounded up to a whole MiB.
 * `--qemu-img-options subformat=fixed` (or `-t vhd-fixed`) writes a fixed VHD instead.
 */
import { closeSync } from 'node:fs';
import { createNew, pwriteAll } from './output-file.js';
import { forEachDataRun } from './raw-reader.js';
import { writeStreamingAlone } from './stream-alone.js';
import { BLOCK_SIZE, SECTOR, encodeDynamicHeader, encodeFooter, vhdIdentity, vhdSizeFor } from './vhd-footer.js';
import { openFixedVhd } from './vhd-fixed.js';
import { VHD_OPTION_KEYS, vhdWantsFixed } from './vhd-options.js';
import type { DiskSink, OutputOptions, RawChunk, StreamingWriter } from './writer.js';

const TABLE_OFFSET = 1536;
const BITMAP = Buffer.alloc(SECTOR, 0xff);

class DynamicVhdSink implements DiskSink {
  readonly granule = 65536;
  private readonly bat: Buffer;
  private readonly entries: number;
  private next: number;
  private open = true;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly opts: OutputOptions,
  ) {
    this.entries = Math.ceil(size / BLOCK_SIZE);
    this.bat = Buffer.alloc(Math.ceil((this.entries * 4) / SECTOR) * SECTOR, 0xff);
    this.next = TABLE_OFFSET + this.bat.length;
  }

  /** File offset of the data of `block`, allocating the block on first use. */
  private blockData(block: number): number {
    const sector = this.bat.readUInt32BE(block * 4);
    if (sector !== 0xffffffff) return sector * SECTOR + SECTOR;
    const at = this.next;
    this.bat.writeUInt32BE(at / SECTOR, block * 4);
    pwriteAll(this.fd, BITMAP, at);
    this.next += SECTOR + BLOCK_SIZE;
    return at + SECTOR;
  }

  chunk(c: RawChunk): void {
    forEachDataRun(c, (rel, len) => {
      let off = c.offset + rel;
      const end = off + len;
      while (off < end) {
        const block = Math.floor(off / BLOCK_SIZE);
        const upto = Math.min(end, (block + 1) * BLOCK_SIZE);
        pwriteAll(this.fd, c.data, this.blockData(block) + (off - block * BLOCK_SIZE), off - c.offset, upto - off);
        off = upto;
      }
    });
  }

  async finish(summary: { fingerprint: string }): Promise<void> {
    const identity = vhdIdentity({ ...this.opts, kind: 'dynamic', size: this.size, fingerprint: summary.fingerprint });
    const footer = encodeFooter({ size: this.size, dynamic: true, identity });
    pwriteAll(this.fd, footer, 0);
    pwriteAll(this.fd, encodeDynamicHeader(TABLE_OFFSET, this.entries), SECTOR);
    pwriteAll(this.fd, this.bat, TABLE_OFFSET);
    pwriteAll(this.fd, footer, this.next);
    this.open = false;
    closeSync(this.fd);
  }

  async abort(): Promise<void> {
    if (this.open) closeSync(this.fd);
    this.open = false;
  }
}

export const vhdWriter: StreamingWriter = {
  format: 'vhd',
  extension: 'vhd',
  writtenBy: 'tsdib, dynamic VHD (`vhd.ts`)',
  needs: 'raw',
  streaming: true,
  producesFile: true,
  hostCommands: [],
  optionKeys: VHD_OPTION_KEYS,
  checkOptions(opts) {
    vhdWantsFixed(opts, 'vhd');
  },
  async open(image, dest, opts) {
    const size = vhdSizeFor(image.size, image.path, 'vhd');
    if (vhdWantsFixed(opts, 'vhd')) return openFixedVhd(dest, size, opts);
    return new DynamicVhdSink(createNew(dest), size, opts);
  },
  write(input, dest, opts) {
    return writeStreamingAlone(vhdWriter, input, dest, opts);
  },
};
