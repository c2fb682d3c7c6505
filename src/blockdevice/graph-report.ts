/**
 * `tsdib block-device graph`: finds the config (file, DIB_BLOCK_DEVICE_CONFIG, built-in default),
 * validates it and renders the graph as JSON (`{nodes, edges, order}`) or as a readable listing.
 */
import { readFile } from 'node:fs/promises';
import { flagInvalid } from '../errors.js';
import { BUILTIN_BLOCK_DEVICE_CONFIG } from './config-source.js';
import { loadBlockDeviceConfig } from './load-config.js';
import { parseAbsSize, SizeSpecError } from './size.js';
import type { BlockDeviceGraph, BlockDeviceParams } from './types.js';

export interface GraphReportOptions {
  /** Config file; without it DIB_BLOCK_DEVICE_CONFIG (text or file://PATH), else the built-in default. */
  configFile?: string;
  env: Record<string, string | undefined>;
  json: boolean;
  /** Image size as bytes or a DIB size ("4GiB"); without it partition sizes are not checked against the disk. */
  imageSize?: string;
  rootFsType?: string;
  rootLabel?: string;
  rootFsOpts?: string;
}

async function readConfig(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw flagInvalid({ flag: what, value: path, problem: `cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`, file: path });
  }
}

export async function findGraphConfig(opts: Pick<GraphReportOptions, 'configFile' | 'env'>): Promise<{ text: string; source: string }> {
  if (opts.configFile !== undefined) return { text: await readConfig(opts.configFile, '--config'), source: opts.configFile };
  const env = opts.env['DIB_BLOCK_DEVICE_CONFIG'];
  if (env !== undefined && env.trim() !== '') {
    if (env.startsWith('file://')) {
      const path = env.slice('file://'.length);
      return { text: await readConfig(path, 'DIB_BLOCK_DEVICE_CONFIG file'), source: path };
    }
    return { text: env, source: 'DIB_BLOCK_DEVICE_CONFIG' };
  }
  return { text: BUILTIN_BLOCK_DEVICE_CONFIG, source: 'built-in default config' };
}

function imageSizeParam(spec: string | undefined): number | undefined {
  if (spec === undefined) return undefined;
  try {
    const bytes = parseAbsSize(/^\d+$/.test(spec) ? Number(spec) : spec);
    if (bytes > 0) return bytes;
  } catch (e) {
    if (!(e instanceof SizeSpecError)) throw e;
    throw flagInvalid({ flag: '--image-size', value: spec, problem: e.message });
  }
  throw flagInvalid({ flag: '--image-size', value: spec, expected: 'more than 0 bytes' });
}

export function graphJson(g: BlockDeviceGraph): string {
  const nodes = g.nodes.map((n) => ({ name: n.name, plugin: n.plugin, kind: n.kind, base: n.base }));
  return JSON.stringify({ nodes, edges: g.edges, order: g.order }, null, 2);
}

export function graphText(g: BlockDeviceGraph): string {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const width = Math.max(4, ...g.order.map((n) => n.length));
  const lines = [`block-device graph of ${g.source}: ${g.nodes.length} nodes, ${g.edges.length} edges; creation order:`];
  g.order.forEach((name, i) => {
    const n = byName.get(name)!;
    const after = g.edges.filter(([, to]) => to === name).map(([from]) => from);
    const what = n.kind === n.plugin ? n.plugin : `${n.kind} (${n.plugin})`;
    lines.push(`  ${String(i + 1).padStart(2)}. ${name.padEnd(width)}  ${what.padEnd(24)}  ${after.length ? `after ${after.join(', ')}` : ''}`.trimEnd());
  });
  if (g.mountOrder.length > 0) lines.push(`mount order: ${g.mountOrder.map((m) => m.mountPoint).join(' ')}`);
  return lines.join('\n');
}

export async function runGraphReport(opts: GraphReportOptions): Promise<string> {
  const { text, source } = await findGraphConfig(opts);
  const params: Partial<BlockDeviceParams> = { rootFsType: opts.rootFsType ?? 'ext4', rootLabel: opts.rootLabel, rootFsOpts: opts.rootFsOpts };
  const imageSize = imageSizeParam(opts.imageSize);
  if (imageSize !== undefined) params.imageSize = imageSize;
  const graph = await loadBlockDeviceConfig(text, source, params);
  return opts.json ? graphJson(graph) : graphText(graph);
}
