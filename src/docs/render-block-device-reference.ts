/**
 * docs/reference/block-device.md: every block-device plugin's keys (from the ajv schemas in
 * src/blockdevice/plugins/) with type, whether required, default and description; then the
 * example configs of block-device-examples.ts.
 */
import type { SchemaObject } from 'ajv';
import { PLUGINS } from '../blockdevice/plugins/index.js';
import { BLOCK_DEVICE_EXAMPLES } from './block-device-examples.js';
import { fence, generatedNotice, table } from './markdown.js';

/** A schema's type in words: `string or integer`, `one of "mbr", "gpt"`, `array of string`. */
export function typeText(schema: SchemaObject): string {
  if (Array.isArray(schema['enum'])) return `one of ${(schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const alternatives = (schema['anyOf'] ?? schema['oneOf']) as SchemaObject[] | undefined;
  if (Array.isArray(alternatives)) return alternatives.map(typeText).join(' or ');
  const types: string[] = Array.isArray(schema['type']) ? (schema['type'] as string[]) : schema['type'] ? [schema['type'] as string] : [];
  const range = typeof schema['minimum'] === 'number' && typeof schema['maximum'] === 'number' ? ` ${schema['minimum']}..${schema['maximum']}` : '';
  const words = types.map((t) => {
    if (t === 'integer' || t === 'number') return `${t}${range}`;
    if (t !== 'array') return t;
    const items = schema['items'] as SchemaObject | undefined;
    return items ? `array of ${typeText(items)}` : 'array';
  });
  return words.join(' or ') || 'any';
}

/** Object properties of `schema` itself, or of its array items. */
function childObject(schema: SchemaObject): { schema: SchemaObject; suffix: string } | undefined {
  if (schema['properties']) return { schema, suffix: '.' };
  const items = schema['items'] as SchemaObject | undefined;
  if (items?.['properties']) return { schema: items, suffix: '[].' };
  return undefined;
}

/** One row per property, nested ones as `partitions[].name`, in schema order. */
export function propertyRows(schema: SchemaObject, prefix = ''): string[][] {
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const rows: string[][] = [];
  for (const [key, raw] of Object.entries((schema['properties'] ?? {}) as Record<string, SchemaObject>)) {
    const name = `${prefix}${key}`;
    const def = raw['default'] === undefined ? '' : `\`${JSON.stringify(raw['default'])}\``;
    rows.push([`\`${name}\``, typeText(raw), required.has(key) ? 'yes' : '', def, String(raw['description'] ?? '')]);
    const child = childObject(raw);
    if (child) rows.push(...propertyRows(child.schema, `${name}${child.suffix}`));
  }
  return rows;
}

export function renderBlockDeviceReference(): string {
  const plugins = Object.values(PLUGINS).map((p) => {
    const rows = propertyRows(p.schema);
    // the Default column only where a schema declares one (most defaults are computed; descriptions say them)
    const withDefaults = rows.some((r) => r[3] !== '');
    const header = withDefaults ? ['Key', 'Type', 'Required', 'Default', 'Description'] : ['Key', 'Type', 'Required', 'Description'];
    const body = withDefaults ? rows : rows.map((r) => [r[0]!, r[1]!, r[2]!, r[4]!]);
    return `### \`${p.kind}\`\n\n${p.description[0]!.toUpperCase()}${p.description.slice(1)}.\n\n${table(header, body)}`;
  });
  const examples = BLOCK_DEVICE_EXAMPLES.map((e) => `### ${e.title}\n\n${e.about}\n\n${fence('yaml', e.yaml)}`);
  return `${generatedNotice('the plugin schemas in src/blockdevice/plugins/ and src/docs/block-device-examples.ts')}

# Block-device configuration reference

A block-device config (DIB's \`DIB_BLOCK_DEVICE_CONFIG\`, an element's \`block-device-default.yaml\`,
or \`--block-device-config FILE\`) is a YAML (or JSON) list of entries, each one plugin key with its
settings. In the tree notation a partition may hold an \`mkfs\` key, an \`mkfs\` a \`mount\`, a
\`mount\` an \`fstab\`; tsdib names the nodes as DIB does (\`mkfs_root\`, \`mount_mkfs_root\`, …). The
filesystem named \`mkfs_root\` gets the build's root type, label and options.
\`tsdib block-device graph --config FILE\` validates a config and prints its graph.

## Plugins

${plugins.join('\n\n')}

## Examples

Each example is checked by the test suite with the same loader a build uses.

${examples.join('\n\n')}
`;
}
