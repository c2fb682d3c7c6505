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
 * - the variables hooks see (a variable naming a file: with the file's content), minus the build's own paths, the outputs (IMAGE_NAME, IMAGE_TYPES), the
 *   command line as a string (DIB_ARGS, DIB_ENV: their parts are keyed one by one) and the
 *   terminal/session noise listed in VOLATILE_VARIABLES (every other DIB_* variable is in);
 * - the flags that reach the tree but not the environment (-p packages, -n, -c).
 * Base tarballs a root.d hook declares (see phase-cache.ts) are checked when an entry is looked up.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element } from '../elements/element.js';

/** Bumped when the key's shape or the snapshot format changes: old entries stop matching. */
export const CACHE_KEY_VERSION = 1;

/** Element directories that run after the snapshot: editing them reuses the snapshot. */
export const LATE_PHASE_DIRS: ReadonlySet<string> = new Set(['block-device.d', 'pre-finalise.d', 'finalise.d', 'cleanup.d']);

/** First-level entries DIB does not merge into the hooks tree (hooks-dir.ts). */
const NOT_MERGED: ReadonlySet<string> = new Set(['tests', '__pycache__']);

/**
 * Variables that never enter the key: the build's own paths (new every build), element paths
 * (element contents are keyed instead) and a shell's or terminal's session noise.
 */
export const VOLATILE_VARIABLES: readonly RegExp[] = [
  /^TMP_(BUILD_DIR|IMAGE_DIR|MOUNT_PATH|HOOKS_PATH)$/,
  /^TARGET_ROOT$/,
  /^(ELEMENTS_PATH|IMAGE_ELEMENT_YAML)$/,
  // the outputs (-o, -t) and the command line as one string: they shape what happens after the snapshot
  /^(IMAGE_NAME|IMAGE_TYPES|DIB_ARGS|DIB_ENV)$/,
  /^BASH_FUNC_get_image_element_array(%%|\(\))$/,
  /^(TMPDIR|TMP|TEMP|TEMPDIR)$/,
  /^(PWD|OLDPWD|SHLVL|_|PS[1-4]|PROMPT_COMMAND|HIST[A-Z]*|MAIL|MAILCHECK)$/,
  /^(TERM|TERM_[A-Z_]*|COLORTERM|COLUMNS|LINES|LS_COLORS|LESS[A-Z_]*|PAGER|EDITOR|VISUAL|FORCE_COLOR|NO_COLOR|VTE_VERSION|WINDOWID)$/,
  /^(SSH_[A-Z_]*|GPG_AGENT_INFO|GPG_TTY|SSH_AUTH_SOCK|DISPLAY|WAYLAND_DISPLAY|XAUTHORITY|XDG_[A-Z_]*|DBUS_[A-Z_]*|SESSION_MANAGER)$/,
  /^(TMUX[A-Z_]*|STY|WINDOW|KITTY_[A-Z_]*|ALACRITTY_[A-Z_]*|WT_[A-Z_]*|ITERM_[A-Z_]*|TERMINAL_[A-Z_]*|VSCODE_[A-Z_]*)$/,
  /^(SUDO_[A-Z_]*|INVOCATION_ID|JOURNAL_STREAM|SYSTEMD_EXEC_PID|MANAGERPID|MAKEFLAGS|MFLAGS|MAKELEVEL)$/,
  /^(VITEST[A-Z_]*|TEST|NODE_[A-Z_]*|npm_.*|INIT_CWD|COREPACK_[A-Z_]*)$/,
];

export function isVolatileVariable(name: string): boolean {
  return VOLATILE_VARIABLES.some((re) => re.test(name));
}

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

/** A variable naming a file (DIB_DEV_USER_AUTHORIZED_KEYS, DIB_APT_KEYRING, …) is keyed with the file's content. */
async function fileFingerprint(value: string): Promise<string> {
  if (!value.startsWith('/') || value.includes('\n')) return '';
  const s = await stat(value).catch(() => undefined);
  if (!s?.isFile()) return '';
  if (s.size > HASHED_FILE_MAX_BYTES) return `|file:${s.size}:${Math.trunc(s.mtimeMs)}`;
  return `|file:${sha(await readFile(value))}`;
}

/** Hash per variable (and the file it names, if any), without the volatile ones, sorted by name. */
export async function keyEnvironment(env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || isVolatileVariable(name)) continue;
    out[name] = short(`${name}=${value}${await fileFingerprint(value)}`);
  }
  return out;
}

/**
 * Hashes of every file under `dir` that can reach a phase before the snapshot: relative path →
 * hash of type, mode and content. Symlinks hash their target text and what they resolve to.
 */
export async function hashElementFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const seen = new Set<string>([await realpath(dir).catch(() => dir)]);
  async function walk(abs: string, rel: string, top: boolean): Promise<void> {
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      if (top && (LATE_PHASE_DIRS.has(name) || NOT_MERGED.has(name))) continue;
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

export async function hashElements(elements: readonly Pick<Element, 'name' | 'path'>[]): Promise<CacheKeyInputs['elements']> {
  return Promise.all(
    elements.map(async (e) => {
      const files = await hashElementFiles(e.path);
      return { name: e.name, hash: short(JSON.stringify(Object.entries(files))), files };
    }),
  );
}

let toolHash: Promise<CacheKeyInputs['tool']> | undefined;

/** tsdib's version and a hash of the code that runs hooks (dist/ or src/: build, elements, host; lib/). */
export function toolIdentity(): Promise<CacheKeyInputs['tool']> {
  toolHash ??= (async () => {
    const codeRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    const pkg = JSON.parse(await readFile(join(codeRoot, '..', 'package.json'), 'utf8').catch(() => '{}')) as { version?: string };
    const parts: string[] = [];
    // the runner's code, and the shell library hooks get as $_LIB (lib/ at the package root)
    for (const sub of ['build', 'elements', 'host', '../lib']) {
      const files = await hashElementFiles(join(codeRoot, sub)).catch(() => ({}));
      for (const [f, h] of Object.entries(files)) if (!f.endsWith('.map') && !f.endsWith('.d.ts')) parts.push(`${sub}/${f}:${h}`);
    }
    return { version: pkg.version ?? 'unknown', code: short(parts.join('\n')) };
  })();
  return toolHash;
}

export interface KeyInputsRequest {
  elements: readonly Pick<Element, 'name' | 'path'>[];
  /** The variables hooks see (volatile ones are dropped here). */
  env: Readonly<Record<string, string | undefined>>;
  /** `-p` packages. */
  packages: readonly string[];
  skipBase: boolean;
  clearEnv: boolean;
}

export async function cacheKeyInputs(req: KeyInputsRequest): Promise<CacheKeyInputs> {
  return {
    version: CACHE_KEY_VERSION,
    tool: await toolIdentity(),
    flags: { '-p': req.packages.join(','), '-n': String(req.skipBase), '-c': String(req.clearEnv) },
    elements: await hashElements(req.elements),
    env: await keyEnvironment(req.env),
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
  else if (was.tool.code !== now.tool.code) out.push('tsdib code changed (build, elements or host modules)');
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
