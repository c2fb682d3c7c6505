/**
 * Uploads one blob with the distribution API: nothing when the registry has it already (HEAD);
 * small blobs in one PUT (POST, then PUT ?digest=); large ones as chunked PATCHes with
 * Content-Range, then a closing PUT ?digest=. When a PATCH fails (network error, 5xx, 416), the
 * upload's status (GET on its Location, `Range: 0-N`) says how much arrived, and the upload resumes
 * from there — up to RETRIES times in a row. A registry that dropped the upload instead (the
 * reference registry, distribution 2.8, cancels an upload whose bytes and state disagree after a
 * PATCH broke off mid-body) answers the status with 404: then the upload starts again from byte 0.
 */
import { open } from 'node:fs/promises';
import { log } from '../log.js';
import { backoff, type RegistryClient } from './registry-client.js';

/** A blob to upload: its digest and size, and its bytes by range. */
export interface BlobSource {
  digest: string;
  size: number;
  /** Bytes [offset, offset + length). */
  read(offset: number, length: number): Promise<Buffer>;
  /** For messages. */
  name: string;
}

export interface UploadOptions {
  /** PATCH size; blobs up to this size go in one PUT. Default 32 MiB. */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 32 << 20;
const RETRIES = 5;

export function bufferSource(name: string, digest: string, bytes: Buffer): BlobSource {
  return { name, digest, size: bytes.length, read: async (o, n) => bytes.subarray(o, o + n) };
}

/** A file as a blob source (digest and size known beforehand, e.g. from the output's sha256). */
export async function fileSource(path: string, digest: string, size: number): Promise<BlobSource & { close(): Promise<void> }> {
  const fh = await open(path, 'r');
  return {
    name: path,
    digest,
    size,
    async read(offset, length) {
      const b = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(b, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${path} is shorter than ${size} bytes`);
        done += bytesRead;
      }
      return b;
    },
    close: () => fh.close(),
  };
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** Where the registry's copy of an upload in progress ends (the next byte it wants). */
async function uploadedUpTo(client: RegistryClient, location: string): Promise<{ next: number; location: string }> {
  const res = await client.request(location, { ok: [204], what: 'upload status' });
  const range = /^(?:bytes=)?0-(\d+)$/.exec(res.headers.get('range') ?? '');
  return { next: range ? Number(range[1]) + 1 : 0, location: client.absolute(res.headers.get('location') ?? location) };
}

export interface UploadResult {
  /** False when the registry had the blob already. */
  uploaded: boolean;
  /** Times the upload carried on from where the registry said it stood. */
  resumes: number;
  /** Times the registry had dropped the upload and it started again. */
  restarts: number;
}

export async function uploadBlob(client: RegistryClient, blob: BlobSource, opts: UploadOptions = {}): Promise<UploadResult> {
  const head = await client.request(client.url(`blobs/${blob.digest}`), { method: 'HEAD', ok: [200, 404], what: `blob ${blob.digest}` });
  if (head.status === 200) {
    log.debug(`registry: ${blob.name}: ${blob.digest} is there already`);
    return { uploaded: false, resumes: 0, restarts: 0 };
  }
  const chunk = opts.chunkSize ?? DEFAULT_CHUNK;
  const start = async (): Promise<string> => {
    const started = await client.request(client.url('blobs/uploads/'), { method: 'POST', ok: [202], what: `start upload of ${blob.name}`, retry: true });
    return client.absolute(started.headers.get('location') ?? '');
  };
  let location = await start();
  if (blob.size <= chunk) {
    await client.request(withDigest(location, blob.digest), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
      body: await blob.read(0, blob.size),
      ok: [201],
      what: `upload ${blob.name}`,
    });
    return { uploaded: true, resumes: 0, restarts: 0 };
  }
  let offset = 0;
  let failures = 0;
  let resumes = 0;
  let restarts = 0;
  while (offset < blob.size) {
    const length = Math.min(chunk, blob.size - offset);
    try {
      const res = await client.request(location, {
        method: 'PATCH',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(length), 'content-range': `${offset}-${offset + length - 1}` },
        body: await blob.read(offset, length),
        ok: [202],
        what: `upload ${blob.name} bytes ${offset}-${offset + length - 1}`,
        retry: false,
      });
      location = client.absolute(res.headers.get('location') ?? location);
      offset += length;
      failures = 0;
    } catch (e) {
      if (++failures > RETRIES) throw e;
      await backoff(Math.min(failures - 1, 3));
      const why = e instanceof Error ? e.message : String(e);
      const status = await uploadedUpTo(client, location).catch(() => undefined);
      if (status) {
        log.warn(`registry: upload of ${blob.name} broke off at byte ${offset} (${why}); the registry has ${status.next} bytes: resuming there`);
        offset = status.next;
        location = status.location;
        resumes++;
      } else {
        log.warn(`registry: upload of ${blob.name} broke off at byte ${offset} (${why}) and the registry dropped it: starting again`);
        location = await start();
        offset = 0;
        restarts++;
      }
    }
  }
  await client.request(withDigest(location, blob.digest), { method: 'PUT', headers: { 'content-length': '0' }, ok: [201], what: `finish upload of ${blob.name}` });
  return { uploaded: true, resumes, restarts };
}
