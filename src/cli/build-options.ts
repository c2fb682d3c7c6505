/**
 * The build flags of DIB's `disk-image-create`, shared by the build command and `tsdib plan`:
 * `addBuildOptions` declares them on a yargs command, `toBuildOptions` checks the values and maps
 * them to a typed BuildOptions. Bad values are FLAG_INVALID (exit 2) with one clear message.
 * docs/cli.md documents each flag and where tsdib differs from DIB.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { flagInvalid } from '../errors.js';
import { closestName } from '../elements/did-you-mean.js';
import { hostArch } from '../elements/host-arch.js';
import { OUTPUT_TYPES } from '../output/writers.js';

/** An output type `-t` accepts: a key of the writers table (src/output/writers.ts). */
export type OutputType = string;

/** Architectures `-a` accepts (Debian names and the kernel/RPM spellings DIB's YAML front-end allows). */
export const ARCHES = ['amd64', 'x86_64', 'i386', 'arm64', 'aarch64', 'armhf', 'ppc64el', 'ppc64le', 'ppc64', 'powerpc', 's390x', 'riscv64'] as const;

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
  /** `--logfile`. */
  logfile: string | undefined;
  /** `--block-device-config FILE` (tsdib). */
  blockDeviceConfig: string | undefined;
  /** `--no-cache` (tsdib): do not read or write any cache (base tarball, phase snapshot, apt packages). */
  noCache: boolean;
  /** `--json-events FILE` (tsdib): write build events as JSON lines. */
  jsonEvents: string | undefined;
}

const GROUP = 'Build options (as disk-image-create):';
const TSDIB_GROUP = 'tsdib build options:';

/** Declares every build flag on `y` (a command builder). */
export function addBuildOptions(y: Argv): Argv {
  return y
    // --no-tmpfs and --no-cache are flags of their own, not negations of "tmpfs"/"cache"; and as with
    // DIB's getopt, a value may start with "-" (--mkfs-options "-O ^has_journal")
    .parserConfiguration({ 'boolean-negation': false, 'nargs-eats-options': true })
    .option('a', { alias: 'arch', type: 'string', describe: 'target architecture (default: the host\'s, e.g. amd64)' })
    .option('o', { type: 'string', nargs: 1, describe: 'image name: outputs are <name>.<type> (default: image)' })
    .option('t', { type: 'string', nargs: 1, describe: `output types, comma-separated: ${OUTPUT_TYPES.join(', ')} (default: qcow2)` })
    .option('x', { type: 'count', describe: 'trace hooks (DIB_DEBUG_TRACE); repeat for more' })
    .option('u', { type: 'boolean', describe: 'do not compress the qcow2 image' })
    .option('c', { type: 'boolean', describe: 'clear the environment before building' })
    .option('n', { type: 'boolean', describe: "do not add the 'base' element" })
    .option('p', { type: 'string', nargs: 1, describe: 'extra packages to install after install.d (comma list; repeatable)' })
    .option('checksum', { type: 'boolean', describe: 'write <image>.md5 and <image>.sha256' })
    .option('image-size', { type: 'string', nargs: 1, describe: 'image size in GB (float)' })
    .option('image-extra-size', { type: 'string', nargs: 1, describe: 'extra space in MB added to the computed size' })
    .option('image-cache', { type: 'string', nargs: 1, describe: 'cache directory for downloaded base images (DIB_IMAGE_CACHE)' })
    .option('max-online-resize', { type: 'string', nargs: 1, describe: 'max filesystem blocks the root fs can be resized to online (mkfs -E resize=N)' })
    .option('min-tmpfs', { type: 'string', nargs: 1, describe: 'GB of RAM tmpfs needs to be used for the build (default 2)' })
    .option('mkfs-options', { type: 'string', nargs: 1, describe: 'extra mkfs options for the root filesystem, one string' })
    .option('mkfs-journal-size', { type: 'string', nargs: 1, describe: 'ext4 journal size in MB (default 64)' })
    .option('no-tmpfs', { type: 'boolean', describe: 'do not build in tmpfs' })
    .option('offline', { type: 'boolean', describe: 'do not refresh cached resources (DIB_OFFLINE)' })
    .option('qemu-img-options', { type: 'string', nargs: 1, describe: 'qemu-img -o options, comma-separated key=value' })
    .option('root-label', { type: 'string', nargs: 1, describe: 'root filesystem label (default: cloudimg-rootfs; img-rootfs for xfs)' })
    .option('ramdisk-element', { type: 'string', nargs: 1, describe: 'main element of ramdisk builds (default: ramdisk)' })
    .option('install-type', { type: 'string', nargs: 1, describe: 'default install type of install-types elements (default: source)' })
    .option('docker-target', { type: 'string', nargs: 1, describe: 'REPO:TAG of the image `-t docker` imports' })
    .option('logfile', { type: 'string', nargs: 1, describe: 'also write the log to this file' })
    .option('block-device-config', { type: 'string', nargs: 1, describe: 'block-device config file (YAML/JSON); DIB_BLOCK_DEVICE_CONFIG wins over it' })
    .option('no-cache', { type: 'boolean', describe: 'do not read or fill any cache: base tarball, phase snapshot, apt packages' })
    .option('json-events', { type: 'string', nargs: 1, describe: 'write build events as JSON lines to this file' })
    .group(['a', 'o', 't', 'x', 'u', 'c', 'n', 'p', 'checksum', 'image-size', 'image-extra-size', 'image-cache', 'max-online-resize',
      'min-tmpfs', 'mkfs-options', 'mkfs-journal-size', 'no-tmpfs', 'offline', 'qemu-img-options', 'root-label', 'ramdisk-element',
      'install-type', 'docker-target', 'logfile'], GROUP)
    .group(['block-device-config', 'no-cache', 'json-events'], TSDIB_GROUP);
}

