import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { parseChallenge } from '../../../src/registry/auth-challenge.js';
import { authKeys, credentialFiles, findCredentials } from '../../../src/registry/credentials.js';
import { parseReference } from '../../../src/registry/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (s: string) => Buffer.from(s).toString('base64');

function authFile(name: string, content: unknown): string {
  const f = join(dir, name);
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

describe('registry credentials', () => {
  it("searches podman's files before docker's", () => {
    expect(credentialFiles({ HOME: '/h', XDG_RUNTIME_DIR: '/run/user/0', REGISTRY_AUTH_FILE: '/a.json' })).toEqual([
      '/a.json', '/run/user/0/containers/auth.json', '/h/.config/containers/auth.json', '/h/.docker/config.json',
    ]);
    expect(credentialFiles({ HOME: '/h', DOCKER_CONFIG: '/d' })).toEqual(['/h/.config/containers/auth.json', '/d/config.json']);
  });

  it('tries the most specific key first, then the host in its spellings', () => {
    expect(authKeys(parseReference('r.example:5000/a/b/c:1', 't')).slice(0, 5)).toEqual([
      'r.example:5000/a/b/c', 'r.example:5000/a/b', 'r.example:5000/a', 'r.example:5000', 'https://r.example:5000',
    ]);
    expect(authKeys(parseReference('me/img', 't'))).toContain('https://index.docker.io/v1/');
  });

  it('reads auth (base64 USER:PASSWORD) from the first file that has the registry, namespace keys first', async () => {
    const home = join(dir, 'home');
    authFile('home/.docker/config.json', { auths: { 'https://r.example': { auth: b64('docker:pw') } } });
    authFile('home/.config/containers/auth.json', { auths: { 'r.example/team': { auth: b64('podman:pw2') } } });
    const env = { HOME: home };
    expect(await findCredentials(parseReference('r.example/team/img', 't'), env)).toEqual({ username: 'podman', password: 'pw2', source: join(home, '.config/containers/auth.json') });
    expect(await findCredentials(parseReference('r.example/other/img', 't'), env)).toEqual({ username: 'docker', password: 'pw', source: join(home, '.docker/config.json') });
    expect(await findCredentials(parseReference('s.example/img', 't'), env)).toBeUndefined();
  });

  it('refuses a credentials file that is not JSON, naming it (ENV_INVALID)', async () => {
    const f = authFile('broken.json', '{ nope');
    const e = await findCredentials(parseReference('r.example/img', 't'), { HOME: '/nonexistent', REGISTRY_AUTH_FILE: f }).catch((x: unknown) => x);
    expect(isTsdibError(e) && e.code).toBe('ENV_INVALID');
    expect(isTsdibError(e) && e.message).toContain(f);
  });
});

describe('WWW-Authenticate challenges', () => {
  it('reads Bearer and Basic challenges with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="tsdib-test"')).toEqual({ scheme: 'basic', params: { realm: 'tsdib-test' } });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});
