/**
 * The build flags of DIB's `disk-image-create`, shared by the build command and `tsdib plan`:
 * `addBuildOptions` declares them on a yargs command, `toBuildOptions` checks the values and maps
 * them to the engine's typed BuildOptions (src/pipeline/options.ts). Bad values are FLAG_INVALID
 * (exit 2) with one clear message. docs/cli.md documents each flag and where tsdib differs from DIB.
 */
import { seedFlag } from '../reproducible/seed.js';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { BadInputs, flagInvalid, isTsdibError, TsdibError } from '../errors.js';
import { elementNameProblem } from '../elements/element-name.js';
import { PACKAGE_NAME } from '../elements/package-installs-shape.js';
import { writableFileProblem } from '../host/writable-file.js';
import { parseReference } from '../registry/reference.js';
import { unknownFlagValue } from '../elements/did-you-mean.js';
import { hostArch } from '../elements/host-arch.js';
import { dockerTargetMissing } from '../output/docker.js';
import { noOutputType, OUTPUT_TYPES, unknownOutputType } from '../output/writers.js';
import { NUMBER_RULES } from '../pipeline/number-rules.js';
import { CONTROL_CHARACTER, controlCharacter, lastString, numberFlag, takesNoValue, type RawArgv } from './flag-values.js';
import type { BuildOptions, OutputType } from '../pipeline/options.js';

/** Architectures `-a` accepts (Debian names and the kernel/RPM spellings DIB's YAML front-end allows). */
export const ARCHES = ['amd64', 'x86_64', 'i386', 'arm64', 'aarch64', 'armhf', 'ppc64el', 'ppc64le', 'ppc64', 'powerpc', 's390x', 'riscv64'] as const;

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
    .option('logfile', { type: 'string', nargs: 1, describe: 'write the whole log to this file; the terminal then stays quiet unless DIB_QUIET=0' })
    .option('q', { alias: 'quiet', type: 'boolean', describe: 'show only warnings, errors and the result (as DIB_QUIET=1)' })
    .option('v', { alias: 'verbose', type: 'count', describe: 'show hook output on the terminal; twice: also every host command' })
    .option('block-device-config', { type: 'string', nargs: 1, describe: 'block-device config file (YAML/JSON); DIB_BLOCK_DEVICE_CONFIG wins over it' })
    .option('no-cache', { type: 'boolean', describe: 'do not read or fill any cache: base tarball, phase snapshot, apt packages' })
    .option('resume', { type: 'boolean', describe: 'resume the last unfinished build of these elements from its last checkpoint (releases what a killed one left)' })
    .option('json-events', { type: 'string', nargs: 1, describe: 'write build events as JSON lines to this file' })
    .option('push', { type: 'string', nargs: 1, describe: 'push the output files to an OCI registry as one artifact: HOST[:PORT]/NAME[:TAG]' })
    .option('seed', { type: 'string', nargs: 1, describe: 'derive every identifier (GPT GUIDs, filesystem UUIDs, volume ids) from this string (TSDIB_SEED; docs/reproducible.md)' })
    .option('offline-assembly', { type: 'boolean', describe: 'write the disk into the image file with no loop device and no mount (late phases run in the chroot of the tree; no LVM, zpool or xfs)' })
    .option('write-to', { type: 'string', nargs: 1, describe: 'stream the finished disk into an NBD export: nbd://HOST[:PORT][/EXPORT] or nbd+unix:///EXPORT?socket=PATH' })
    .group(['a', 'o', 't', 'x', 'u', 'c', 'n', 'p', 'checksum', 'image-size', 'image-extra-size', 'image-cache', 'max-online-resize',
      'min-tmpfs', 'mkfs-options', 'mkfs-journal-size', 'no-tmpfs', 'offline', 'qemu-img-options', 'root-label', 'ramdisk-element',
      'install-type', 'docker-target', 'logfile'], GROUP)
    .group(['q', 'v', 'block-device-config', 'no-cache', 'resume', 'json-events', 'push', 'write-to', 'offline-assembly', 'seed'], TSDIB_GROUP);
}


export function parseTypes(raw: string | undefined): OutputType[] {
  const items = (raw ?? 'qcow2').split(',').map((t) => t.trim()).filter(Boolean);
  if (items.length === 0) throw noOutputType();
  const types: OutputType[] = [];
  for (const t of items) {
    if (!(OUTPUT_TYPES as readonly string[]).includes(t)) throw unknownOutputType('-t', t);
    if (!types.includes(t)) types.push(t);
  }
  return types;
}

