/**
 * zstd for the qcow2 writer. Node 20's zlib has no zstd, so it comes from @toondepauw/node-zstd: a
 * Node-API addon (libzstd 1.5.7, Rust napi-rs) whose compiled binary arrives as a per-platform
 * optional npm package — nothing is compiled or downloaded at install time — and whose `encode()`
 * runs on the libuv thread pool, so clusters are compressed in parallel like zlib's deflate.
 * Loaded on first use: a platform without a binary fails only when zstd is asked for.
 */
import { createRequire } from 'node:module';
import { flagInvalid } from '../errors.js';

interface ZstdEncoder {
  encode(data: Buffer): Promise<Buffer>;
}
interface ZstdBinding {
  Encoder: new (level: number) => ZstdEncoder;
}

let binding: ZstdBinding | undefined;
let loadError: string | undefined;

function load(): ZstdBinding | undefined {
  if (binding || loadError) return binding;
  try {
    binding = createRequire(import.meta.url)('@toondepauw/node-zstd') as ZstdBinding;
  } catch (e) {
    loadError = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  return binding;
}

/** Throws FLAG_INVALID (before any work) when this platform has no zstd binary. */
export function requireZstd(what: { flag: string; value: string }): void {
  if (load()) return;
  throw flagInvalid({
    flag: what.flag,
    value: what.value,
    problem: `zstd is not available on this platform (${process.platform}-${process.arch}): ${loadError ?? 'unknown error'}`,
    hint: 'reinstall with `npm ci` so npm picks the binary package for this platform, or use compression_type=zlib',
  });
}

/** An encoder at `level`; each `encode()` makes one complete zstd frame on the thread pool. */
export function zstdEncoder(level: number): ZstdEncoder {
  requireZstd({ flag: '--qemu-img-options', value: 'compression_type=zstd' });
  return new (binding as ZstdBinding).Encoder(level);
}
