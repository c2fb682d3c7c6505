/**
 * Pushes output files as one OCI 1.1 artifact: the empty config blob, one layer blob per file (in
 * the given order), then the image manifest under the reference's tag. Returns the manifest and
 * its digest (what `tsdib pull REF@DIGEST` and fleets refer to).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { log } from '../log.js';
import { hashFile } from '../output/checksum.js';
import { ANNOTATION } from './annotations.js';
import { bufferSource, fileSource, uploadBlob, type UploadOptions } from './blob-upload.js';
import { ARTIFACT_TYPE, EMPTY_CONFIG, EMPTY_CONFIG_BYTES, layerMediaType, OCI_MANIFEST } from './media-types.js';
import { RegistryClient } from './registry-client.js';
import { manifestReference, type ImageReference } from './reference.js';

export interface PushFile {
  path: string;
  /** The output type (`qcow2`); names the layer's media type. */
  type: string;
  /** sha256 hex when already known (the build computed it); else it is computed. */
  sha256?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ArtifactManifest {
  schemaVersion: 2;
  mediaType: typeof OCI_MANIFEST;
  artifactType: string;
  config: Descriptor & { data?: string };
  layers: Descriptor[];
  annotations: Record<string, string>;
}

export interface PushResult {
  ref: ImageReference;
  /** sha256:… of the manifest bytes as pushed. */
  digest: string;
  manifest: ArtifactManifest;
  /** Layers uploaded (the others were in the registry already). */
  uploaded: number;
  /** Uploads that carried on after a failure, and uploads the registry dropped and that started again. */
  resumes: number;
  restarts: number;
  seconds: number;
}

export async function pushArtifact(
  ref: ImageReference,
  files: readonly PushFile[],
  annotations: Record<string, string>,
  opts: UploadOptions & { env?: Readonly<Record<string, string | undefined>>; abort?: AbortSignal } = {},
): Promise<PushResult> {
  const t0 = performance.now();
  const client = await RegistryClient.open(ref, 'push', opts.env, opts.abort);
  await uploadBlob(client, bufferSource('config', EMPTY_CONFIG.digest, EMPTY_CONFIG_BYTES), opts);
  const layers: Descriptor[] = [];
  let uploaded = 0;
  let resumes = 0;
  let restarts = 0;
  for (const f of files) {
    const size = (await stat(f.path)).size;
    const sha256 = f.sha256 ?? (await hashFile(f.path, ['sha256'])).sha256;
    const digest = `sha256:${sha256}`;
    const source = await fileSource(f.path, digest, size);
    try {
      const r = await uploadBlob(client, source, opts);
      if (r.uploaded) uploaded++;
      resumes += r.resumes;
      restarts += r.restarts;
    } finally {
      await source.close();
    }
    layers.push({ mediaType: layerMediaType(f.type), digest, size, annotations: { [ANNOTATION.title]: basename(f.path), [ANNOTATION.outputType]: f.type } });
  }
  const manifest: ArtifactManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: ARTIFACT_TYPE, config: { ...EMPTY_CONFIG }, layers, annotations };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await client.request(client.url(`manifests/${manifestReference(ref)}`), { method: 'PUT', headers: { 'content-type': OCI_MANIFEST }, body: bytes, ok: [201], what: 'put manifest' });
  const seconds = (performance.now() - t0) / 1000;
  log.info(`pushed ${files.map((f) => basename(f.path)).join(', ')} to ${ref.text} (${digest}, ${uploaded} of ${files.length} layers uploaded, ${seconds.toFixed(1)} s)`);
  return { ref, digest, manifest, uploaded, resumes, restarts, seconds };
}
