/**
 * The phase cache's key: a hash of every input that can shape the root tree up to the snapshot
 * point (after post-root.d and `leave chroot`). The inputs are kept as a small record (hashes only,
 * never values of variables, which may hold secrets) so `tsdib plan` and the build can say which
 * input differs from a cached entry.
 *
 * What goes in:
 * - tsdib: its version and a hash of the runner's code (build/, elements/, host/ of the running tsdib)
 *   and of the shell library hooks source ($_LIB);
 * - every expanded element, in order: each file's relative path, mode and content (symlinks: target
 *   and, when it resolves, what it points at), except the phases that run after the snapshot
 *   (block-device.d, pre-finalise.d, finalise.d, cleanup.d) and what DIB never merges (tests,
 *   __pycache__, *.pyc);
 * - of the variables hooks see, only DIB_* ones, those the element set's files (or $_LIB) refer to by
 *   name, and those tsdib sets from its own inputs — never paths of the checkout, the workspace or
 *   the cache, nor a CI runner's or a session's variables (key-variables.ts). A variable naming a
 *   file is keyed by the file's content, not its path;
 * - the flags that reach the tree but not the environment (-p packages, -n, -c).
 * Base tarballs a root.d hook declares (see phase-cache.ts) are checked when an entry is looked up.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element } from '../../elements/element.js';
import { dibLibDir } from '../dib-compat-env.js';
import { isKeyedVariable } from './key-variables.js';
import { referencedVariables } from '../referenced-variables.js';

/** Bumped when the key's shape or the snapshot format changes: old entries stop matching. */
export const CACHE_KEY_VERSION = 2;

/** Element directories that run after the snapshot: editing them reuses the snapshot. */
export const LATE_PHASE_DIRS: ReadonlySet<string> = new Set(['block-device.d', 'pre-finalise.d', 'finalise.d', 'cleanup.d']);

/** First-level entries DIB does not merge into the hooks tree (hooks-dir.ts). */
export const NOT_MERGED: ReadonlySet<string> = new Set(['tests', '__pycache__']);

/** Top-level entries the phase-cache key leaves out: late phases and what DIB does not merge. */
export const SNAPSHOT_SKIPPED: ReadonlySet<string> = new Set([...LATE_PHASE_DIRS, ...NOT_MERGED]);

/** What the key is made of. Values are short hashes, except flags (not secret, shown as they are). */
export interface CacheKeyInputs {
  version: number;
  /** tsdib's package version and a hash of the runner's code. */
  tool: { version: string; code: string };
  /** Flags that shape the tree without showing in the environment. */
  flags: Record<string, string>;
  /** Expanded elements in order: name → { hash of all, hash per relative file path }. */
  elements: Array<{ name: string; hash: string; files: Record<string, string> }>;
  /** Variable name → hash of its value (sorted by name). */
  env: Record<string, string>;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const short = (data: string | Buffer) => sha(data).slice(0, 16);

/** The key: one hash over the inputs, in a canonical order. */
export function cacheKey(inputs: CacheKeyInputs): string {
  return sha(JSON.stringify([inputs.version, inputs.tool, inputs.flags, inputs.elements.map((e) => [e.name, e.hash]), Object.entries(inputs.env)])).slice(0, 32);
}

/** Files above this size are keyed by size and mtime instead of content. */
const HASHED_FILE_MAX_BYTES = 64 * 1024 ** 2;

/**
 * What a variable's value contributes: a value naming a file (DIB_DEV_USER_AUTHORIZED_KEYS,
 * DIB_APT_KEYRING, …) by the file's content alone, so the same file in another checkout gives the
 * same key; any other value as it is.
 */
async function valueFingerprint(value: string): Promise<string> {
  if (!value.startsWith('/') || value.includes('\n')) return `value:${value}`;
  const s = await stat(value).catch(() => undefined);
  if (!s?.isFile()) return `value:${value}`;
  if (s.size > HASHED_FILE_MAX_BYTES) return `file:${s.size}:${Math.trunc(s.mtimeMs)}`;
  return `file:${sha(await readFile(value))}`;
}

/**
 * Hash per keyed variable (key-variables.ts: DIB_*, the ones `referenced` names, tsdib's own),
 * sorted by name.
 */
export async function keyEnvironment(env: Readonly<Record<string, string | undefined>>, referenced: ReadonlySet<string> = new Set()): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || !isKeyedVariable(name, referenced)) continue;
    out[name] = short(`${name}=${await valueFingerprint(value)}`);
  }
  return out;
}

/**
 * Hashes of every file under `dir` that can reach a phase before the snapshot: relative path →
 * hash of type, mode and content. Symlinks hash their target text and what they resolve to.
 */
export async function hashElementFiles(dir: string, skipTop: ReadonlySet<string> = SNAPSHOT_SKIPPED): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const seen = new Set<string>([await realpath(dir).catch(() => dir)]);
  async function walk(abs: string, rel: string, top: boolean): Promise<void> {
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      if (top && skipTop.has(name)) continue;
      if (name.endsWith('.pyc')) continue;
      const path = join(abs, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const l = await lstat(path);
      const link = l.isSymbolicLink() ? await readlink(path) : undefined;
      const s = link === undefined ? l : await stat(path).catch(() => undefined);
      const prefix = link === undefined ? '' : `link:${link}|`;
      if (s?.isDirectory()) {
        const real = await realpath(path);
        files[relPath] = short(`${prefix}dir|${(s.mode & 0o7777).toString(8)}`);
        if (seen.has(real)) continue;
        seen.add(real);
        await walk(path, relPath, false);
      } else if (s?.isFile()) {
        files[relPath] = short(Buffer.concat([Buffer.from(`${prefix}file|${(s.mode & 0o7777).toString(8)}|`), await readFile(path)]));
      } else {
        files[relPath] = short(`${prefix}${s ? 'special' : 'dangling'}`);
      }
    }
  }
  await walk(dir, '', true);
  return files;
}

