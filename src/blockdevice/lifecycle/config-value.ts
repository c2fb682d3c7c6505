/**
 * Typed reads of a node's config values. Nodes reach a backend only from a validated graph (each
 * entry passed its plugin's schema and checks), so these convert and default; they do not check
 * again.
 */
import type { ConfigNode } from '../types.js';

/** A string value (a number written where a name is allowed is read as its text), or undefined. */
export function optionalString(node: ConfigNode, key: string): string | undefined {
  const v = node.config[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** A number value, also when written as a numeric string (`block_size: "4096"`), or undefined. */
export function optionalNumber(node: ConfigNode, key: string): number | undefined {
  const v = node.config[key];
  return v === undefined || v === null ? undefined : Number(v);
}

/** A list of words given as a list or as one space-separated string (DIB's `opts`). */
export function wordList(node: Pick<ConfigNode, 'config'>, key: string): string[] {
  const v = node.config[key];
  if (typeof v === 'string') return v.trim().split(/\s+/).filter(Boolean);
  return Array.isArray(v) ? v.map(String) : [];
}

/** The node's only base (every kind but an LVM VG sits on exactly one node). */
export function singleBase(node: ConfigNode): string {
  return node.base[0] ?? '';
}
