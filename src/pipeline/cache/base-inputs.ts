/**
 * The cached files a tree was built from: a root.d hook that unpacks one (debian-rootfs's
 * mmdebstrap tarball) appends `PATH<TAB>MAX_AGE_DAYS` to `$TMP_BUILD_DIR/phase-cache-inputs`. A
 * snapshot or checkpoint records each such file's size and mtime, and is reused only while every
 * one is unchanged and not older than its max age (when the hook would rebuild it).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A file a root.d hook declared as its input (a cached base tarball), as it was when used. */
export interface BaseInput {
  path: string;
  size: number;
  mtimeMs: number;
  /** The hook rebuilds the file when it is older than this (days); absent: never. */
  maxAgeDays?: number;
}

/** The file in TMP_BUILD_DIR where root.d hooks declare the cached files they used. */
export const BASE_INPUTS_FILE = 'phase-cache-inputs';

/** Why a base file no longer matches what the entry was built from (undefined: it matches). */
async function baseMismatch(base: BaseInput, now = Date.now()): Promise<string | undefined> {
  const s = await stat(base.path).catch(() => undefined);
  if (!s) return `base file ${base.path} is gone`;
  if (s.size !== base.size || Math.abs(s.mtimeMs - base.mtimeMs) >= 1) return `base file ${base.path} was rebuilt`;
  if (base.maxAgeDays !== undefined && Math.floor((now - s.mtimeMs) / 86_400_000) > base.maxAgeDays) {
    return `base file ${base.path} is older than ${base.maxAgeDays} days (its hook would rebuild it)`;
  }
  return undefined;
}

/** Why base files an entry or a checkpoint was built from no longer match (empty: they all do). */
export async function staleBaseReasons(base: readonly BaseInput[]): Promise<string[]> {
  return (await Promise.all(base.map((b) => baseMismatch(b)))).filter((r): r is string => r !== undefined);
}

/** Reads the base files root.d hooks declared (see BASE_INPUTS_FILE). */
export async function declaredBaseInputs(buildDir: string): Promise<BaseInput[]> {
  const text = await readFile(join(buildDir, BASE_INPUTS_FILE), 'utf8').catch(() => '');
  const out: BaseInput[] = [];
  for (const line of text.split('\n')) {
    const [path, maxAge] = line.split('\t');
    if (!path) continue;
    const s = await stat(path).catch(() => undefined);
    if (!s) continue;
    const days = maxAge !== undefined && /^\d+$/.test(maxAge.trim()) ? Number(maxAge.trim()) : undefined;
    out.push({ path, size: s.size, mtimeMs: s.mtimeMs, ...(days !== undefined ? { maxAgeDays: days } : {}) });
  }
  return out;
}
