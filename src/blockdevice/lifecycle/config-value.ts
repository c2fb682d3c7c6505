/**
 * Typed reads of a node's config values. The config loader has validated them against the
 * plugin's schema already; these checks keep hand-built node lists honest and name node and key.
 */
import { blockDeviceFailed } from '../../errors.js';
import type { ConfigNode } from '../types.js';

function wrongType(node: ConfigNode, key: string, expected: string, value: unknown): Error {
  return blockDeviceFailed(`${node.configPath || node.name}.${key}: expected ${expected}, got ${JSON.stringify(value)}`, {
    node: node.name,
    path: `${node.configPath}.${key}`,
  });
}

export function optionalString(node: ConfigNode, key: string): string | undefined {
  const v = node.config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw wrongType(node, key, 'a string', v);
  return v;
}

export function requiredString(node: ConfigNode, key: string): string {
  const v = optionalString(node, key);
  if (v === undefined || v === '') {
    throw blockDeviceFailed(`${node.configPath || node.name}: ${node.plugin} node "${node.name}" needs [${key}]`, {
      node: node.name,
      path: `${node.configPath}.${key}`,
    });
  }
  return v;
}

export function optionalNumber(node: ConfigNode, key: string): number | undefined {
  const v = node.config[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw wrongType(node, key, 'a number', v);
  return n;
}

/** A list of words given as a list or as one space-separated string (DIB's `opts`). */
export function wordList(node: ConfigNode, key: string): string[] {
  const v = node.config[key];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.trim().split(/\s+/).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...(v as string[])];
  throw wrongType(node, key, 'a string or a list of strings', v);
}

/** The node's only base (most plugins sit on exactly one node). */
export function singleBase(node: ConfigNode): string {
  const [base, ...rest] = node.base;
  if (base === undefined || rest.length > 0) {
    throw blockDeviceFailed(`${node.configPath || node.name}: ${node.plugin} node "${node.name}" needs exactly one base, has ${node.base.length}`, {
      node: node.name,
    });
  }
  return base;
}