function parseArch(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!(ARCHES as readonly string[]).includes(raw)) throw unknownFlagValue('-a', raw, 'architecture', ARCHES);
  return raw;
}

function imageNameFrom(raw: string | undefined, types: readonly OutputType[]): string {
  const name = raw ?? 'image';
  const only = types.length === 1 ? types[0] : undefined;
  const stripped = only && name.endsWith(`.${only}`) ? name.slice(0, -(only.length + 1)) : name;
  const last = stripped.slice(stripped.lastIndexOf('/') + 1);
  if (last === '' || last === '.' || last === '..') throw flagInvalid({ flag: '-o', value: name, problem: `the image name needs a file name part, e.g. ${stripped.replace(/\/?\.{0,2}$/, '') || 'out'}/image` });
  // a control character (a newline above all) would break the checksum files and the log lines
  if (CONTROL_CHARACTER.test(stripped)) throw controlCharacter('-o', name);
  return stripped;
}

/** A boolean flag: given alone (or as --flag=true/false); any other value is refused. */
function boolFlag(argv: RawArgv, key: string, flag: string): boolean {
  const v = argv[key];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  if (last === undefined || typeof last === 'boolean') return last === true;
  throw takesNoValue(flag, String(last));
}

/** `-p`: package names as the package manager takes them; never an option such as --force-yes. */
function packagesFlag(argv: RawArgv): string[] {
  const packages = listFlag(argv, 'p');
  const bad = packages.filter((p) => !PACKAGE_NAME.test(p));
  if (bad.length > 0) {
    throw flagInvalid({
      flag: '-p',
      value: bad,
      problem: 'not a package name (letters, digits, + . - _ : ~; not starting with "-")',
      hint: bad.some((b) => b.startsWith('-')) ? 'options for the package manager cannot be given through -p' : undefined,
    });
  }
  return packages;
}

function ramdiskElementFlag(argv: RawArgv): string | undefined {
  const name = lastString(argv, 'ramdisk-element', '--ramdisk-element');
  const problem = name === undefined ? undefined : elementNameProblem(name);
  if (problem) throw flagInvalid({ flag: '--ramdisk-element', value: name, problem, hint: 'give the name of an element, e.g. ramdisk' });
  return name;
}

function dockerTargetFlag(argv: RawArgv, types: readonly OutputType[] | undefined): string | undefined {
  const target = lastString(argv, 'docker-target', '--docker-target');
  if (types?.includes('docker') && !target) throw dockerTargetMissing();
  if (target !== undefined) {
    try {
      parseReference(target, '--docker-target');
    } catch (e) {
      if (isTsdibError(e)) throw new TsdibError(e.code, e.message, { ...e.context, hint: 'write REPO[:TAG], e.g. tsdib/debian:latest' });
      throw e;
    }
  }
  return target;
}

