/**
 * Asks qemu-img, before any work, what it accepts: the option keys of a format
 * (`qemu-img create -f FORMAT -o help`) and whether a whole set of options converts — the very
 * `qemu-img convert` command the output will run, on a 1 MiB raw image in a private temp directory.
 * A refusal becomes FLAG_INVALID (exit 2) carrying qemu-img's own message.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { flagInvalid, hostToolsMissing } from '../errors.js';
import { commandExists } from '../host/doctor.js';
import { runResult } from '../host/exec.js';
import { lastLines } from '../host/text.js';
import { formatQemuOptions, type QemuImgFormat } from './qemu-img-formats.js';
import { qemuImgConvertArgs } from './qemu-img-writer.js';

const keyCache = new Map<string, Promise<Set<string>>>();
const probeCache = new Map<string, Promise<void>>();

/** Throws HOST_TOOLS_MISSING when qemu-img is not installed; `why` says what needed it. */
export async function requireQemuImg(why: string): Promise<void> {
  if (await commandExists('qemu-img')) return;
  throw hostToolsMissing(`${why} needs qemu-img, which is not installed`, { hint: 'run "tsdib doctor --install" (apt-get install qemu-utils)' });
}

/** The `-o` keys qemu-img's `format` driver (and the file protocol under it) accepts. */
export function qemuImgOptionKeys(format: string): Promise<Set<string>> {
  let keys = keyCache.get(format);
  if (!keys) {
    keys = runResult('qemu-img', ['create', '-f', format, '-o', 'help'], { step: 'qemu-img probe' }).then((r) => {
      const found = new Set<string>();
      for (const line of r.stdout.split('\n')) {
        const m = /^\s+([A-Za-z0-9_.-]+)=</.exec(line);
        if (m?.[1]) found.add(m[1]);
      }
      return found;
    });
    keys.catch(() => keyCache.delete(format));
    keyCache.set(format, keys);
  }
  return keys;
}

/** qemu resolves a relative backing file against the image's directory; the probe's image is elsewhere. */
function forProbe(options: ReadonlyMap<string, string>, outputDir: string): Map<string, string> {
  const out = new Map(options);
  const backing = out.get('backing_file');
  if (backing && !isAbsolute(backing) && !/^[a-z0-9+]+:/.test(backing)) out.set('backing_file', resolve(outputDir, backing));
  return out;
}

/**
 * Runs the output's `qemu-img convert` on a 1 MiB raw image; throws FLAG_INVALID with qemu-img's
 * message when it refuses. `outputDir` is where the output will be written (for relative backing files).
 */
export function probeQemuImgConvert(type: string, spec: QemuImgFormat, options: ReadonlyMap<string, string>, compress: boolean, outputDir: string): Promise<void> {
  for (const [key, values] of Object.entries(spec.severalFiles ?? {})) {
    const v = options.get(key);
    if (v !== undefined && values.includes(v)) {
      return Promise.reject(flagInvalid({
        flag: '--qemu-img-options',
        value: `${key}=${v}`,
        problem: `for -t ${type} qemu-img would write several files, and an output is one file`,
        hint: `choose another ${key}${spec.defaults?.[key] ? ` (default ${spec.defaults[key]})` : ''}`,
      }));
    }
  }
  const args = qemuImgConvertArgs(spec, forProbe(options, outputDir), compress);
  const id = JSON.stringify(args);
  let probe = probeCache.get(id);
  if (!probe) {
    probe = runProbe(type, args, spec, options, compress);
    probe.catch(() => probeCache.delete(id));
    probeCache.set(id, probe);
  }
  return probe;
}

async function runProbe(type: string, args: string[], spec: QemuImgFormat, options: ReadonlyMap<string, string>, compress: boolean): Promise<void> {
  await requireQemuImg(`-t ${type}`);
  // not tmp-promise: importing it resolves TMPDIR at once and throws a bare ENOENT when TMPDIR does
  // not exist; without a temp directory there is nothing to probe in, and checkWritePlaces reports
  // TMPDIR / TMP_DIR in the same bad-input batch (exit 2)
  const path = await mkdtemp(join(tmpdir(), 'tsdib-qemu-img-probe-')).catch(() => undefined);
  if (path === undefined) return;
  try {
    const raw = join(path, 'probe.raw');
    await writeFile(raw, '');
    await truncate(raw, 1 << 20);
    const r = await runResult('qemu-img', [...args, raw, join(path, `probe.${spec.extension}`)], { okExitCodes: [0, 1], step: 'qemu-img probe' });
    if (r.exitCode === 0) return;
    const said = lastLines(r.stderr || r.stdout, 1).replace(/^qemu-img: /, '').replace(`${join(path, `probe.${spec.extension}`)}: `, '');
    const shown = options.size > 0 ? `--qemu-img-options ${formatQemuOptions(options)}` : 'the default options';
    throw flagInvalid({
      flag: '-t',
      value: type,
      problem: `qemu-img convert -O ${spec.format}${compress && spec.compressible ? ' -c' : ''} refused ${shown}: ${said}`,
      hint: /compression/i.test(said) && compress ? 'compression is on by default for qcow2: add -u to turn it off' : `see \`qemu-img create -f ${spec.format} -o help\``,
    });
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
