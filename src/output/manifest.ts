/**
 * `<image-name>.manifest.json`: what went into the image and what came out — tsdib's version, the
 * expanded elements (in build order), the plan key, the phase-cache key, the installed packages, every output
 * with its path, size and sha256, and the step timings. The runner supplies elements, key, packages
 * and timings (build/manifest-step.ts); the outputs come from writeOutputs.
 * Written under a temp name and renamed, mode 0644. Key order is fixed; with SOURCE_DATE_EPOCH the
 * `created` time comes from it, so the file is reproducible apart from the timings.
 */
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { commitOutput, discardOutput, tempName } from './output-file.js';
import type { OutputResult } from './write-outputs.js';

export interface ManifestPackage {
  name: string;
  version?: string;
  arch?: string;
}

export interface ManifestInput {
  /** Output path prefix, e.g. `out/deb` → `out/deb.manifest.json`. */
  imageName: string;
  /** Expanded element set, in build order. */
  elements: readonly string[];
  /** Packages in the image (sorted by name in the file). */
  packages: readonly ManifestPackage[];
  outputs: readonly OutputResult[];
  /** Step timings (name, seconds), in the order they finished. */
  timings: readonly { name: string; seconds: number }[];
  /** tsdib's version, when the runner knows it. */
  tsdibVersion?: string;
  /** The plan key (build/plan-key.ts): same inputs, same key, on any machine. */
  planKey?: string;
  /** The phase cache's key (build/cache-key.ts) and whether the tree came from its snapshot. */
  phaseCache?: { key: string; restored: boolean };
  /** SOURCE_DATE_EPOCH, for the `created` field. */
  sourceDateEpoch?: number;
}

export const MANIFEST_FORMAT = 'tsdib-manifest/1';

/** The manifest object (exported for tests and `tsdib plan`). */
export function buildManifest(m: ManifestInput): Record<string, unknown> {
  const created = new Date((m.sourceDateEpoch ?? Math.floor(Date.now() / 1000)) * 1000).toISOString();
  return {
    format: MANIFEST_FORMAT,
    created,
    ...(m.tsdibVersion ? { tsdib: m.tsdibVersion } : {}),
    image: basename(m.imageName),
    elements: [...m.elements],
    ...(m.planKey ? { planKey: m.planKey } : {}),
    ...(m.phaseCache ? { phaseCache: { key: m.phaseCache.key, restored: m.phaseCache.restored } } : {}),
    packages: [...m.packages]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((p) => ({ name: p.name, ...(p.version ? { version: p.version } : {}), ...(p.arch ? { arch: p.arch } : {}) })),
    outputs: m.outputs.map((o) => ({
      type: o.type,
      file: o.path.startsWith('docker:') ? o.path : basename(o.path),
      path: o.path.startsWith('docker:') ? o.path : resolve(o.path),
      size: o.bytes,
      sha256: o.sha256,
      seconds: Math.round(o.seconds * 1000) / 1000,
    })),
    timings: m.timings.map((t) => ({ name: t.name, seconds: Math.round(t.seconds * 1000) / 1000 })),
  };
}

/** Writes `<imageName>.manifest.json`; returns its path. */
export async function writeManifest(m: ManifestInput): Promise<string> {
  const path = `${m.imageName}.manifest.json`;
  const temp = tempName(path);
  await discardOutput(temp);
  try {
    await writeFile(temp, `${JSON.stringify(buildManifest(m), null, 2)}\n`, { flag: 'wx', mode: 0o644 });
    await commitOutput(temp, path);
  } catch (e) {
    await discardOutput(temp);
    throw e;
  }
  return path;
}