type RawArgv = Record<string, unknown>;

/** The last value of a flag given once or several times (DIB: the last one wins). */
function lastString(argv: RawArgv, key: string, flag: string): string | undefined {
  let v = argv[key];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') throw flagInvalid(`${flag} needs a value`);
  const s = String(v);
  if (s.trim() === '') throw flagInvalid(`${flag} needs a value`);
  return s;
}

function bool(argv: RawArgv, key: string): boolean {
  const v = argv[key];
  return Array.isArray(v) ? Boolean(v[v.length - 1]) : v === true;
}

function numberFlag(argv: RawArgv, key: string, flag: string, rule: { integer?: boolean; min: number; minExclusive?: boolean; unit: string }): number | undefined {
  const s = lastString(argv, key, flag);
  if (s === undefined) return undefined;
  const ok = rule.integer ? /^\s*\d+\s*$/.test(s) : /^\s*(\d+\.?\d*|\.\d+)\s*$/.test(s);
  const n = Number(s);
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (!ok || !Number.isFinite(n) || (rule.minExclusive ? n <= rule.min : n < rule.min)) {
    throw flagInvalid(`${flag} ${JSON.stringify(s)}: expected ${kind} ${rule.minExclusive ? '>' : '>='} ${rule.min} (${rule.unit})`);
  }
  return n;
}

function parseTypes(raw: string | undefined): OutputType[] {
  const items = (raw ?? 'qcow2').split(',').map((t) => t.trim()).filter(Boolean);
  if (items.length === 0) throw flagInvalid(`-t needs at least one output type (${OUTPUT_TYPES.join(', ')})`);
  const types: OutputType[] = [];
  for (const t of items) {
    if (!(OUTPUT_TYPES as readonly string[]).includes(t)) {
      const near = closestName(t, OUTPUT_TYPES);
      throw flagInvalid(`-t: unknown output type '${t}'; allowed: ${OUTPUT_TYPES.join(', ')}`, near ? { hint: `did you mean '${near}'?` } : {});
    }
    if (!types.includes(t)) types.push(t);
  }
  return types;
}

function parseArch(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!(ARCHES as readonly string[]).includes(raw)) {
    const near = closestName(raw, ARCHES);
    throw flagInvalid(`-a: unknown architecture '${raw}'; allowed: ${ARCHES.join(', ')}`, near ? { hint: `did you mean '${near}'?` } : {});
  }
  return raw;
}

