/**
 * Picks the writer of each `-t` type for the given `--qemu-img-options`: our own writer when it does
 * everything the options ask, else `qemu-img convert` for the same format (our qcow2 writes no
 * `backing_file` or `preallocation=metadata`; qemu-img does), and qemu-img always for the formats
 * we do not write (vdi, vhdx, qed, …). Every option that goes to qemu-img is checked by qemu-img
 * itself first (qemu-img-probe.ts); a key that no requested type takes is refused.
 */
import { flagInvalid, isTsdibError } from '../errors.js';
import { commandExists } from '../host/doctor.js';
import { log } from '../log.js';
import { NATIVE_QEMU_FORMATS, QEMU_IMG_TYPES, type QemuImgFormat } from './qemu-img-formats.js';
import { probeQemuImgConvert, qemuImgOptionKeys } from './qemu-img-probe.js';
import { qemuImgOptionsFor, qemuImgWriter } from './qemu-img-writer.js';
import { OUTPUT_TYPES, OUTPUT_WRITERS } from './writers.js';
import type { OutputOptions, OutputWriter } from './writer.js';

interface Chosen {
  writer: OutputWriter;
  /** The option keys this output takes (ours, or qemu-img's for its format). */
  takes: ReadonlySet<string>;
}

async function viaQemuImg(type: string, spec: QemuImgFormat, options: OutputOptions, outputDir: string): Promise<Chosen> {
  const keys = await qemuImgOptionKeys(spec.format);
  const own = qemuImgOptionsFor(spec, options.qemuImgOptions, keys);
  await probeQemuImgConvert(type, spec, own, options.compress, outputDir);
  return { writer: qemuImgWriter(type, spec, own), takes: keys };
}

async function chooseOne(type: string, options: OutputOptions, outputDir: string): Promise<Chosen> {
  const qemuOnly = QEMU_IMG_TYPES[type];
  if (qemuOnly) return viaQemuImg(type, qemuOnly, options, outputDir);
  const native = OUTPUT_WRITERS[type] as OutputWriter;
  const spec = NATIVE_QEMU_FORMATS[type];
  const ours = new Set<string>(native.optionKeys);
  const foreign = [...options.qemuImgOptions.keys()].filter((k) => !ours.has(k));
  // a key qemu-img's format takes and our writer does not: qemu-img writes this output
  let reason: unknown;
  if (spec && foreign.length > 0 && (await commandExists('qemu-img'))) {
    const keys = await qemuImgOptionKeys(spec.format);
    const theirs = foreign.filter((k) => keys.has(k));
    if (theirs.length > 0) reason = `tsdib's ${type} writer does not do ${theirs.join(', ')}`;
  }
  if (reason === undefined) {
    try {
      native.checkOptions(options);
      return { writer: native, takes: ours };
    } catch (e) {
      if (!spec || !isTsdibError(e) || e.code !== 'FLAG_INVALID' || !(await commandExists('qemu-img'))) throw e;
      reason = e.message;
    }
  }
  log.info(`-t ${type}: qemu-img convert writes it (${String(reason)})`);
  return viaQemuImg(type, spec as QemuImgFormat, options, outputDir);
}

/**
 * The writer of each type, in order. Throws FLAG_INVALID (qemu-img's message when qemu-img refused)
 * or HOST_TOOLS_MISSING when a type needs qemu-img and it is not installed.
 */
export async function chooseWriters(types: readonly string[], options: OutputOptions, outputDir: string): Promise<OutputWriter[]> {
  const chosen: Chosen[] = [];
  for (const type of types) chosen.push(await chooseOne(type, options, outputDir));
  for (const key of options.qemuImgOptions.keys()) {
    if (chosen.some((c) => c.takes.has(key))) continue;
    // let qemu-img word the refusal when one of the types is a qemu format
    const withQemu = types.find((t) => QEMU_IMG_TYPES[t] ?? NATIVE_QEMU_FORMATS[t]);
    if (withQemu && (await commandExists('qemu-img'))) {
      const spec = (QEMU_IMG_TYPES[withQemu] ?? NATIVE_QEMU_FORMATS[withQemu]) as QemuImgFormat;
      await probeQemuImgConvert(withQemu, spec, options.qemuImgOptions, options.compress, outputDir);
    }
    const takers = OUTPUT_TYPES.filter((t) => OUTPUT_WRITERS[t]?.optionKeys.includes(key));
    throw flagInvalid({
      flag: '--qemu-img-options',
      value: key,
      problem: `not supported for -t ${types.join(',')}`,
      hint: takers.length > 0 ? `${key} applies to ${takers.join(', ')}` : `neither tsdib's writers nor qemu-img's formats for these types take ${key}`,
    });
  }
  return chosen.map((c) => c.writer);
}
