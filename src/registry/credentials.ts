/**
 * The user's container registry credentials, read where podman and docker keep them, first match
 * wins: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json,
 * $DOCKER_CONFIG/config.json (default ~/.docker/config.json). In each file `auths` is looked up by
 * the most specific key (`host/namespace/repo` … `host`, also `https://host` and docker's
 * `https://index.docker.io/v1/` for Docker Hub); `credHelpers`/`credsStore` run
 * `docker-credential-HELPER get` (through the exec layer). Nothing is cached on disk.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { envInvalid } from '../errors.js';
import { run } from '../host/exec.js';
import type { ImageReference } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
  /** Which file (or helper) they came from, for messages. */
  source: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The files searched, in order, for an environment. */
export function credentialFiles(env: Readonly<Record<string, string | undefined>>): string[] {
  const home = env['HOME'] || homedir();
  const files: string[] = [];
  if (env['REGISTRY_AUTH_FILE']) files.push(env['REGISTRY_AUTH_FILE']);
  if (env['XDG_RUNTIME_DIR']) files.push(join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json'));
  files.push(join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'containers', 'auth.json'));
  files.push(join(env['DOCKER_CONFIG'] || join(home, '.docker'), 'config.json'));
  return files;
}

/** Keys to try for a reference, most specific first. */
export function authKeys(ref: ImageReference): string[] {
  const parts = ref.repository.split('/');
  const scoped: string[] = [];
  for (let n = parts.length; n >= 1; n--) scoped.push(`${ref.registry}/${parts.slice(0, n).join('/')}`);
  const hub = ref.registry === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io'] : [];
  return [...scoped, ref.registry, `https://${ref.registry}`, `http://${ref.registry}`, `https://${ref.registry}/v1/`, `https://${ref.registry}/v2/`, ...hub];
}

async function readAuthFile(file: string): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as AuthFile;
  } catch (e) {
    throw envInvalid({ variable: file, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})`, file, hint: 'fix or remove the credentials file' });
  }
}

function decodeAuth(file: string, key: string, entry: NonNullable<AuthFile['auths']>[string]): Credentials | undefined {
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) throw envInvalid({ variable: file, problem: `auths["${key}"].auth is not base64 of USER:PASSWORD`, file });
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1), source: file };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, source: file };
  return undefined;
}

async function fromHelper(helper: string, registry: string): Promise<Credentials | undefined> {
  const out = await run(`docker-credential-${helper}`, ['get'], { input: registry, step: 'registry credentials', hint: `docker-credential-${helper} is named in your docker config` }).catch(() => undefined);
  if (!out) return undefined;
  const j = JSON.parse(out) as { Username?: string; Secret?: string };
  if (!j.Secret) return undefined;
  return { username: j.Username ?? '', password: j.Secret, source: `docker-credential-${helper}` };
}

/** The credentials for `ref`, or undefined (then requests go anonymous). */
export async function findCredentials(ref: ImageReference, env: Readonly<Record<string, string | undefined>> = process.env): Promise<Credentials | undefined> {
  const keys = authKeys(ref);
  for (const file of credentialFiles(env)) {
    const config = await readAuthFile(file);
    if (!config) continue;
    const helper = config.credHelpers?.[ref.registry];
    if (helper) {
      const c = await fromHelper(helper, ref.registry);
      if (c) return c;
    }
    for (const key of keys) {
      const entry = config.auths?.[key];
      if (!entry) continue;
      const c = decodeAuth(file, key, entry);
      if (c) return c;
    }
    if (config.credsStore && config.auths && keys.some((k) => k in (config.auths ?? {}))) {
      const c = await fromHelper(config.credsStore, ref.registry);
      if (c) return c;
    }
  }
  return undefined;
}