export async function hashElements(elements: readonly Pick<Element, 'name' | 'path'>[], skipTop: ReadonlySet<string> = SNAPSHOT_SKIPPED): Promise<CacheKeyInputs['elements']> {
  return Promise.all(
    elements.map(async (e) => {
      const files = await hashElementFiles(e.path, skipTop);
      return { name: e.name, hash: short(JSON.stringify(Object.entries(files))), files };
    }),
  );
}

/** The code dirs of the phase-cache key: the runner's (pipeline, elements, host) and $_LIB (lib/). */
export const RUNNER_CODE_DIRS: readonly string[] = ['pipeline', 'elements', 'host', '../lib'];

const toolIdentities = new Map<string, Promise<CacheKeyInputs['tool']>>();

/**
 * tsdib's package version and a hash of every file under `dirs` (relative to the running code
 * root, dist/ or src/; `../lib` is the shell library at the package root). Source maps, type
 * declarations and the docs generator are left out: they do not change an image. Computed once
 * per set of dirs.
 */
export function toolIdentity(dirs: readonly string[]): Promise<CacheKeyInputs['tool']> {
  const id = dirs.join('\0');
  let identity = toolIdentities.get(id);
  if (!identity) {
    identity = hashToolCode(dirs);
    toolIdentities.set(id, identity);
  }
  return identity;
}

async function hashToolCode(dirs: readonly string[]): Promise<CacheKeyInputs['tool']> {
  const codeRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkg = JSON.parse(await readFile(join(codeRoot, '..', 'package.json'), 'utf8').catch(() => '{}')) as { version?: string };
  const parts: string[] = [];
  for (const sub of dirs) {
    const files = await hashElementFiles(join(codeRoot, sub), NOT_MERGED).catch(() => ({}));
    for (const [f, h] of Object.entries(files)) if (!f.endsWith('.map') && !f.endsWith('.d.ts') && !f.startsWith('docs/')) parts.push(`${sub}/${f}:${h}`);
  }
  return { version: pkg.version ?? 'unknown', code: short(parts.join('\n')) };
}

export interface KeyInputsRequest {
  elements: readonly Pick<Element, 'name' | 'path'>[];
  /** The variables hooks see (only the keyed ones are kept: key-variables.ts). */
  env: Readonly<Record<string, string | undefined>>;
  /** `-p` packages. */
  packages: readonly string[];
  skipBase: boolean;
  clearEnv: boolean;
  /** Built in a user namespace (no device nodes in the tree): such a tree never replaces a root build's. */
  rootless?: boolean;
}

export async function cacheKeyInputs(req: KeyInputsRequest): Promise<CacheKeyInputs> {
  return {
    version: CACHE_KEY_VERSION,
    tool: await toolIdentity(RUNNER_CODE_DIRS),
    // rootless only when set: the keys of root builds stay what they were
    flags: { '-p': req.packages.join(','), '-n': String(req.skipBase), '-c': String(req.clearEnv), ...(req.rootless ? { rootless: 'true' } : {}) },
    elements: await hashElements(req.elements),
    env: await keyEnvironment(req.env, await referencedVariables([...req.elements.map((e) => e.path), dibLibDir()], SNAPSHOT_SKIPPED)),
  };
}

/**
 * What differs between an entry's inputs and the current ones, in words, most telling first
 * (empty when equal). At most `limit` lines.
 */
export function describeKeyDifferences(was: CacheKeyInputs, now: CacheKeyInputs, limit = 6): string[] {
  const out: string[] = [];
  if (was.version !== now.version) out.push(`cache format ${was.version} → ${now.version}`);
  if (was.tool.version !== now.tool.version) out.push(`tsdib version ${was.tool.version} → ${now.tool.version}`);
  else if (was.tool.code !== now.tool.code) out.push('tsdib code changed (pipeline, elements or host modules)');
  for (const k of new Set([...Object.keys(was.flags), ...Object.keys(now.flags)])) {
    if (was.flags[k] !== now.flags[k]) out.push(`flag ${k}: ${JSON.stringify(was.flags[k] ?? '')} → ${JSON.stringify(now.flags[k] ?? '')}`);
  }
  const wasNames = was.elements.map((e) => e.name).join(' ');
  const nowNames = now.elements.map((e) => e.name).join(' ');
  if (wasNames !== nowNames) out.push(`elements: ${wasNames} → ${nowNames}`);
  const wasByName = new Map(was.elements.map((e) => [e.name, e]));
  for (const e of now.elements) {
    const old = wasByName.get(e.name);
    if (!old || old.hash === e.hash) continue;
    for (const f of new Set([...Object.keys(old.files), ...Object.keys(e.files)])) {
      const a = old.files[f];
      const b = e.files[f];
      if (a === b) continue;
      out.push(`element ${e.name}: ${f} ${a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'}`);
    }
  }
  for (const v of new Set([...Object.keys(was.env), ...Object.keys(now.env)])) {
    const a = was.env[v];
    const b = now.env[v];
    if (a === b) continue;
    out.push(`environment ${v} ${a === undefined ? 'set' : b === undefined ? 'unset' : 'changed'}`);
  }
  return out.length > limit ? [...out.slice(0, limit), `… and ${out.length - limit} more`] : out;
}
