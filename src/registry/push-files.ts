/**
 * `tsdib push FILE… REF`: checks the files (they exist, are regular files, their output type is
 * known from the extension or `--type`) and the annotations before any network traffic, then pushes
 * them as one artifact (push.ts).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { flagInvalid, outputPathInvalid } from '../errors.js';
import { withAbortOnSignal } from '../host/abort-on-signal.js';
import { OUTPUT_TYPES, unknownOutputType } from '../output/writers.js';
import { artifactAnnotations } from './annotations.js';
import { typeOfFile } from './media-types.js';
import { pushArtifact, type PushFile, type PushResult } from './push.js';
import { parseReference } from './reference.js';

export interface PushFilesOptions {
  files: readonly string[];
  ref: string;
  /** Output type of the (single) file, when its extension does not say it. */
  type?: string;
  /** Extra `KEY=VALUE` annotations. */
  annotations: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

export async function pushFiles(opts: PushFilesOptions): Promise<PushResult> {
  const ref = parseReference(opts.ref, 'tsdib push');
  if (opts.files.length === 0) throw flagInvalid({ flag: 'tsdib push', problem: 'no FILE given', hint: 'tsdib push FILE… REF' });
  if (opts.type !== undefined && opts.files.length > 1) throw flagInvalid({ flag: 'tsdib push --type', problem: 'only with one FILE (the others are named by their extensions)' });
  if (opts.type !== undefined && !OUTPUT_TYPES.includes(opts.type)) throw unknownOutputType('tsdib push --type', opts.type);
  const files: PushFile[] = [];
  for (const f of opts.files) {
    const path = resolve(f);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw outputPathInvalid(`tsdib push ${f}: ${s ? 'not a regular file' : 'no such file'}`, { path });
    const type = opts.type ?? typeOfFile(path);
    if (!type) throw flagInvalid({ flag: 'tsdib push', value: f, problem: 'cannot tell its output type from the file name', hint: 'give --type, e.g. --type qcow2' });
    files.push({ path, type });
  }
  const extra: Record<string, string> = {};
  for (const a of opts.annotations) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw flagInvalid({ flag: 'tsdib push --annotation', value: a, expected: 'KEY=VALUE' });
    extra[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const env = opts.env ?? process.env;
  const sde = env['SOURCE_DATE_EPOCH'];
  const annotations = { ...artifactAnnotations(sde && /^\d+$/.test(sde) ? { sourceDateEpoch: Number(sde) } : {}), ...extra };
  return withAbortOnSignal((abort) => pushArtifact(ref, files, annotations, { env, abort }));
}
