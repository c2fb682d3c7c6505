/**
 * What a build is asked to do: the engine's options (DIB's `disk-image-create` flags, typed). The
 * CLI fills them (src/cli/build-options.ts maps and checks argv); the pipeline, `tsdib plan` and
 * fleets read them. The limits of the numeric ones are in number-rules.ts.
 */

/** An output type `-t` accepts: a key of the writers table (src/output/writers.ts). */
export type OutputType = string;

/** One build's options, as `tsdib build` and `tsdib plan` take them from the command line. */
export interface BuildOptions {
  /** Element names as typed (base and the vm default are added by the resolver). */
  elements: string[];
  /** `-a`; default: the host's (dpkg, else uname mapped to Debian names). */
  arch: string;
  /** `-o` without a trailing `.<type>` when exactly one type is asked for; default `image`. */
  imageName: string;
  /** `-t`, in the given order, without repeats; default `[qcow2]`. */
  types: OutputType[];
  /** `-x` count → DIB_DEBUG_TRACE. */
  debugTrace: number;
  /** `-u`: do not compress qcow2. */
  uncompressed: boolean;
  /** `-c`: run with a cleared environment. */
  clearEnv: boolean;
  /** `-n`: do not add the base element. */
  skipBase: boolean;
  /** `-p`, all occurrences, comma lists split. */
  packages: string[];
  /** `--checksum`: write .md5 and .sha256 files. */
  checksum: boolean;
  /** `--image-size` in GB (DIB_IMAGE_SIZE). */
  imageSizeGB: number | undefined;
  /** `--image-extra-size` in MB (DIB_IMAGE_EXTRA_SIZE). */
  imageExtraSizeMB: number | undefined;
  /** `--image-cache` directory (DIB_IMAGE_CACHE). */
  imageCache: string | undefined;
  /** `--max-online-resize` in filesystem blocks (MAX_ONLINE_RESIZE). */
  maxOnlineResize: number | undefined;
  /** `--min-tmpfs` in GB (DIB_MIN_TMPFS). */
  minTmpfsGB: number | undefined;
  /** `--mkfs-options` for the root filesystem (MKFS_OPTS). */
  mkfsOptions: string | undefined;
  /** `--mkfs-journal-size` in MB (DIB_JOURNAL_SIZE). */
  mkfsJournalSizeMB: number | undefined;
  /** `--no-tmpfs` (DIB_NO_TMPFS=1). */
  noTmpfs: boolean;
  /** `--offline` (DIB_OFFLINE=1). */
  offline: boolean;
  /** `--qemu-img-options` `k=v,…` (QEMU_IMG_OPTIONS). */
  qemuImgOptions: string | undefined;
  /** `--root-label` (ROOT_LABEL). */
  rootLabel: string | undefined;
  /** `--ramdisk-element` (RAMDISK_ELEMENT). */
  ramdiskElement: string | undefined;
  /** `--install-type` (DIB_DEFAULT_INSTALLTYPE). */
  installType: string | undefined;
  /** `--docker-target` REPO:TAG, needed by `-t docker`. */
  dockerTarget: string | undefined;
  /** `--logfile`: the whole log goes there (and, as with DIB, the terminal is quiet unless DIB_QUIET=0). */
  logfile: string | undefined;
  /** `-q` (tsdib): the terminal shows warnings, errors and the result only. */
  quiet: boolean;
  /** `-v` count (tsdib): 1 shows hook output on the terminal, 2 also the host commands. */
  verbose: number;
  /** `--block-device-config FILE` (tsdib). */
  blockDeviceConfig: string | undefined;
  /** `--no-cache` (tsdib): do not read or write any cache (base tarball, phase snapshot, apt packages). */
  noCache: boolean;
  /** `--json-events FILE` (tsdib): write build events as JSON lines. */
  jsonEvents: string | undefined;
  /** `--push REF` (tsdib): push the output files to an OCI registry as one artifact. */
  push: string | undefined;
  /** `--write-to nbd://…` (tsdib): stream the finished disk into an NBD export. */
  writeTo: string | undefined;
  /**
   * `--offline-assembly` (tsdib): the disk is written into the image file without a loop device or
   * a mount (docs/offline-assembly.md): the late phases run in the chroot of the tree, then each
   * filesystem is made and filled at its offset. LVM, zpools and xfs are refused at plan time.
   */
  offlineAssembly: boolean;
  /**
   * `--resume` (tsdib): say which unfinished build of these elements is resumed, and release what a
   * killed one left, before reusing its checkpoints (docs/caching.md). Needs the phase cache.
   */
  resume?: boolean;
  /** `--seed` (tsdib): every identifier of the image is derived from it (src/reproducible/seed.ts). */
  seed?: string | undefined;
}
