// A real OCI registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1 for the tests:
// anonymous, htpasswd (Basic) or token (Bearer, with a token service in this process signing RS256
// JWTs with a throwaway certificate made by openssl).
import { execFileSync } from 'node:child_process';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort, startService, type Service } from '../../helpers/services.js';

export interface RegistryFixture {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Where the registry keeps its blobs (filesystem driver). */
  storage: string;
  service: Service;
  stop(): Promise<void>;
}

export type RegistryAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; user: string; password: string };

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A token service for `realm`: checks Basic credentials, signs a JWT granting what the scope asks. */
async function tokenService(dir: string, user: string, password: string): Promise<{ realm: string; cert: string; server: Server; requests: () => number }> {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=tsdib-test-token'], { stdio: 'ignore' });
  const der = Buffer.from(readFileSync(cert, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const pem = readFileSync(key, 'utf8');
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const scope = /^repository:([^:]+):(.+)$/.exec(url.searchParams.get('scope') ?? '');
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [der.toString('base64')] };
    const claims = {
      iss: 'tsdib-test-issuer', sub: user, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(),
      access: scope ? [{ type: 'repository', name: scope[1], actions: (scope[2] ?? '').split(',') }] : [],
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(pem);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${input}.${b64url(signature)}` }));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { realm: `http://127.0.0.1:${port}/token`, cert, server, requests: () => count };
}

export async function startRegistry(dir: string, auth: RegistryAuth = { kind: 'none' }): Promise<RegistryFixture & { tokenRequests?: () => number }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const storage = join(dir, 'storage');
  let authYaml = '';
  let token: Awaited<ReturnType<typeof tokenService>> | undefined;
  if (auth.kind === 'basic') {
    const htpasswd = join(dir, 'htpasswd');
    execFileSync('htpasswd', ['-B', '-b', '-c', htpasswd, auth.user, auth.password], { stdio: 'ignore' });
    authYaml = `auth:\n  htpasswd:\n    realm: tsdib-test\n    path: ${htpasswd}\n`;
  } else if (auth.kind === 'bearer') {
    token = await tokenService(dir, auth.user, auth.password);
    authYaml = `auth:\n  token:\n    realm: ${token.realm}\n    service: tsdib-test\n    issuer: tsdib-test-issuer\n    rootcertbundle: ${token.cert}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log:\n  level: warn\n  accesslog:\n    disabled: true',
    `storage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true`,
    `http:\n  addr: 127.0.0.1:${port}\n  secret: tsdib-test-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`,
    authYaml,
  ].join('\n'));
  const service = await startService('docker-registry', ['serve', config], { port });
  return {
    host: `127.0.0.1:${port}`,
    storage,
    service,
    ...(token ? { tokenRequests: token.requests } : {}),
    async stop() {
      await service.stop();
      if (token) await new Promise((r) => token?.server.close(r));
    },
  };
}

/** The registry's stored bytes of a blob (filesystem driver layout). */
export function blobDataPath(storage: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}
