/**
 * Reads `fleet.yaml`, checks it (ajv, then the names, references and output types), and expands
 * each image's matrix into jobs. Every problem is reported at once, naming the file and the field;
 * nothing is built or asked of a registry before this passes.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { badInputs, configInvalid, type TsdibError } from '../errors.js';
import { OUTPUT_TYPES } from '../output/writers.js';
import { parseReference } from '../registry/reference.js';
import { FLEET_SCHEMA, type FleetFile, type FleetImage } from './fleet-schema.js';

/** One build of the fleet: what the worker runs and where it pushes. */
export interface FleetJob {
  /** Repository name below the registry (unique in the fleet), e.g. `debian-dev`. */
  name: string;
  elements: string[];
  /** The job's variables (fleet env, then the image's). */
  env: Record<string, string>;
  formats: string[];
  /** false: build without the base element (-n). */
  base: boolean;
  /** The matrix values this job was made from. */
  axes: Record<string, string>;
}

export interface Fleet {
  file: string;
  registry: string;
  jobs: FleetJob[];
}

const AXIS_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** A repository path component (OCI distribution spec). */
const REPO_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

function combinations(matrix: Record<string, string[]>): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const [axis, values] of Object.entries(matrix)) out = out.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  return out;
}

function expandImage(image: FleetImage, index: number, fleetEnv: Record<string, string>, file: string, problems: TsdibError[]): FleetJob[] {
  const at = `images[${index}]`;
  const axes = image.matrix ?? {};
  const jobs: FleetJob[] = [];
  for (const combo of combinations(axes)) {
    const fill = (text: string, field: string) =>
      text.replace(AXIS_REF, (whole, axis: string) => {
        const v = combo[axis];
        if (v === undefined) {
          problems.push(configInvalid(`${file} ${at}.${field}: \${${axis}} names no matrix axis`, { file, path: `${at}.${field}`, hint: `axes of this image: ${Object.keys(axes).join(', ') || 'none'}` }));
          return whole;
        }
        return v;
      });
    const suffix = Object.keys(axes).some((a) => image.name.includes(`\${${a}}`)) ? '' : Object.values(combo).map((v) => `-${v}`).join('');
    const env: Record<string, string> = { ...fleetEnv };
    for (const [k, v] of Object.entries(image.env ?? {})) env[k] = fill(String(v), `env.${k}`);
    jobs.push({
      name: `${fill(image.name, 'name')}${suffix}`.toLowerCase(),
      elements: image.elements.map((e, i) => fill(e, `elements[${i}]`)),
      env,
      formats: image.formats ?? ['qcow2'],
      base: image.base ?? true,
      axes: combo,
    });
  }
  for (const [i, f] of (image.formats ?? []).entries()) {
    if (!OUTPUT_TYPES.includes(f)) problems.push(configInvalid(`${file} ${at}.formats[${i}]: unknown output type "${f}"`, { file, path: `${at}.formats[${i}]`, hint: `known: ${OUTPUT_TYPES.join(', ')}` }));
    else if (f === 'docker') problems.push(configInvalid(`${file} ${at}.formats[${i}]: docker outputs are not files and cannot be pushed`, { file, path: `${at}.formats[${i}]` }));
  }
  return jobs;
}

function schemaProblems(data: unknown, file: string): TsdibError[] {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const validate = new Ajv({ allErrors: true, strict: false }).compile(FLEET_SCHEMA);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => {
    const path = e.instancePath.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') || '(top)';
    const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"` : '';
    return configInvalid(`${file} ${path}: ${e.message ?? 'invalid'}${extra}`, { file, path });
  });
}

/** Parses and checks a fleet file's text; throws one CONFIG_INVALID carrying every problem. */
export function parseFleet(text: string, file: string): Fleet {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw configInvalid(`${file}: not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { file });
  }
  const problems = schemaProblems(data, file);
  if (problems.length > 0) throw badInputs(problems);
  const fleet = data as FleetFile;
  try {
    parseReference(`${fleet.registry}/probe:latest`, `${file} registry`);
  } catch {
    problems.push(configInvalid(`${file} registry: "${fleet.registry}" is not HOST[:PORT]/PATH`, { file, path: 'registry', hint: 'e.g. registry: 127.0.0.1:5000/fleet' }));
  }
  const fleetEnv = Object.fromEntries(Object.entries(fleet.env ?? {}).map(([k, v]) => [k, String(v)]));
  const jobs = fleet.images.flatMap((image, i) => expandImage(image, i, fleetEnv, file, problems));
  const seen = new Map<string, number>();
  for (const [i, j] of jobs.entries()) {
    if (!REPO_NAME.test(j.name)) problems.push(configInvalid(`${file}: job name "${j.name}" is not a valid repository name`, { file, path: 'images[].name', hint: 'lower-case letters, digits, ".", "_" and "-"' }));
    if (seen.has(j.name)) problems.push(configInvalid(`${file}: two jobs are named "${j.name}"`, { file, path: 'images[].name', hint: 'put a matrix axis in the name, e.g. name: ${distro}-dev' }));
    seen.set(j.name, i);
  }
  if (problems.length > 0) throw badInputs(problems);
  return { file, registry: fleet.registry.replace(/\/+$/, ''), jobs };
}

export async function loadFleet(file: string): Promise<Fleet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw configInvalid(`${file}: cannot read the fleet file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
  }
  return parseFleet(text, file);
}
