/**
 * `tsdib fleet plan`: each job's plan key (build/plan-key.ts) and whether REGISTRY/NAME:KEY is
 * already in the registry. A job is built only when its key is not there, so an unchanged fleet
 * builds nothing. The JSON form is a CI matrix (`{"include": [...]}`, docs/fleet.md).
 */
import { isNeverKeyed } from '../pipeline/cache/key-variables.js';
import { computePlanKey } from '../pipeline/plan-key.js';
import { toBuildOptions } from '../cli/build-options.js';
import { makePlan } from '../elements/plan.js';
import { RegistryClient } from '../registry/registry-client.js';
import { manifestReference, parseReference } from '../registry/reference.js';
import type { Fleet, FleetJob } from './load-fleet.js';

export interface PlannedJob extends FleetJob {
  key: string;
  /** REGISTRY/NAME:KEY, what the worker pushes. */
  ref: string;
  /** Whether `ref` is already in the registry (undefined: not asked). */
  built?: boolean;
}

/**
 * The environment a job's build sees: the machine's (the worker's, or that of `fleet plan`/`fleet
 * run` for the key) without its own DIB_* variables, then the fleet's and the image's variables. A
 * DIB_* variable shapes the image (and its key), so it comes from the fleet file only; the ones
 * that hold a location or only change what hooks print (DIB_IMAGE_CACHE, DIB_DEBUG_TRACE: never
 * keyed) are the machine's to set.
 */
export function jobEnvironment(job: Pick<FleetJob, 'env'>, base: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const own = Object.entries(base).filter(([name]) => !name.startsWith('DIB_') || isNeverKeyed(name));
  return { ...Object.fromEntries(own), ...job.env };
}

/** The build options of a job, as `tsdib ELEMENTS -t FORMATS` would make them. */
export function jobBuildOptions(job: FleetJob) {
  return toBuildOptions({ elements: job.elements, t: job.formats.join(','), n: !job.base });
}

export async function planJob(fleet: Fleet, job: FleetJob, base: Readonly<Record<string, string | undefined>>): Promise<PlannedJob> {
  const opts = await jobBuildOptions(job);
  const env = jobEnvironment(job, base);
  const plan = await makePlan({ ...opts, env });
  const key = await computePlanKey(opts, plan, env);
  return { ...job, key, ref: `${fleet.registry}/${job.name}:${key}` };
}

/** Whether REF's manifest is in the registry (HEAD: 200 yes, 404 no; anything else fails). */
export async function isInRegistry(ref: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<boolean> {
  const parsed = parseReference(ref, 'fleet');
  const client = await RegistryClient.open(parsed, 'pull', env);
  const res = await client.request(client.url(`manifests/${manifestReference(parsed)}`), {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    ok: [200, 404],
    what: 'look up a fleet job',
  });
  await res.body?.cancel();
  return res.status === 200;
}

/** Every job with its key, and (with `lookUp`) whether it is built. Jobs are planned one by one: the keys hash files. */
export async function planFleet(fleet: Fleet, base: Readonly<Record<string, string | undefined>>, lookUp = true): Promise<PlannedJob[]> {
  const out: PlannedJob[] = [];
  for (const job of fleet.jobs) {
    const planned = await planJob(fleet, job, base);
    out.push(lookUp ? { ...planned, built: await isInRegistry(planned.ref, base) } : planned);
  }
  return out;
}

/** The JSON of `fleet plan --json`: a GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`). */
export function fleetPlanJson(fleet: Fleet, jobs: readonly PlannedJob[]): object {
  return {
    registry: fleet.registry,
    include: jobs.map((j) => ({ name: j.name, elements: j.elements.join(' '), formats: j.formats.join(','), base: j.base, env: j.env, key: j.key, ref: j.ref, built: j.built ?? false, axes: j.axes })),
  };
}

/** The text of `fleet plan`: one line per job. */
export function formatFleetPlan(jobs: readonly PlannedJob[]): string {
  const width = Math.max(4, ...jobs.map((j) => j.name.length));
  const lines = jobs.map((j) => `${j.name.padEnd(width)}  ${j.key.slice(0, 16)}  ${j.built ? 'built   ' : 'to build'}  ${j.elements.join(' ')} -t ${j.formats.join(',')}`);
  const todo = jobs.filter((j) => !j.built).length;
  return `${'job'.padEnd(width)}  ${'key'.padEnd(16)}  state     elements\n${lines.join('\n')}\n${jobs.length} jobs, ${todo} to build\n`;
}
