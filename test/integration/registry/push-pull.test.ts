// Push and pull against a real registry (Debian's docker-registry) on 127.0.0.1: the manifest is an
// OCI 1.1 artifact whose layer digest is the file's sha256 and whose blob is the file; large blobs
// go up in chunks and resume after a cut connection; credentials come from docker's and podman's
// files, through Basic and Bearer (token service) challenges; a pull verifies what it gets.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { qcow2Writer } from '../../../src/output/qcow2.js';
import { artifactAnnotations } from '../../../src/registry/annotations.js';
import { fetchManifest, pullArtifact } from '../../../src/registry/pull.js';
import { pushArtifact } from '../../../src/registry/push.js';
import { parseReference } from '../../../src/registry/reference.js';
import { runCli } from '../../helpers/cli.js';
import { missingTools } from '../../helpers/services.js';
import { makeSmallImage } from '../output/disk-fixtures.js';
import { startCuttingProxy } from './cutting-proxy.js';
import { blobDataPath, startRegistry, type RegistryFixture } from './registry-fixture.js';

const skip = missingTools('registry push/pull tests', ['docker-registry', 'htpasswd', 'openssl']);
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const NO_CREDS = { HOME: '/nonexistent', XDG_RUNTIME_DIR: undefined, REGISTRY_AUTH_FILE: undefined, DOCKER_CONFIG: undefined, XDG_CONFIG_HOME: undefined };

