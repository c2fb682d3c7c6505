/**
 * Reads artifacts back: the manifest of a reference (and whether it exists at all), and one layer
 * streamed into a file whose sha256 and size must match the layer's descriptor — else the file is
 * removed and the pull fails. The file appears under its final name only when it is complete.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { flagInvalid } from '../errors.js';
import { log } from '../log.js';
import { ANNOTATION } from './annotations.js';
import { OCI_INDEX, OCI_MANIFEST, typeOfFile, typeOfMediaType } from './media-types.js';
import type { ArtifactManifest, Descriptor } from './push.js';
import { RegistryClient } from './registry-client.js';
import { manifestReference, type ImageReference } from './reference.js';

const ACCEPT = [OCI_MANIFEST, OCI_INDEX, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

export interface FetchedManifest {
  digest: string;
  manifest: ArtifactManifest;
}

/** The manifest `ref` names, or undefined when the registry has no such tag or digest. */
export async function fetchManifest(ref: ImageReference, env?: Readonly<Record<string, string | undefined>>): Promise<FetchedManifest | undefined> {
  const client = await RegistryClient.open(ref, 'pull', env);
  const res = await client.request(client.url(`manifests/${manifestReference(ref)}`), { headers: { accept: ACCEPT }, ok: [200, 404], what: 'get manifest' });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (ref.digest && ref.digest !== digest) throw client.fail('get manifest', `its sha256 is ${digest}, not ${ref.digest}`);
  const manifest = JSON.parse(bytes.toString('utf8')) as ArtifactManifest;
  if ((manifest.mediaType as string) === OCI_INDEX || !Array.isArray(manifest.layers)) throw client.fail('get manifest', `${ref.text} is not an image manifest (${manifest.mediaType ?? 'no media type'})`);
  return { digest, manifest };
}

/** The layer to pull: the only one, else the one whose type or title matches the output file name. */
export function chooseLayer(manifest: ArtifactManifest, ref: ImageReference, out: string, type?: string): Descriptor {
  const layers = manifest.layers;
  const wanted = type ?? typeOfFile(out);
  const typed = (l: Descriptor) => l.annotations?.[ANNOTATION.outputType] ?? typeOfMediaType(l.mediaType);
  const candidates = wanted ? layers.filter((l) => typed(l) === wanted) : layers;
  const byTitle = layers.filter((l) => l.annotations?.[ANNOTATION.title] === basename(out));
  const pick = candidates.length === 1 ? candidates[0] : byTitle.length === 1 ? byTitle[0] : layers.length === 1 && !type ? layers[0] : undefined;
  if (pick) return pick;
  const list = layers.map((l) => `${l.annotations?.[ANNOTATION.title] ?? l.digest} (${typed(l) ?? l.mediaType})`).join(', ');
  throw flagInvalid({
    flag: 'tsdib pull',
    value: ref.text,
    problem: `${candidates.length === 0 ? `no layer of type ${wanted ?? '?'}` : 'several layers match'}; it has ${list}`,
    hint: 'name the output type with --type, or give -o the layer\'s file name',
  });
}

export interface PullResult {
  path: string;
  digest: string;
  size: number;
  manifestDigest: string;
}

/** Pulls one layer of `ref` into `out`, verifying its digest and size. */
export async function pullArtifact(ref: ImageReference, out: string, opts: { type?: string; env?: Readonly<Record<string, string | undefined>>; abort?: AbortSignal } = {}): Promise<PullResult> {
  const fetched = await fetchManifest(ref, opts.env);
  const client = await RegistryClient.open(ref, 'pull', opts.env, opts.abort);
  if (!fetched) throw client.fail('get manifest', `${ref.text} does not exist`);
  const layer = chooseLayer(fetched.manifest, ref, out, opts.type);
  const res = await client.request(client.url(`blobs/${layer.digest}`), { ok: [200], what: `get blob ${layer.digest}` });
  const temp = join(dirname(out), `.${basename(out)}.pull-${process.pid}`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    await pipeline(body, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
    const digest = `sha256:${hash.digest('hex')}`;
    if (digest !== layer.digest || size !== layer.size) {
      throw client.fail(`get blob ${layer.digest}`, `received ${size} bytes with digest ${digest}; the manifest says ${layer.size} bytes, ${layer.digest}`);
    }
    await rm(out, { force: true });
    await rename(temp, out);
  } finally {
    await rm(temp, { force: true });
  }
  log.info(`pulled ${ref.text} (${fetched.digest}) layer ${layer.digest} to ${out} (${size} bytes)`);
  return { path: out, digest: layer.digest, size, manifestDigest: fetched.digest };
}
