/**
 * Checks an output request completely before any work: known types (deduplicated, order kept), no
 * two types writing the same file, the inputs each type needs, `--qemu-img-options` keys and values
 * (and which writer each type gets for them: ours or qemu-img, which is asked — choose-writer.ts),
 * `--checksum`, `--docker-target`, SOURCE_DATE_EPOCH. Problems are FLAG_INVALID / ENV_INVALID /
 * OUTPUT_FAILED errors; nothing is touched on disk (qemu-img's trial runs in a private temp dir).
 */
import { envInvalid, flagInvalid, outputFailed, outputPathInvalid } from '../errors.js';
import { parseChecksum, type ChecksumAlgorithm } from './checksum.js';
import { dirname } from 'node:path';
import { chooseWriters } from './choose-writer.js';
import { parseQemuImgOptions } from './qemu-img-options.js';
import { noOutputType, OUTPUT_WRITERS, unknownOutputType } from './writers.js';
import type { OutputOptions, OutputWriter } from './writer.js';

/** What `writeOutputs` is asked for (see write-outputs.ts). */
export interface WriteOutputsRequest {
  /** The finished raw disk image (needed by raw, qcow2, vhd, vhd-fixed, vmdk). */
  rawImage?: string;
  /** The image's root tree, e.g. the mounted target (needed by tar, tgz, squashfs, docker). */
  rootTree?: string;
  /** Output path prefix, e.g. `out/deb` → `out/deb.qcow2`. */
  imageName: string;
  /** `-t` types, in the user's order (comma lists are split). */
  types: readonly string[];
  /** Compress qcow2 (DIB's default); `-u` turns it off. */
  compress: boolean;
  /** `--qemu-img-options k=v,…`. */
  qemuImgOptions?: string;
  /** DIB_CHECKSUM semantics: true or "1" (md5 and sha256), "md5", "sha256", "md5,sha256", false. */
  checksum: boolean | string;
  /** `--docker-target REPO:TAG` (required by `-t docker`). */
  dockerTarget?: string;
  /** Seed for derived ids (VHD UUID); defaults to nothing (then SOURCE_DATE_EPOCH alone decides). */
  seed?: string;
  /** gzip program for tgz; defaults to $DIB_GZIP_BIN, else gzip. */
  gzipBin?: string;
  /** Path of the aci manifest; defaults to $ACI_MANIFEST. */
  aciManifest?: string;
  /** Target architecture (for the default aci manifest). */
  arch?: string;
  /** Environment to read SOURCE_DATE_EPOCH / DIB_GZIP_BIN / ACI_MANIFEST from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface PlannedOutput {
  type: string;
  writer: OutputWriter;
  /** Final path (`<imageName>.<extension>`), or `docker:<target>` for docker. */
  path: string;
}

export interface OutputPlan {
  outputs: PlannedOutput[];
  options: OutputOptions;
  checksums: ChecksumAlgorithm[];
}

/** 9999-12-31T23:59:59Z. */
const MAX_SOURCE_DATE_EPOCH = 253402300799;

function sourceDateEpoch(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = env['SOURCE_DATE_EPOCH'];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw envInvalid({ variable: 'SOURCE_DATE_EPOCH', value: v, expected: 'a whole number of seconds since 1970' });
  // beyond year 9999 no date type (JavaScript's, tar's, a filesystem's) holds it exactly
  if (Number(v) > MAX_SOURCE_DATE_EPOCH) throw envInvalid({ variable: 'SOURCE_DATE_EPOCH', value: v, problem: `after the year 9999; expected at most ${MAX_SOURCE_DATE_EPOCH} seconds since 1970` });
  return Number(v);
}

export async function planOutputs(req: WriteOutputsRequest): Promise<OutputPlan> {
  const env = req.env ?? process.env;
  if (req.imageName.trim() === '' || req.imageName.endsWith('/')) {
    throw outputPathInvalid(`image name "${req.imageName}" must be a path prefix such as out/image`);
  }
  const types: string[] = [];
  for (const t of req.types.flatMap((x) => x.split(',')).map((x) => x.trim())) {
    if (t === '') continue;
    if (!(t in OUTPUT_WRITERS)) throw unknownOutputType('-t', t);
    if (!types.includes(t)) types.push(t);
  }
  if (types.length === 0) throw noOutputType();

  const outputs: PlannedOutput[] = types.map((type) => {
    const writer = OUTPUT_WRITERS[type] as OutputWriter;
    const path = writer.producesFile ? `${req.imageName}.${writer.extension}` : `docker:${req.dockerTarget ?? ''}`;
    return { type, writer, path };
  });
  const byPath = new Map<string, string>();
  for (const o of outputs) {
    const other = byPath.get(o.path);
    if (other) throw flagInvalid({ flag: '-t', value: `${other},${o.type}`, problem: `both would write ${o.path}`, hint: 'ask for one of them' });
    byPath.set(o.path, o.type);
  }
  for (const o of outputs) {
    const input = o.writer.needs === 'raw' ? req.rawImage : req.rootTree;
    if (!input) {
      throw outputFailed(`-t ${o.type} needs the ${o.writer.needs === 'raw' ? 'raw disk image' : 'root tree'}, and this build has none`);
    }
  }

  const qemuImgOptions = parseQemuImgOptions(req.qemuImgOptions);
  const gzipBin = req.gzipBin ?? env['DIB_GZIP_BIN'];
  const aciManifest = req.aciManifest ?? env['ACI_MANIFEST'];
  const options: OutputOptions = {
    compress: req.compress,
    qemuImgOptions,
    ...(sourceDateEpoch(env) !== undefined ? { sourceDateEpoch: sourceDateEpoch(env) } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    ...(req.dockerTarget ? { dockerTarget: req.dockerTarget } : {}),
    ...(gzipBin ? { gzipBin } : {}),
    ...(aciManifest ? { aciManifest } : {}),
    ...(req.arch ? { arch: req.arch } : {}),
  };
  const writers = await chooseWriters(types, options, dirname(req.imageName));
  outputs.forEach((o, i) => (o.writer = writers[i] as OutputWriter));
  return { outputs, options, checksums: parseChecksum(req.checksum) };
}
