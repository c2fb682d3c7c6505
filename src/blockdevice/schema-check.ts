/**
 * Validates each config entry against its plugin's JSON schema (ajv) and turns ajv's errors into
 * problems that name the path in the user's config (`[2].mkfs.label`). Unknown keys are
 * warnings, not problems: DIB ignores them, and configs in the wild (DIB's own test fixtures
 * among them) carry such typos; the warning names the key and the closest known one.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closestName } from '../elements/did-you-mean.js';
import type { BlockDevicePlugin } from './plugin.js';
import type { ConfigEntry, ConfigProblem } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = new Map<string, ValidateFunction>();

function validatorFor(plugin: BlockDevicePlugin): ValidateFunction {
  let v = validators.get(plugin.kind);
  if (!v) {
    v = ajv.compile(plugin.schema);
    validators.set(plugin.kind, v);
  }
  return v;
}

/** `/partitions/0/size` → `.partitions[0].size`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
    .join('');
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The schema node at an ajv schemaPath (for the known keys of an object). */
function schemaAt(root: unknown, schemaPath: string): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const seg of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>) : undefined;
}

function describeError(e: ErrorObject, data: unknown, root: unknown): string {
  const value = e.instancePath === '' ? data : e.instancePath.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], data);
  switch (e.keyword) {
    case 'required':
      return `missing required key "${String(e.params['missingProperty'])}"`;
    case 'type':
      return `must be ${String(e.params['type']).replace(',', ' or ')}, got ${shown(value)}`;
    case 'anyOf': {
      const owner = /^(.*\/properties\/[^/]+)\//.exec(e.schemaPath)?.[1];
      const description = owner ? schemaAt(root, `${owner}/x`)?.['description'] : undefined;
      return `${shown(value)} is not allowed${typeof description === 'string' ? `: ${description}` : ''}`;
    }
    case 'enum':
      return `must be one of ${(e.params['allowedValues'] as unknown[]).join(', ')}; got ${shown(value)}`;
    default:
      return `${e.message ?? 'is invalid'}${value !== undefined && typeof value !== 'object' ? ` (got ${shown(value)})` : ''}`;
  }
}

export interface SchemaResult {
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

export function checkEntrySchema(entry: ConfigEntry, plugin: BlockDevicePlugin): SchemaResult {
  const validate = validatorFor(plugin);
  const result: SchemaResult = { problems: [], warnings: [] };
  if (validate(entry.config)) return result;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // an anyOf over items reports each branch too; the anyOf line says it once
    if (e.schemaPath.includes('/anyOf/')) continue;
    const at = entry.configPath + pointerToPath(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = String(e.params['additionalProperty']);
      const props = schemaAt(plugin.schema, e.schemaPath)?.['properties'];
      const known = props && typeof props === 'object' ? Object.keys(props) : [];
      const guess = closestName(key, known);
      result.warnings.push({ path: `${at}.${key}`, message: `unknown key "${key}" is ignored${guess ? ` (did you mean "${guess}"?)` : ''}; ${plugin.kind} keys here are ${known.join(', ')}` });
      continue;
    }
    const message = describeError(e, entry.config, plugin.schema);
    const id = `${at}\0${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    result.problems.push({ path: e.keyword === 'required' ? `${at}.${String(e.params['missingProperty'])}` : at, message });
  }
  return result;
}
