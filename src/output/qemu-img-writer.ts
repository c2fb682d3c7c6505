/**
 * A `-t` type written by `qemu-img convert -f raw -O FORMAT [-c] [-o OPTIONS] RAW DEST`. The writer
 * is made for one output with its options already chosen and checked by qemu-img itself
 * (qemu-img-probe.ts), so `checkOptions` has nothing left to check. A vmdk's embedded descriptor
 * is rewritten afterwards (vmdk-descriptor.ts): final file name, and a derived CID when seeded.
 */
import { outputFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { formatQemuOptions, type QemuImgFormat } from './qemu-img-formats.js';
import { finalName } from './output-file.js';
import { pinVmdkDescriptor, vmdkChange } from './vmdk-descriptor.js';
import type { WholeWriter } from './writer.js';

/** The options qemu-img gets: the format's defaults, then the user's keys for this format. */
export function qemuImgOptionsFor(spec: QemuImgFormat, given: ReadonlyMap<string, string>, keys: ReadonlySet<string>): Map<string, string> {
  const options = new Map(Object.entries(spec.defaults ?? {}));
  for (const [k, v] of given) if (keys.has(k)) options.set(k, v);
  return options;
}

/** `qemu-img convert` arguments for one output (without the input and the destination). */
export function qemuImgConvertArgs(spec: QemuImgFormat, options: ReadonlyMap<string, string>, compress: boolean): string[] {
  return [
    'convert',
    '-f', 'raw',
    '-O', spec.format,
    ...(compress && spec.compressible ? ['-c'] : []),
    ...(options.size > 0 ? ['-o', formatQemuOptions(options)] : []),
  ];
}

export function qemuImgWriter(type: string, spec: QemuImgFormat, options: ReadonlyMap<string, string> = new Map(Object.entries(spec.defaults ?? {}))): WholeWriter {
  return {
    format: type,
    extension: spec.extension,
    writtenBy: `\`qemu-img convert -O ${spec.format}${Object.entries(spec.defaults ?? {}).map(([k, v]) => ` -o ${k}=${v}`).join('')}\`${spec.note ? ` (${spec.note})` : ''}`,
    needs: 'raw',
    streaming: false,
    producesFile: true,
    hostCommands: ['qemu-img'],
    optionKeys: [...options.keys()],
    checkOptions() {},
    async write(input, dest, opts) {
      if (!input.rawImage) throw outputFailed(`${type} output needs the raw disk image, and none was given`);
      await run('qemu-img', [...qemuImgConvertArgs(spec, options, opts.compress), input.rawImage, dest], {
        step: `qemu-img convert ${type}`,
        hint: 'qemu-img comes with qemu-utils',
      });
      if (spec.format === 'vmdk') await pinVmdkDescriptor(dest, vmdkChange(finalName(dest), opts));
    },
  };
}
