/**
 * `-t vhd-fixed`: a fixed VHD, i.e. the raw disk (sparse copy, rounded up to a whole MiB with
 * zeros) followed by a 512-byte footer — what Azure requires. Note: qemu-img probes a fixed VHD as
 * raw; inspect it with `qemu-img info -f vpc`.
 */
import { flagInvalid } from '../errors.js';
import { pwriteAll } from './output-file.js';
import { openSparseCopy } from './raw.js';
import { writeStreamingAlone } from './stream-alone.js';
import { encodeFooter, vhdIdentity, vhdSizeFor } from './vhd-footer.js';
import { VHD_OPTION_KEYS, vhdWantsFixed } from './vhd-options.js';
import type { DiskSink, OutputOptions, RawSummary, StreamingWriter } from './writer.js';

/** A sink writing a fixed VHD of virtual size `size` (a whole number of MiB). */
export function openFixedVhd(dest: string, size: number, opts: OutputOptions): DiskSink {
  let summary: RawSummary | undefined;
  const copy = openSparseCopy(dest, size + 512, (fd) => {
    const identity = vhdIdentity({ ...opts, kind: 'fixed', size, fingerprint: summary?.fingerprint ?? '' });
    pwriteAll(fd, encodeFooter({ size, dynamic: false, identity }), size);
  });
  return {
    granule: copy.granule,
    chunk: (c) => copy.chunk(c),
    finish(s) {
      summary = s;
      return copy.finish(s);
    },
    abort: () => copy.abort(),
  };
}

export const vhdFixedWriter: StreamingWriter = {
  format: 'vhd-fixed',
  extension: 'vhd',
  writtenBy: 'tsdib, fixed VHD (`vhd-fixed.ts`)',
  needs: 'raw',
  streaming: true,
  producesFile: true,
  hostCommands: [],
  optionKeys: VHD_OPTION_KEYS,
  checkOptions(opts) {
    vhdWantsFixed(opts, 'vhd-fixed');
    if (opts.qemuImgOptions.get('subformat') === 'dynamic') {
      throw flagInvalid({ flag: '--qemu-img-options', value: 'subformat=dynamic', problem: 'contradicts -t vhd-fixed', hint: 'use -t vhd for a dynamic VHD' });
    }
  },
  async open(image, dest, opts) {
    return openFixedVhd(dest, vhdSizeFor(image.size, image.path, 'vhd-fixed'), opts);
  },
  write(input, dest, opts) {
    return writeStreamingAlone(vhdFixedWriter, input, dest, opts);
  },
};
