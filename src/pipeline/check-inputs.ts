/**
 * The checks of a build's inputs that the element and block-device planners do not make: the
 * numeric DIB_* settings, the whole output request (types, --qemu-img-options, checksums,
 * SOURCE_DATE_EPOCH), and the places the build will write (the -o directory, the workspace's
 * parent, the image cache). They run in the plan step, before the workspace exists, so a bad
 * input is rejected (exit 2) before anything is written or mounted.
 */
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { BadInputs, envInvalid, outputPathInvalid, type TsdibError } from '../errors.js';
import { planOutputs as planOutputFiles } from '../elements/plan-outputs.js';
import { writableDirProblem } from '../host/writable-file.js';
import { planOutputs } from '../output/output-plan.js';
import { seedEnvProblem } from '../reproducible/seed.js';
import type { BuildInput } from './context.js';
import { checkDestinations } from './destination-steps.js';
import { CACHE_NUMBER_RULES, NUMBER_RULES, numberProblem, type NumberSetting } from './number-rules.js';
import { outputRequest } from './output-steps.js';

/** DIB_* variables the build reads as numbers, when their flag is not given (the flag's limits apply). */
const NUMERIC_ENV: Record<string, { flag: NumberSetting }> = {
  DIB_IMAGE_SIZE: { flag: 'imageSizeGB' },
  DIB_IMAGE_EXTRA_SIZE: { flag: 'imageExtraSizeMB' },
  DIB_JOURNAL_SIZE: { flag: 'mkfsJournalSizeMB' },
  DIB_MIN_TMPFS: { flag: 'minTmpfsGB' },
  MAX_ONLINE_RESIZE: { flag: 'maxOnlineResize' },
};

/** Every numeric variable that is set and not overridden by its flag (and the phase cache's); one error per bad one. */
export function checkNumericEnvironment(ctx: Pick<BuildInput, 'opts' | 'hostEnv'>, bad: BadInputs = new BadInputs()): void {
  for (const [name, { flag }] of Object.entries(NUMERIC_ENV)) {
    const value = ctx.hostEnv[name];
    if (value === undefined || value === '' || ctx.opts[flag] !== undefined) continue;
    const problem = numberProblem(value, NUMBER_RULES[flag]);
    if (problem) bad.add(envInvalid({ variable: name, value, problem, hint: `unset ${name} or give a number` }));
  }
  for (const [name, rule] of Object.entries(CACHE_NUMBER_RULES)) {
    const value = ctx.hostEnv[name];
    if (value === undefined || value === '') continue;
    const problem = numberProblem(value, rule);
    if (problem) bad.add(envInvalid({ variable: name, value, problem, hint: `unset ${name} or give a number (docs/caching.md)` }));
  }
  // hooks test it with [ "$DIB_DEBUG_TRACE" -gt 0 ]: anything but a number fails every hook
  const trace = ctx.hostEnv['DIB_DEBUG_TRACE'];
  if (trace !== undefined && trace !== '' && !/^\d{1,3}$/.test(trace)) {
    bad.add(envInvalid({ variable: 'DIB_DEBUG_TRACE', value: trace, expected: 'a whole number (0 no tracing, 1 or more: set -x in hooks)', hint: 'unset DIB_DEBUG_TRACE and use -x' }));
  }
  bad.throwIfAny();
}

/** The whole output request, checked as the output writers will check it (no file is touched). */
export async function checkOutputRequest(ctx: BuildInput): Promise<void> {
  const qemuImgOptions = ctx.opts.qemuImgOptions ?? ctx.hostEnv['QEMU_IMG_OPTIONS'];
  await planOutputs({
    ...outputRequest(ctx, ctx.opts.types),
    ...(qemuImgOptions ? { qemuImgOptions } : {}),
    // placeholders: the inputs exist only later; here only their presence matters
    rawImage: '(raw image)',
    rootTree: '(root tree)',
  });
}

async function checkDir(dir: string, error: (problem: string) => TsdibError): Promise<void> {
  const problem = await writableDirProblem(dir);
  if (problem) throw error(problem);
}

/** The directory of -o can be written and no output file is a directory or special file. */
export async function checkOutputPlace(ctx: BuildInput): Promise<void> {
  const image = resolve(ctx.opts.imageName);
  if (ctx.opts.types.every((t) => t === 'docker')) return;
  await checkDir(dirname(image), (p) =>
    outputPathInvalid(`-o ${ctx.opts.imageName}: cannot write the outputs there: ${p}`, { path: image, hint: 'give -o a path in a writable directory, e.g. out/image' }),
  );
  for (const out of planOutputFiles(ctx.opts)) {
    for (const file of [out.file, ...out.checksums]) {
      if (file === undefined) continue;
      const s = await stat(file).catch(() => undefined);
      if (s && !s.isFile()) {
        throw outputPathInvalid(`-o ${ctx.opts.imageName}: the ${out.type} output ${resolve(file)} exists and is ${s.isDirectory() ? 'a directory' : 'not a regular file'}`, {
          path: resolve(file),
          hint: 'give -o another name, or move that away',
        });
      }
    }
  }
}

/** The workspace's parent (TMP_DIR, else TMPDIR) and the image cache can be written. */
export async function checkWritePlaces(ctx: BuildInput): Promise<void> {
  const tmpDirVar = ctx.hostEnv['TMP_DIR'] ? 'TMP_DIR' : 'TMPDIR';
  const parent = ctx.hostEnv['TMP_DIR'] || tmpdir();
  const s = await stat(parent).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw envInvalid({ variable: tmpDirVar, value: parent, problem: `the workspace's parent ${s ? 'is not a directory' : 'does not exist'}`, hint: `point ${tmpDirVar} at an existing directory` });
  }
  await checkDir(parent, (p) => envInvalid({ variable: tmpDirVar, value: parent, problem: `cannot create the workspace there: ${p}` }));
  const cache = ctx.opts.imageCache ?? ctx.hostEnv['DIB_IMAGE_CACHE'];
  if (cache) {
    const problem = (p: string) => `cannot use it as the image cache: ${p}`;
    await checkDir(resolve(cache), (p) => (ctx.opts.imageCache ? outputPathInvalid(`--image-cache ${cache}: ${problem(p)}`) : envInvalid({ variable: 'DIB_IMAGE_CACHE', value: cache, problem: problem(p) })));
  }
}

/** Every check above; each one's problem is collected in `bad`, so all are reported together. */
export async function checkBuildInputs(ctx: BuildInput, bad: BadInputs): Promise<void> {
  bad.sync(() => checkNumericEnvironment(ctx));
  if (ctx.opts.resume && ctx.hostEnv['TSDIB_PHASE_CACHE'] === '0') {
    bad.add(envInvalid({ variable: 'TSDIB_PHASE_CACHE', value: '0', problem: '--resume needs the phase cache, which TSDIB_PHASE_CACHE=0 turns off', hint: 'unset TSDIB_PHASE_CACHE, or drop --resume' }));
  }
  const seedProblem = seedEnvProblem(ctx.opts.seed, ctx.hostEnv);
  if (seedProblem) bad.add(seedProblem);
  await bad.check(() => checkOutputRequest(ctx));
  await bad.check(() => checkOutputPlace(ctx));
  await bad.check(() => checkWritePlaces(ctx));
  await bad.check(() => checkDestinations(ctx));
}

export { writableDirProblem };