describe.skipIf(skip)('OCI push and pull', () => {
  let dir: string;
  let qcow2: string;
  let raw: string;
  let registry: RegistryFixture;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-registry-'));
    const image = join(dir, 'small.raw');
    makeSmallImage(image);
    qcow2 = join(dir, 'disk.qcow2');
    raw = join(dir, 'disk.raw');
    await qcow2Writer.write({ rawImage: image }, qcow2, { compress: true, qemuImgOptions: new Map() });
    rmSync(image);
    // a small raw disk (4 MiB; the fixture's 200 MiB would only make the uploads slow)
    const small = Buffer.alloc(4 << 20);
    for (let i = 0; i < small.length; i += 4096) small.write(`sector ${i}`, i);
    writeFileSync(raw, small);
    registry = await startRegistry(join(dir, 'plain'));
    stops.push(() => registry.stop());
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pushes an OCI 1.1 artifact in chunks: layer digest = sha256 of the file, blob = the file; pulls it back', async () => {
    const ref = parseReference(`${registry.host}/tsdib/debian:test`, 'test');
    const annotations = artifactAnnotations({ elements: ['debian', 'vm'], elementSet: ['base', 'debian', 'vm'], sourceDateEpoch: 1_700_000_000 });
    const r = await pushArtifact(ref, [{ path: qcow2, type: 'qcow2' }], annotations, { chunkSize: 1 << 20, env: NO_CREDS });
    expect(statSync(qcow2).size).toBeGreaterThan(3 << 20); // several chunks
    const res = await fetch(`http://${registry.host}/v2/tsdib/debian/manifests/test`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(r.digest);
    expect(res.headers.get('docker-content-digest')).toBe(r.digest);
    const m = JSON.parse(bytes.toString()) as { artifactType: string; mediaType: string; config: { mediaType: string }; layers: Array<{ mediaType: string; digest: string; size: number; annotations: Record<string, string> }>; annotations: Record<string, string> };
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.artifactType).toBe('application/vnd.tsdib.image.v1');
    expect(m.config.mediaType).toBe('application/vnd.oci.empty.v1+json');
    expect(m.layers).toEqual([{ mediaType: 'application/vnd.tsdib.disk.qcow2', digest: `sha256:${sha256(qcow2)}`, size: statSync(qcow2).size, annotations: { 'org.opencontainers.image.title': 'disk.qcow2', 'dev.tsdib.output-type': 'qcow2' } }]);
    expect(m.annotations).toMatchObject({ 'org.opencontainers.image.created': '2023-11-14T22:13:20Z', 'dev.tsdib.elements': 'debian vm', 'dev.tsdib.element-set': 'base debian vm' });
    expect(m.annotations['dev.tsdib.version']).toMatch(/^\d+\.\d+\.\d+/);
    const blob = Buffer.from(await (await fetch(`http://${registry.host}/v2/tsdib/debian/blobs/sha256:${sha256(qcow2)}`)).arrayBuffer());
    expect(blob.equals(readFileSync(qcow2))).toBe(true);

    const out = join(dir, 'pulled', 'disk.qcow2');
    mkdirSync(join(dir, 'pulled'));
    const pulled = await pullArtifact(parseReference(`${registry.host}/tsdib/debian@${r.digest}`, 'test'), out, { env: NO_CREDS });
    expect(pulled.manifestDigest).toBe(r.digest);
    expect(readFileSync(out).equals(readFileSync(qcow2))).toBe(true);
    // the same blobs again: nothing is uploaded, the manifest digest is the same
    const again = await pushArtifact(ref, [{ path: qcow2, type: 'qcow2' }], annotations, { chunkSize: 1 << 20, env: NO_CREDS });
    expect(again).toMatchObject({ digest: r.digest, uploaded: 0 });
  });

  it('several outputs under one ref; pull picks the layer by the -o extension or --type; fetchManifest says what exists', async () => {
    const ref = parseReference(`${registry.host}/tsdib/multi:v1`, 'test');
    const r = await pushArtifact(ref, [{ path: qcow2, type: 'qcow2' }, { path: raw, type: 'raw' }], artifactAnnotations({ planKey: 'k123' }), { env: NO_CREDS });
    expect(r.manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.tsdib.disk.qcow2', 'application/vnd.tsdib.disk.raw']);
    expect(r.manifest.annotations['dev.tsdib.plan-key']).toBe('k123');
    const fetched = await fetchManifest(ref, NO_CREDS);
    expect(fetched?.digest).toBe(r.digest);
    expect(await fetchManifest(parseReference(`${registry.host}/tsdib/multi:nope`, 'test'), NO_CREDS)).toBeUndefined();
    const out = join(dir, 'multi.raw');
    await pullArtifact(ref, out, { env: NO_CREDS });
    expect(sha256(out)).toBe(sha256(raw));
    const typed = join(dir, 'multi-typed.img');
    await pullArtifact(ref, typed, { type: 'qcow2', env: NO_CREDS });
    expect(sha256(typed)).toBe(sha256(qcow2));
    const ambiguous = await pullArtifact(ref, join(dir, 'x.img'), { env: NO_CREDS }).catch((e: unknown) => e);
    expect(isTsdibError(ambiguous) && ambiguous.code).toBe('FLAG_INVALID');
  });

  it.each([
    ['as the third PATCH starts: resumes where the registry says the upload stands', { beforePatch: 3 }, { resumes: 1, restarts: 0 }],
    ['in the middle of a PATCH body: the registry drops the upload, which starts again', { bytes: 2.5 * (1 << 20) }, { resumes: 0, restarts: 1 }],
  ] as const)('a connection cut %s', async (_what, cut, expected) => {
    const [host, port] = registry.host.split(':') as [string, string];
    const proxy = await startCuttingProxy({ host, port: Number(port) }, cut);
    stops.push(() => proxy.close());
    const ref = parseReference(`${proxy.host}/tsdib/resumed-${expected.resumes}:1`, 'test');
    const r = await pushArtifact(ref, [{ path: qcow2, type: 'qcow2' }], {}, { chunkSize: 1 << 20, env: NO_CREDS });
    expect(proxy.cuts()).toBe(1);
    expect(r).toMatchObject({ uploaded: 1, ...expected });
    const data = blobDataPath(registry.storage, `sha256:${sha256(qcow2)}`);
    expect(readFileSync(data).equals(readFileSync(qcow2))).toBe(true);
  });

  it('refuses a blob whose bytes do not match its digest, and leaves no file', async () => {
    const ref = parseReference(`${registry.host}/tsdib/tampered:1`, 'test');
    await pushArtifact(ref, [{ path: raw, type: 'raw' }], {}, { env: NO_CREDS });
    const data = blobDataPath(registry.storage, `sha256:${sha256(raw)}`);
    const bytes = readFileSync(data);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(data, bytes);
    const out = join(dir, 'tampered.raw');
    const e = await pullArtifact(ref, out, { env: NO_CREDS }).catch((x: unknown) => x);
    expect(isTsdibError(e) && e.message).toContain('the manifest says');
    expect(existsSync(out)).toBe(false);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(data, bytes);
  });

  it('Basic auth (htpasswd): credentials from ~/.docker/config.json; podman\'s auth.json wins; none → a clear 401', async () => {
    const basic = await startRegistry(join(dir, 'basic'), { kind: 'basic', user: 'ci', password: 's3cret' });
    stops.push(() => basic.stop());
    const home = join(dir, 'home-basic');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from('ci:s3cret').toString('base64') } } }));
    const env = { ...NO_CREDS, HOME: home };
    const ref = parseReference(`${basic.host}/tsdib/private:1`, 'test');
    const r = await pushArtifact(ref, [{ path: raw, type: 'raw' }], {}, { env });
    expect((await fetchManifest(ref, env))?.digest).toBe(r.digest);
    const none = await fetchManifest(ref, NO_CREDS).catch((e: unknown) => e);
    expect(isTsdibError(none) && none.message).toContain('none were found');
    const runtime = join(dir, 'runtime');
    mkdirSync(join(runtime, 'containers'), { recursive: true });
    writeFileSync(join(runtime, 'containers', 'auth.json'), JSON.stringify({ auths: { [`${basic.host}/tsdib`]: { auth: Buffer.from('ci:wrong').toString('base64') } } }));
    const wrong = await fetchManifest(ref, { ...env, XDG_RUNTIME_DIR: runtime }).catch((e: unknown) => e);
    expect(isTsdibError(wrong) && wrong.message).toContain(`credentials from ${join(runtime, 'containers', 'auth.json')} refused`);
  });

  it('Bearer tokens: trades the credentials (REGISTRY_AUTH_FILE) at the realm for a scoped token; push and pull', async () => {
    const bearer = await startRegistry(join(dir, 'bearer'), { kind: 'bearer', user: 'robot', password: 'tok3n' });
    stops.push(() => bearer.stop());
    const authFile = join(dir, 'bearer-auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { [bearer.host]: { auth: Buffer.from('robot:tok3n').toString('base64') } } }));
    const env = { ...NO_CREDS, REGISTRY_AUTH_FILE: authFile };
    const ref = parseReference(`${bearer.host}/tsdib/tokened:1`, 'test');
    const r = await pushArtifact(ref, [{ path: qcow2, type: 'qcow2' }], {}, { chunkSize: 2 << 20, env });
    const out = join(dir, 'tokened.qcow2');
    await pullArtifact(ref, out, { env });
    expect(sha256(out)).toBe(sha256(qcow2));
    expect(bearer.tokenRequests?.()).toBeGreaterThanOrEqual(2);
    expect(r.digest).toMatch(/^sha256:/);
    const anonymous = await fetchManifest(ref, NO_CREDS).catch((e: unknown) => e);
    expect(isTsdibError(anonymous) && anonymous.message).toContain('token service');
  });

  it('tsdib push / pull on the command line: the digest on stdout, bad input exits 2 before any traffic', () => {
    const ref = `${registry.host}/tsdib/cli:1`;
    const pushed = runCli(['push', raw, ref], { env: NO_CREDS });
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toMatch(new RegExp(`^${registry.host}/tsdib/cli@sha256:[0-9a-f]{64}$`));
    const out = join(dir, 'cli', 'pulled.raw');
    const pulled = runCli(['pull', ref, '-o', out], { env: NO_CREDS });
    expect(pulled.status, pulled.stderr).toBe(0);
    expect(sha256(out)).toBe(sha256(raw));
    for (const [args, fragment] of [
      [['push', join(dir, 'missing.qcow2'), ref], 'no such file'],
      [['push', raw, 'Bad/Ref'], 'not a valid repository name'],
      [['push', join(dir, 'cli'), ref], 'not a regular file'],
    ] as const) {
      const r = runCli([...args], { env: NO_CREDS });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(fragment);
    }
  });
});