function imageNameFrom(raw: string | undefined, types: readonly OutputType[]): string {
  const name = raw ?? 'image';
  const only = types.length === 1 ? types[0] : undefined;
  const stripped = only && name.endsWith(`.${only}`) ? name.slice(0, -(only.length + 1)) : name;
  if (stripped === '' || stripped.endsWith('/')) throw flagInvalid(`-o ${JSON.stringify(name)}: the image name needs a file name part`);
  return stripped;
}

function listFlag(argv: RawArgv, key: string): string[] {
  const v = argv[key];
  const values = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return values.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

function checked(value: string | undefined, flag: string, pattern: RegExp, expected: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw flagInvalid(`${flag} ${JSON.stringify(value)}: expected ${expected}`);
  return value;
}

function pathFlag(argv: RawArgv, key: string, flag: string): string | undefined {
  const s = lastString(argv, key, flag);
  return s === undefined ? undefined : resolve(s);
}

/** Checks the flags in `argv` (as yargs parsed them with addBuildOptions) and types them. */
export async function toBuildOptions(argv: RawArgv): Promise<BuildOptions> {
  const rawElements = argv['elements'];
  const elements = (Array.isArray(rawElements) ? rawElements : rawElements === undefined ? [] : [rawElements]).map(String);
  if (elements.length === 0) throw flagInvalid('at least one element must be given (e.g. `debian vm`)', { hint: 'list elements with `tsdib elements`' });
  const types = parseTypes(lastString(argv, 't', '-t'));
  const dockerTarget = lastString(argv, 'docker-target', '--docker-target');
  if (types.includes('docker') && !dockerTarget) throw flagInvalid('-t docker needs --docker-target REPO:TAG');
  const arch = parseArch(lastString(argv, 'a', '-a')) ?? (await hostArch());
  return {
    elements,
    arch,
    imageName: imageNameFrom(lastString(argv, 'o', '-o'), types),
    types,
    debugTrace: typeof argv['x'] === 'number' ? argv['x'] : 0,
    uncompressed: bool(argv, 'u'),
    clearEnv: bool(argv, 'c'),
    skipBase: bool(argv, 'n'),
    packages: listFlag(argv, 'p'),
    checksum: bool(argv, 'checksum'),
    imageSizeGB: numberFlag(argv, 'image-size', '--image-size', { min: 0, minExclusive: true, unit: 'GB, e.g. 2.5' }),
    imageExtraSizeMB: numberFlag(argv, 'image-extra-size', '--image-extra-size', { min: 0, unit: 'MB' }),
    imageCache: pathFlag(argv, 'image-cache', '--image-cache'),
    maxOnlineResize: numberFlag(argv, 'max-online-resize', '--max-online-resize', { integer: true, min: 0, minExclusive: true, unit: 'filesystem blocks' }),
    minTmpfsGB: numberFlag(argv, 'min-tmpfs', '--min-tmpfs', { integer: true, min: 0, unit: 'GB' }),
    mkfsOptions: lastString(argv, 'mkfs-options', '--mkfs-options'),
    mkfsJournalSizeMB: numberFlag(argv, 'mkfs-journal-size', '--mkfs-journal-size', { integer: true, min: 0, minExclusive: true, unit: 'MB' }),
    noTmpfs: bool(argv, 'no-tmpfs'),
    offline: bool(argv, 'offline'),
    qemuImgOptions: checked(lastString(argv, 'qemu-img-options', '--qemu-img-options'), '--qemu-img-options', /^[A-Za-z0-9_.-]+=[^,=]*(,[A-Za-z0-9_.-]+=[^,=]*)*$/, 'comma-separated key=value pairs, e.g. compat=0.10'),
    rootLabel: lastString(argv, 'root-label', '--root-label'),
    ramdiskElement: lastString(argv, 'ramdisk-element', '--ramdisk-element'),
    installType: checked(lastString(argv, 'install-type', '--install-type'), '--install-type', /^[A-Za-z0-9_]+$/, 'a word such as source or package'),
    dockerTarget,
    logfile: pathFlag(argv, 'logfile', '--logfile'),
    blockDeviceConfig: pathFlag(argv, 'block-device-config', '--block-device-config'),
    noCache: bool(argv, 'no-cache'),
    jsonEvents: pathFlag(argv, 'json-events', '--json-events'),
  };
}
