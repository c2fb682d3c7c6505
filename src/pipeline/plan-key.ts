/**
 * The plan key: one content hash of everything that shapes a finished image, so that a fleet
 * (issue 10/10) can tell whether an image with these inputs was already built and pushed. Where the
 * phase-cache key (cache-key.ts) stops at the snapshot, the plan key covers the whole build:
 * - tsdib: its version and a hash of all its code (the running dist/ or src/, and lib/);
 * - every expanded element, in order, with every file of every phase (late phases included),
 *   keyed by relative path, mode and content — never by where the element tree lives;
 * - the keyed variables (key-variables.ts: DIB_*, the ones the elements name, tsdib's own), a
 *   variable naming a file keyed by the file's content;
 * - the block-device config text, whatever its source;
 * - the output types and every flag that changes the image (-p, -n, -c, -u, sizes, mkfs options…).
 * Not in it: the archive's state (a mirror that moved gives a different image under the same key;
 * see docs/fleet.md), the image name and where outputs go.
 * The same inputs on any machine, in any checkout directory, give the same key.
 */
import { createHash } from 'node:crypto';
import type { BuildOptions } from './options.js';
import type { Plan } from '../elements/plan.js';
import { hashElements, keyEnvironment, NOT_MERGED, toolIdentity, type CacheKeyInputs } from './cache/cache-key.js';
import { imageCacheDir } from './cache/cache-store.js';
import { plannedHookEnvironment } from './planned-hook-environment.js';
import { dibLibDir } from './dib-compat-env.js';
import { referencedVariables } from './referenced-variables.js';

/** Bumped when what goes into the key changes shape: every key changes with it. */
export const PLAN_KEY_VERSION = 1;

export interface PlanKeyInputs {
  version: number;
  tool: { version: string; code: string };
  elements: CacheKeyInputs['elements'];
  /** Variable name → hash of its value (sorted by name). */
  env: Record<string, string>;
  /** Hash of the block-device config text. */
  blockDevice: string;
  /** Output types, in the order asked. */
  outputs: string[];
  /** Flags that shape the image without showing in the environment, as given. */
  flags: Record<string, string>;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The key: sha256 (hex, 64 characters; usable as an OCI tag) over the inputs in a fixed order. */
export function planKey(inputs: PlanKeyInputs): string {
  return sha(
    JSON.stringify([
      inputs.version,
      inputs.tool,
      inputs.elements.map((e) => [e.name, e.hash]),
      Object.entries(inputs.env),
      inputs.blockDevice,
      inputs.outputs,
      Object.entries(inputs.flags),
    ]),
  );
}

/** All of the running tsdib's modules (dist/ or src/) and lib/. */
const ALL_CODE_DIRS: readonly string[] = ['.', '../lib'];

/** The flags of `opts` that change the image but do not reach the hooks' variables as such. */
function imageFlags(opts: BuildOptions): Record<string, string> {
  const text = (v: string | number | boolean | undefined) => (v === undefined ? '' : String(v));
  return {
    '-a': opts.arch,
    '-p': opts.packages.join(','),
    '-n': text(opts.skipBase),
    '-c': text(opts.clearEnv),
    '-u': text(opts.uncompressed),
    '--checksum': text(opts.checksum),
    '--image-size': text(opts.imageSizeGB),
    '--image-extra-size': text(opts.imageExtraSizeMB),
    '--max-online-resize': text(opts.maxOnlineResize),
    '--mkfs-options': text(opts.mkfsOptions),
    '--mkfs-journal-size': text(opts.mkfsJournalSizeMB),
    '--qemu-img-options': text(opts.qemuImgOptions),
    '--root-label': text(opts.rootLabel),
    '--ramdisk-element': text(opts.ramdiskElement),
    '--install-type': text(opts.installType),
    '--docker-target': text(opts.dockerTarget),
    // only when given: the loop path's keys stay what they were
    ...(opts.offlineAssembly ? { '--offline-assembly': 'true' } : {}),
  };
}

/** Everything the key is made of, for this plan and the caller's environment. */
export async function planKeyInputs(opts: BuildOptions, plan: Plan, hostEnv: Readonly<Record<string, string | undefined>>): Promise<PlanKeyInputs> {
  const env = plannedHookEnvironment(opts, plan, hostEnv, imageCacheDir(opts.imageCache, hostEnv));
  const referenced = await referencedVariables([...plan.elements.map((e) => e.path), dibLibDir()], NOT_MERGED);
  return {
    version: PLAN_KEY_VERSION,
    tool: await toolIdentity(ALL_CODE_DIRS),
    elements: await hashElements(plan.elements, NOT_MERGED),
    env: await keyEnvironment(env, referenced),
    blockDevice: sha(plan.blockDeviceConfig.text).slice(0, 16),
    outputs: [...opts.types],
    flags: imageFlags(opts),
  };
}

/** The plan key of this plan (see planKeyInputs). */
export async function computePlanKey(opts: BuildOptions, plan: Plan, hostEnv: Readonly<Record<string, string | undefined>>): Promise<string> {
  return planKey(await planKeyInputs(opts, plan, hostEnv));
}