function listFlag(argv: RawArgv, key: string): string[] {
  const v = argv[key];
  const values = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return values.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

function checked(value: string | undefined, flag: string, pattern: RegExp, expected: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw flagInvalid({ flag, value, expected });
  return value;
}


function pathFlag(argv: RawArgv, key: string, flag: string): string | undefined {
  const s = lastString(argv, key, flag);
  return s === undefined ? undefined : resolve(s);
}

/** `--push` and `--write-to`, checked for form (the registry and the export are asked later, in the plan step). */
async function destinationFlags(argv: RawArgv, types: readonly OutputType[]): Promise<Pick<BuildOptions, 'push' | 'writeTo'>> {
  const push = lastString(argv, 'push', '--push');
  const writeTo = lastString(argv, 'write-to', '--write-to');
  if (push !== undefined) {
    const { parseReference } = await import('../registry/reference.js');
    parseReference(push, '--push');
    if (types.every((t) => t === 'docker')) throw flagInvalid({ flag: '--push', problem: 'needs an output file; -t docker writes none', hint: 'add a file type, e.g. -t qcow2' });
  }
  if (writeTo !== undefined) {
    const { parseNbdUri } = await import('../nbd/nbd-uri.js');
    parseNbdUri(writeTo);
  }
  return { push, writeTo };
}

/** Checks the flags in `argv` (as yargs parsed them with addBuildOptions) and types them; every bad flag is reported, not just the first. */
export async function toBuildOptions(argv: RawArgv): Promise<BuildOptions> {
  const bad = new BadInputs();
  const f = <T>(fn: () => T): T => bad.sync(fn) as T;
  const rawElements = argv['elements'];
  const elements = (Array.isArray(rawElements) ? rawElements : rawElements === undefined ? [] : [rawElements]).map(String);
  if (elements.length === 0) bad.add(flagInvalid({ flag: 'ELEMENTS', problem: 'give at least one, e.g. `debian vm`', hint: 'list elements with `tsdib elements`' }));
  const types = bad.sync(() => parseTypes(lastString(argv, 't', '-t')));
  const arch = f(() => parseArch(lastString(argv, 'a', '-a'))) ?? (await hostArch());
  const opts: BuildOptions = {
    elements,
    arch,
    imageName: f(() => imageNameFrom(lastString(argv, 'o', '-o'), types ?? [])),
    types: types ?? [],
    debugTrace: typeof argv['x'] === 'number' ? argv['x'] : 0,
    uncompressed: f(() => boolFlag(argv, 'u', '-u')),
    clearEnv: f(() => boolFlag(argv, 'c', '-c')),
    skipBase: f(() => boolFlag(argv, 'n', '-n')),
    packages: f(() => packagesFlag(argv)),
    checksum: f(() => boolFlag(argv, 'checksum', '--checksum')),
    imageSizeGB: f(() => numberFlag(argv, 'image-size', '--image-size', NUMBER_RULES.imageSizeGB)),
    imageExtraSizeMB: f(() => numberFlag(argv, 'image-extra-size', '--image-extra-size', NUMBER_RULES.imageExtraSizeMB)),
    imageCache: f(() => pathFlag(argv, 'image-cache', '--image-cache')),
    maxOnlineResize: f(() => numberFlag(argv, 'max-online-resize', '--max-online-resize', NUMBER_RULES.maxOnlineResize)),
    minTmpfsGB: f(() => numberFlag(argv, 'min-tmpfs', '--min-tmpfs', NUMBER_RULES.minTmpfsGB)),
    mkfsOptions: f(() => lastString(argv, 'mkfs-options', '--mkfs-options')),
    mkfsJournalSizeMB: f(() => numberFlag(argv, 'mkfs-journal-size', '--mkfs-journal-size', NUMBER_RULES.mkfsJournalSizeMB)),
    noTmpfs: f(() => boolFlag(argv, 'no-tmpfs', '--no-tmpfs')),
    offline: f(() => boolFlag(argv, 'offline', '--offline')),
    qemuImgOptions: f(() => checked(lastString(argv, 'qemu-img-options', '--qemu-img-options'), '--qemu-img-options', /^[A-Za-z0-9_.-]+=[^,=]*(,[A-Za-z0-9_.-]+=[^,=]*)*$/, 'comma-separated key=value pairs, e.g. compat=0.10')),
    rootLabel: f(() => lastString(argv, 'root-label', '--root-label')),
    ramdiskElement: f(() => ramdiskElementFlag(argv)),
    installType: f(() => checked(lastString(argv, 'install-type', '--install-type'), '--install-type', /^[A-Za-z0-9_]+$/, 'a word such as source or package')),
    dockerTarget: f(() => dockerTargetFlag(argv, types)),
    logfile: f(() => pathFlag(argv, 'logfile', '--logfile')),
    quiet: f(() => boolFlag(argv, 'q', '-q')),
    verbose: typeof argv['v'] === 'number' ? argv['v'] : 0,
    blockDeviceConfig: f(() => pathFlag(argv, 'block-device-config', '--block-device-config')),
    noCache: f(() => boolFlag(argv, 'no-cache', '--no-cache')),
    resume: f(() => boolFlag(argv, 'resume', '--resume')),
    jsonEvents: f(() => pathFlag(argv, 'json-events', '--json-events')),
    push: undefined,
    writeTo: undefined,
    offlineAssembly: f(() => boolFlag(argv, 'offline-assembly', '--offline-assembly')),
    seed: f(() => seedFlag(lastString(argv, 'seed', '--seed'))),
  };
  Object.assign(opts, (await bad.check(() => destinationFlags(argv, types ?? []))) ?? {});
  for (const [flag, file] of [['--logfile', opts.logfile], ['--json-events', opts.jsonEvents]] as const) {
    if (file === undefined) continue;
    // as for -o: a newline in the path would be written into the log lines that name the file
    if (CONTROL_CHARACTER.test(file)) {
      bad.add(controlCharacter(flag, file));
      continue;
    }
    const problem = await writableFileProblem(file);
    if (problem) bad.add(flagInvalid({ flag, value: file, problem: `cannot write it: ${problem}`, hint: 'give a file in an existing, writable directory' }));
  }
  if (opts.resume && opts.noCache) bad.add(flagInvalid({ flag: '--resume', problem: 'cannot be used with --no-cache: a build resumes from the checkpoints of the phase cache', hint: 'drop one of --resume and --no-cache' }));
  bad.throwIfAny();
  return opts;
}
