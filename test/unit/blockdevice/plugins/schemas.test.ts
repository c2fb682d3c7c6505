import { describe, expect, it } from 'vitest';
import { PLUGINS } from '../../../../src/blockdevice/plugins/index.js';

/** Every object schema inside `schema`, with its path. */
function objectSchemas(schema: unknown, path = '#'): Array<{ path: string; schema: Record<string, unknown> }> {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const found = s['type'] === 'object' ? [{ path, schema: s }] : [];
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && typeof v === 'object' && v) {
      for (const [p, sub] of Object.entries(v)) found.push(...objectSchemas(sub, `${path}.${p}`));
    } else if (typeof v === 'object' && v !== null) {
      found.push(...objectSchemas(v, `${path}/${k}`));
    }
  }
  return found;
}

describe('plugin schemas', () => {
  it('cover the six DIB plugins and tsdib\'s zpool, each under its config key', () => {
    expect(Object.keys(PLUGINS)).toEqual(['local_loop', 'partitioning', 'lvm', 'mkfs', 'mount', 'fstab', 'zpool']);
    for (const [key, plugin] of Object.entries(PLUGINS)) expect(plugin.kind).toBe(key);
  });

  it.each(Object.keys(PLUGINS))('%s: every object forbids unknown keys and every key has a description', (key) => {
    const objects = objectSchemas(PLUGINS[key]!.schema);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      // a map of free keys (zpool's properties): key names checked by propertyNames, values by additionalProperties
      if (o.schema['properties'] === undefined && o.schema['propertyNames'] !== undefined) {
        expect(typeof o.schema['description'], o.path).toBe('string');
        continue;
      }
      expect(o.schema['additionalProperties'], o.path).toBe(false);
      for (const [prop, sub] of Object.entries(o.schema['properties'] as Record<string, Record<string, unknown>>)) {
        expect(typeof sub['description'], `${o.path}.${prop}`).toBe('string');
        expect((sub['description'] as string).length, `${o.path}.${prop}`).toBeGreaterThan(10);
      }
    }
  });
});
