/**
 * Writes every requested output, in parallel: one pass over the raw image feeds all the streaming
 * disk writers (raw, qcow2, vhd, vhd-fixed) while the tree writers (tar, tgz, squashfs, docker) and
 * qemu-img-backed ones (vmdk) run beside it. Each output is written under `<final>.tmp-<pid>` (a new
 * file) and renamed into place with mode 0644; its sha256 (and `--checksum` files) come from one
 * read in a worker thread. Everything is validated before anything is written (output-plan.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isTsdibError, outputFailed } from '../errors.js';
import type { ReleaseHandle, ReleaseStack } from '../host/release-stack.js';
import { log, withStep } from '../log.js';
import { hashFile, writeChecksumFiles, type ChecksumAlgorithm } from './checksum.js';
import { commitOutput, discardOutput, tempName } from './output-file.js';
import { planOutputs, type OutputPlan, type PlannedOutput, type WriteOutputsRequest } from './output-plan.js';
import { pumpRawImage } from './raw-reader.js';
import type { DiskSink, OutputInput, StreamingWriter } from './writer.js';

export type { WriteOutputsRequest } from './output-plan.js';

/** One finished output. */
export interface OutputResult {
  /** The `-t` type. */
  type: string;
  /** Final path (`docker:<target>` for docker). */
  path: string;
  /** File size in bytes (apparent; 0 for docker). */
  bytes: number;
  /** sha256 of the file, hex (docker: the image id). */
  sha256: string;
  /** Wall time from the start of the outputs step until this output (and its checksums) was in place. */
  seconds: number;
  /** The `--checksum` files written beside it. */
  checksumFiles: string[];
}

/** Options beyond the request that only the runner knows. */
export interface WriteOutputsContext {
  /** Temp files are registered here while they exist, so an interrupted build removes them. */
  release?: ReleaseStack;
}

/** Non-tsdib errors (ENOSPC, EIO…) become OUTPUT_FAILED naming the outputs. */
function asOutputError(e: unknown, what: string): unknown {
  if (isTsdibError(e)) return e;
  return outputFailed(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

interface Temp {
  path: string;
  handle: ReleaseHandle | undefined;
}

async function newTemp(final: string, ctx: WriteOutputsContext): Promise<Temp> {
  const path = tempName(final);
  await discardOutput(path); // a stale one from a killed run with the same pid
  const handle = ctx.release?.push(`remove ${path}`, { kind: 'file', path }, () => rm(path, { force: true }));
  return { path, handle };
}

async function dropTemp(t: Temp): Promise<void> {
  t.handle?.forget();
  await discardOutput(t.path);
}

/** Renames the temp into place, hashes it, writes checksum files; returns the result. */
async function finishFile(o: PlannedOutput, temp: Temp, algorithms: readonly ChecksumAlgorithm[], t0: number): Promise<OutputResult> {
  const bytes = await commitOutput(temp.path, o.path);
  temp.handle?.forget();
  const digests = await hashFile(o.path, ['sha256', ...algorithms.filter((a) => a !== 'sha256')]);
  const checksumFiles = await writeChecksumFiles(o.path, digests, algorithms);
  const seconds = (performance.now() - t0) / 1000;
  log.info(`${o.type}: ${o.path} (${bytes} bytes, ${seconds.toFixed(1)} s)`);
  return { type: o.type, path: o.path, bytes, sha256: digests.sha256 ?? '', seconds, checksumFiles };
}

/** The streaming disk outputs: one read of the raw image for all of them. */
async function diskPass(plan: OutputPlan, outs: PlannedOutput[], input: OutputInput, ctx: WriteOutputsContext, t0: number): Promise<OutputResult[]> {
  if (outs.length === 0) return [];
  const raw = input.rawImage as string;
  const temps: Temp[] = [];
  const sinks: DiskSink[] = [];
  try {
    const image = { path: raw, size: statSync(raw).size };
    for (const o of outs) {
      const temp = await newTemp(o.path, ctx);
      temps.push(temp);
      sinks.push(await (o.writer as StreamingWriter).open(image, temp.path, plan.options));
    }
    const summary = await withStep(`read ${raw} once for ${outs.map((o) => o.type).join(', ')}`, () => pumpRawImage(raw, sinks));
    log.debug(`raw image: ${summary.dataBytes} bytes of data, hole map from ${summary.holeMap}`);
  } catch (e) {
    await Promise.allSettled(sinks.map((s) => s.abort()));
    await Promise.allSettled(temps.map(dropTemp));
    throw asOutputError(e, outs.map((o) => o.type).join(', '));
  }
  return Promise.all(outs.map((o, i) => finishFile(o, temps[i] as Temp, plan.checksums, t0).catch((e: unknown) => {
    throw asOutputError(e, o.type);
  })));
}

/** A tree writer or a qemu-img-backed writer, on its own. */
async function wholeOutput(plan: OutputPlan, o: PlannedOutput, input: OutputInput, ctx: WriteOutputsContext, t0: number): Promise<OutputResult> {
  return withStep(`write ${o.type}`, async () => {
    if (!o.writer.producesFile) {
      const id = (await o.writer.write(input, '', plan.options)) ?? '';
      const seconds = (performance.now() - t0) / 1000;
      log.info(`${o.type}: ${o.path} ${id}`);
      return { type: o.type, path: o.path, bytes: 0, sha256: id.replace(/^sha256:/, ''), seconds, checksumFiles: [] };
    }
    const temp = await newTemp(o.path, ctx);
    try {
      await o.writer.write(input, temp.path, plan.options);
    } catch (e) {
      await dropTemp(temp);
      throw asOutputError(e, o.type);
    }
    return finishFile(o, temp, plan.checksums, t0).catch((e: unknown) => {
      throw asOutputError(e, o.type);
    });
  });
}

/**
 * Writes all outputs of a build and returns one result per type, in the requested order.
 * Throws before writing anything if the request is invalid; if some outputs fail, the others still
 * finish and one OUTPUT_FAILED error lists every failure (a single failure is rethrown as is).
 */
export async function writeOutputs(req: WriteOutputsRequest, ctx: WriteOutputsContext = {}): Promise<OutputResult[]> {
  const plan = await planOutputs(req);
  const input: OutputInput = {
    ...(req.rawImage ? { rawImage: req.rawImage } : {}),
    ...(req.rootTree ? { rootTree: req.rootTree } : {}),
  };
  return withStep(`write outputs ${plan.outputs.map((o) => o.type).join(',')}`, async () => {
    await mkdir(dirname(req.imageName), { recursive: true });
    const t0 = performance.now();
    const disk = plan.outputs.filter((o) => o.writer.streaming);
    const whole = plan.outputs.filter((o) => !o.writer.streaming);
    const settled = await Promise.allSettled([
      diskPass(plan, disk, input, ctx, t0),
      ...whole.map((o) => wholeOutput(plan, o, input, ctx, t0).then((r) => [r])),
    ]);
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw outputFailed(`${failures.length} outputs failed`, {
        details: failures.map((f) => (isTsdibError(f) ? `${f.code}: ${f.message}` : String(f))),
        cause: failures[0],
      });
    }
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
    return plan.outputs.map((o) => results.find((r) => r.type === o.type) as OutputResult);
  });
}
