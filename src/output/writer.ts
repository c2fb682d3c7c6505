/**
 * The one small interface every output writer implements (one writer per file in src/output/).
 *
 * Two kinds of writer:
 * - a **streaming disk writer** (raw, qcow2, vhd, vhd-fixed) also has `open()`: it receives the raw
 *   image as chunks from the shared sparse-aware reader (`raw-reader.ts`), so several disk formats
 *   come from one read of the raw image;
 * - every writer has `write()`, which produces its output alone (tree writers and qemu-img-backed
 *   writers only have this).
 *
 * `dest` is always a path that does not exist yet (the caller's temp name `<final>.tmp-<pid>`);
 * the caller renames it into place, sets mode 0644 and computes checksums.
 */

/** What an output is made from: the finished raw disk image and/or the mounted root tree. */
export interface OutputInput {
  /** Path of the raw disk image (sparse file). */
  rawImage?: string;
  /** Path of the image's root tree (the mounted target filesystem). */
  rootTree?: string;
}

/** Settings shared by all writers, already parsed and validated by `write-outputs.ts`. */
export interface OutputOptions {
  /** Compress where the format allows (qcow2). `-u` turns it off. */
  compress: boolean;
  /** `--qemu-img-options` parsed into key → value (`key` alone means `on`). */
  qemuImgOptions: ReadonlyMap<string, string>;
  /** SOURCE_DATE_EPOCH (seconds), when set: time stamps come from it and ids are derived. */
  sourceDateEpoch?: number;
  /** Seed for derived identifiers (VHD UUID); with it or SOURCE_DATE_EPOCH, output is reproducible. */
  seed?: string;
  /** `--docker-target REPO:TAG` for the docker output. */
  dockerTarget?: string;
  /** $ACI_MANIFEST: the appc image manifest for `-t aci` (without it tsdib writes a minimal one). */
  aciManifest?: string;
  /** Target architecture (DIB's ARCH, e.g. amd64), for the default aci manifest's label. */
  arch?: string;
  /** gzip program for tgz (DIB_GZIP_BIN). Default: `pigz` when installed, else `gzip`. */
  gzipBin?: string;
}

/** A window of the raw image, handed to every streaming sink in increasing offset order. */
export interface RawChunk {
  /** Byte offset in the raw image; a multiple of the chunk size. */
  offset: number;
  /** The bytes (page-aligned buffer, reused after the sink returns: copy what you keep). */
  data: Buffer;
  /** Zero-detection granule in bytes (power of two, ≤ every sink's cluster size). */
  grain: number;
  /** One byte per granule of `data`: 1 = all zeros. The last granule may be short. */
  zero: Uint8Array;
}

/** Facts about the raw image known before the first chunk. */
export interface RawImageInfo {
  path: string;
  /** Virtual size in bytes (the raw file's length). */
  size: number;
}

/** Facts known after the last chunk; passed to `finish()`. */
export interface RawSummary {
  /** Bytes in non-zero granules. */
  dataBytes: number;
  /** Cheap content fingerprint (hex): offsets and edge bytes of every non-zero granule, and the size. */
  fingerprint: string;
  /** Where the hole map came from: FIEMAP via filefrag, or none (the whole file was read). */
  holeMap: 'filefrag' | 'none';
}

/**
 * A streaming sink for one output file. Lifecycle: `open()` creates `dest` → `chunk()` for every
 * non-zero window, in increasing offset order (windows never given are all zeros) → `finish()` writes
 * the metadata and closes the file. On any failure the caller calls `abort()`, which closes the file
 * (the caller removes it). A sink must not keep a reference to `chunk.data` after `chunk()` settles.
 */
export interface DiskSink {
  /** Largest cluster/block granule the sink needs whole in one chunk (power of two). */
  readonly granule: number;
  /** Consume a chunk. May return a promise for back-pressure (e.g. compression in flight). */
  chunk(c: RawChunk): Promise<void> | void;
  finish(summary: RawSummary): Promise<void>;
  abort(): Promise<void>;
}

interface WriterBase {
  /** The `-t` name, e.g. `qcow2`. */
  readonly format: string;
  /** File name extension of the output (`<image-name>.<extension>`), without the dot. */
  readonly extension: string;
  /** What the writer reads: the raw disk image or the root tree. */
  readonly needs: 'raw' | 'tree';
  /** Who writes it and how, for the generated table in docs/outputs.md (Markdown, one line). */
  readonly writtenBy: string;
  /** Whether the output is a file (false for docker, which imports into an engine). */
  readonly producesFile: boolean;
  /** Host commands it runs (for `tsdib doctor` and error hints). */
  readonly hostCommands: readonly string[];
  /** `--qemu-img-options` keys this writer understands. */
  readonly optionKeys: readonly string[];
  /** Validates option values before any work is done; throws FLAG_INVALID naming the key. */
  checkOptions(opts: OutputOptions): void;
  /**
   * Writes the output to `dest` (a path that must not exist). Resolves with an identifier when the
   * output is not a file (docker: the image id), otherwise with nothing.
   */
  write(input: OutputInput, dest: string, opts: OutputOptions): Promise<string | void>;
}

/** A writer of a format we own: also streams from the shared raw reader. */
export interface StreamingWriter extends WriterBase {
  readonly needs: 'raw';
  readonly streaming: true;
  /** Creates `dest` and returns the sink that fills it. */
  open(image: RawImageInfo, dest: string, opts: OutputOptions): Promise<DiskSink>;
}

/** A writer that produces its output in one go (tree writers, qemu-img-backed formats). */
export interface WholeWriter extends WriterBase {
  readonly streaming: false;
}

export type OutputWriter = StreamingWriter | WholeWriter;
