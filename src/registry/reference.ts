/**
 * An image reference, as docker and podman write it: `[HOST[:PORT]/]NAME[:TAG][@DIGEST]`. The first
 * component is a registry host when it has a dot or a port or is `localhost`; otherwise the
 * reference is Docker Hub's (`docker.io`, one-word names under `library/`). Plain HTTP is used only
 * for loopback registries (127.0.0.0/8, localhost, ::1); every other registry is HTTPS.
 */
import { isIP } from 'node:net';
import { flagInvalid } from '../errors.js';

export interface ImageReference {
  /** The registry as written (`127.0.0.1:5000`, `docker.io`). Credentials are looked up under it. */
  registry: string;
  /** Repository path, e.g. `tsdib/debian`. */
  repository: string;
  /** Tag; `latest` when neither tag nor digest is given. */
  tag?: string;
  /** `sha256:…` when the reference pins a manifest digest. */
  digest?: string;
  /** `http://127.0.0.1:5000` or `https://…` (Docker Hub: registry-1.docker.io). */
  baseUrl: string;
  /** As the user wrote it, for messages. */
  text: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether `host` (without port) is a loopback address or name. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function hostOf(registry: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(registry);
  return m?.[1] ?? registry;
}

/** Parses a reference; `flag` names the argument in errors (e.g. `--push`). */
export function parseReference(text: string, flag: string): ImageReference {
  const bad = (problem: string) => flagInvalid({ flag, value: text, problem, hint: 'write HOST[:PORT]/NAME[:TAG], e.g. 127.0.0.1:5000/tsdib/debian:test' });
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`"${digest}" is not a sha256 digest`);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const isHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let registry = isHost ? first : 'docker.io';
  let path = isHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!REPOSITORY.test(path)) throw bad(`"${path}" is not a valid repository name (lower-case letters, digits, separators . _ - and /)`);
  if (!tag && !digest) tag = 'latest';
  const host = hostOf(registry);
  const baseUrl = registry === 'docker.io' ? 'https://registry-1.docker.io' : `${isLoopback(host) ? 'http' : 'https'}://${registry}`;
  return { registry, repository: path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), baseUrl, text };
}

/** The manifest reference to GET or PUT: the digest when pinned, else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? (ref.tag as string);
}
