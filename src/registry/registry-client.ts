/**
 * HTTP to one repository of an OCI distribution registry (the distribution spec's /v2/ API), with
 * the user's credentials: on a 401 the challenge decides — Basic sends them as they are, Bearer
 * trades them (or nothing, for anonymous pulls) at the challenge's realm for a token scoped to
 * this repository. Idempotent requests are retried on network errors and 5xx answers.
 */
import { outputFailed } from '../errors.js';
import { log } from '../log.js';
import { parseChallenge, type Challenge } from './auth-challenge.js';
import { findCredentials, type Credentials } from './credentials.js';
import type { ImageReference } from './reference.js';

export type Access = 'pull' | 'push';

const RETRIES = 3;
const REQUEST_TIMEOUT_MS = 5 * 60_000;

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Status codes that are answers, not failures. */
  ok: readonly number[];
  /** What the request does, for messages ("upload chunk", "manifest"). */
  what: string;
  /** Retry on network errors and 5xx (default: for GET, HEAD and PUT). */
  retry?: boolean;
}

/** The text of a registry's JSON error body (`{"errors":[{"code","message"}]}`), or its first line. */
async function describeBody(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    if (j.errors?.length) return j.errors.map((e) => `${e.code ?? ''}${e.message ? ` ${e.message}` : ''}`.trim()).join('; ');
  } catch {
    // not JSON
  }
  return text.split('\n')[0]?.slice(0, 200) ?? '';
}

export class RegistryClient {
  private authorization: string | undefined;

  private constructor(
    readonly ref: ImageReference,
    private readonly credentials: Credentials | undefined,
    private readonly access: Access,
    private readonly abort: AbortSignal | undefined,
  ) {}

  /** `abort` (e.g. from withAbortOnSignal) stops every request of this client. */
  static async open(ref: ImageReference, access: Access, env: Readonly<Record<string, string | undefined>> = process.env, abort?: AbortSignal): Promise<RegistryClient> {
    const credentials = await findCredentials(ref, env);
    if (credentials) log.debug(`registry ${ref.registry}: credentials from ${credentials.source}`);
    return new RegistryClient(ref, credentials, access, abort);
  }

  private signal(ms: number): AbortSignal {
    return this.abort ? AbortSignal.any([this.abort, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
  }

  /** `/v2/<repository>/<path>` as an absolute URL. */
  url(path: string): string {
    return `${this.ref.baseUrl}/v2/${this.ref.repository}/${path}`;
  }

  /** A Location header made absolute. */
  absolute(location: string): string {
    return new URL(location, this.ref.baseUrl).toString();
  }

  fail(what: string, why: string, cause?: unknown): Error {
    return outputFailed(`registry ${this.ref.registry}, ${this.ref.repository}: ${what}: ${why}`, cause === undefined ? {} : { cause });
  }

  private async authenticate(challenge: Challenge | undefined, what: string): Promise<void> {
    if (!challenge) throw this.fail(what, '401 without a usable WWW-Authenticate challenge');
    const creds = this.credentials;
    if (challenge.scheme === 'basic') {
      if (!creds) throw this.fail(what, 'the registry asks for credentials (Basic) and none were found', undefined);
      this.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      return;
    }
    const realm = challenge.params['realm'];
    if (!realm) throw this.fail(what, 'Bearer challenge without a realm');
    const tokenUrl = new URL(realm);
    if (challenge.params['service']) tokenUrl.searchParams.set('service', challenge.params['service']);
    tokenUrl.searchParams.set('scope', `repository:${this.ref.repository}:${this.access === 'push' ? 'pull,push' : 'pull'}`);
    const headers: Record<string, string> = {};
    if (creds) headers['authorization'] = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const res = await fetch(tokenUrl, { headers, signal: this.signal(60_000) }).catch((e: unknown) => {
      throw this.fail(what, `token service ${tokenUrl.origin} did not answer: ${e instanceof Error ? e.message : String(e)}`, e);
    });
    if (!res.ok) throw this.fail(what, `token service ${tokenUrl.origin} answered ${res.status}${creds ? ` for the credentials from ${creds.source}` : ' (no credentials found)'}: ${await describeBody(res)}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw this.fail(what, `token service ${tokenUrl.origin} sent no token`);
    this.authorization = `Bearer ${token}`;
  }

  /** Sends a request; answers outside `ok` become OUTPUT_FAILED naming the request and the registry's words. */
  async request(url: string, opts: RequestOptions): Promise<Response> {
    const method = opts.method ?? 'GET';
    const retry = opts.retry ?? ['GET', 'HEAD', 'PUT'].includes(method);
    let authenticated = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...opts.headers };
      if (this.authorization) headers['authorization'] = this.authorization;
      let res: Response;
      try {
        res = await fetch(url, { method, headers, ...(opts.body ? { body: opts.body } : {}), redirect: 'follow', signal: this.signal(REQUEST_TIMEOUT_MS) });
      } catch (e) {
        if (this.abort?.aborted) throw this.fail(opts.what, String((this.abort.reason as Error | undefined)?.message ?? 'aborted'), e);
        if (retry && attempt < RETRIES) {
          await backoff(attempt);
          continue;
        }
        throw this.fail(opts.what, `${method} ${url.replace(/\?.*$/, '')} failed: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`, e);
      }
      if (res.status === 401 && !authenticated) {
        await res.body?.cancel();
        await this.authenticate(parseChallenge(res.headers.get('www-authenticate')), opts.what);
        authenticated = true;
        continue;
      }
      if (opts.ok.includes(res.status)) return res;
      if (res.status >= 500 && retry && attempt < RETRIES) {
        await res.body?.cancel();
        await backoff(attempt);
        continue;
      }
      const words = await describeBody(res);
      const who = res.status === 401 ? (this.credentials ? ` (credentials from ${this.credentials.source} refused)` : ' (no credentials found)') : '';
      throw this.fail(opts.what, `${method} answered ${res.status}${who}${words ? `: ${words}` : ''}`);
    }
  }
}

export function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
}
