/**
 * The checks of a build's inputs that the element and block-device planners do not make: the
 * numeric DIB_* settings, the whole output request (types, --qemu-img-options, checksums,
 * SOURCE_DATE_EPOCH), and the places the build will write (the -o directory, the workspace's
 * parent, the image cache). They run in the plan step, before the workspace exists, so a bad
 * input is rejected (exit 2) before anything is written or mounted.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { envInvalid, outputPathInvalid, type TsdibError } from '../errors.js';
import { planOutputs } from '../output/output-plan.js';
import type { BuildContext } from './context.js';
import { outputRequest } from './output-steps.js';

interface NumberRule {
  /** The flag that wins over the variable (the variable is not read when it is given). */
  flag: keyof BuildContext['opts'];
  integer: boolean;
  min: number;
  minExclusive: boolean;
  unit: string;
}

/** DIB_* variables the build reads as numbers, when their flag is not given. */
const NUMERIC_ENV: Record<string, NumberRule> = {
  DIB_IMAGE_SIZE: { flag: 'imageSizeGB', integer: false, min: 0, minExclusive: true, unit: 'GB, e.g. 2.5' },
  DIB_IMAGE_EXTRA_SIZE: { flag: 'imageExtraSizeMB', integer: false, min: 0, minExclusive: false, unit: 'MB' },
  DIB_JOURNAL_SIZE: { flag: 'mkfsJournalSizeMB', integer: true, min: 0, minExclusive: true, unit: 'MB' },
  DIB_MIN_TMPFS: { flag: 'minTmpfsGB', integer: true, min: 0, minExclusive: false, unit: 'GB' },
  MAX_ONLINE_RESIZE: { flag: 'maxOnlineResize', integer: true, min: 0, minExclusive: true, unit: 'filesystem blocks' },
};

export function checkNumericEnvironment(ctx: Pick<BuildContext, 'opts' | 'hostEnv'>): void {
  for (const [name, rule] of Object.entries(NUMERIC_ENV)) {
    const value = ctx.hostEnv[name];
    if (value === undefined || value === '' || ctx.opts[rule.flag] !== undefined) continue;
    const n = Number(value);
    const ok = (rule.integer ? /^\s*\d+\s*$/ : /^\s*(\d+\.?\d*|\.\d+)\s*$/).test(value) && (rule.minExclusive ? n > rule.min : n >= rule.min);
    if (!ok) {
      throw envInvalid(`${name}=${JSON.stringify(value)}: expected ${rule.integer ? 'a whole number' : 'a number'} ${rule.minExclusive ? '>' : '>='} ${rule.min} (${rule.unit})`, {
        hint: `unset ${name} or give a number`,
      });
    }
  }
}

/** The whole output request, checked as the output writers will check it (no file is touched). */
export function checkOutputRequest(ctx: BuildContext): void {
  const qemuImgOptions = ctx.opts.qemuImgOptions ?? ctx.hostEnv['QEMU_IMG_OPTIONS'];
  planOutputs({
    ...outputRequest(ctx, ctx.opts.types),
    ...(qemuImgOptions ? { qemuImgOptions } : {}),
    // placeholders: the inputs exist only later; here only their presence matters
    rawImage: '(raw image)',
    rootTree: '(root tree)',
  });
}

/** The nearest existing ancestor of `path` (itself included). */
async function nearestExisting(path: string): Promise<{ path: string; isDir: boolean }> {
  for (let p = path; ; p = dirname(p)) {
    const s = await stat(p).catch(() => undefined);
    if (s) return { path: p, isDir: s.isDirectory() };
    if (dirname(p) === p) return { path: p, isDir: false };
  }
}

/**
 * Whether a directory can be made (if missing) and written at `dir`: the nearest existing
 * ancestor must be a writable directory. Returns the problem, or undefined.
 */
export async function writableDirProblem(dir: string): Promise<string | undefined> {
  const found = await nearestExisting(dir);
  if (!found.isDir) return `${found.path} is not a directory`;
  const writable = await access(found.path, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) return `${found.path} is not writable`;
  return undefined;
}

async function checkDir(dir: string, error: (problem: string) => TsdibError): Promise<void> {
  const problem = await writableDirProblem(dir);
  if (problem) throw error(problem);
}

/** The directory of -o, the workspace's parent (TMP_DIR, else TMPDIR) and the image cache can be written. */
export async function checkWritePlaces(ctx: BuildContext): Promise<void> {
  const image = resolve(ctx.opts.imageName);
  if (ctx.opts.types.some((t) => t !== 'docker')) {
    await checkDir(dirname(image), (p) =>
      outputPathInvalid(`-o ${ctx.opts.imageName}: cannot write the outputs there: ${p}`, { path: image, hint: 'give -o a path in a writable directory, e.g. out/image' }),
    );
  }
  const tmpDirVar = ctx.hostEnv['TMP_DIR'] ? 'TMP_DIR' : 'TMPDIR';
  const parent = ctx.hostEnv['TMP_DIR'] || tmpdir();
  const s = await stat(parent).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw envInvalid(`${tmpDirVar}=${parent}: the workspace's parent ${s ? 'is not a directory' : 'does not exist'}`, { hint: `point ${tmpDirVar} at an existing directory` });
  }
  await checkDir(parent, (p) => envInvalid(`${tmpDirVar}=${parent}: cannot create the workspace there: ${p}`));
  const cache = ctx.opts.imageCache ?? ctx.hostEnv['DIB_IMAGE_CACHE'];
  if (cache) {
    const flag = ctx.opts.imageCache ? '--image-cache' : 'DIB_IMAGE_CACHE=';
    await checkDir(resolve(cache), (p) => (ctx.opts.imageCache ? outputPathInvalid : envInvalid)(`${flag}${ctx.opts.imageCache ? ' ' : ''}${cache}: cannot use it as the image cache: ${p}`));
  }
}

/** Every check above, in the order a user would fix them. */
export async function checkBuildInputs(ctx: BuildContext): Promise<void> {
  checkNumericEnvironment(ctx);
  checkOutputRequest(ctx);
  await checkWritePlaces(ctx);
}
