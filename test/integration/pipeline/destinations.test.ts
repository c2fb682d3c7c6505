// One build of a tiny OS with both destinations: `-t qcow2 --push REF --write-to nbd://…` against a
// real registry and an nbdkit memory export on 127.0.0.1. The manifest's qcow2 layer is the file
// (digest = its sha256, blob = its bytes), `tsdib pull` gets it back, and qemu-img finds the export
// identical to the qcow2. An export too small for an explicit --image-size is refused (exit 2)
// before the build starts.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild, tail, type BuildRun } from '../../e2e/helpers/build.js';
import { runCli } from '../../helpers/cli.js';
import { hasLoop, skipUnless } from '../../helpers/resources.js';
import { freePort, missingTools, startService, type Service } from '../../helpers/services.js';
import { qemuImg } from '../output/qemu-oracle.js';
import { startRegistry, type RegistryFixture } from '../registry/registry-fixture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'elements');
const skip = skipUnless(hasLoop, 'build with --push and --write-to', 'needs root and loop devices') || missingTools('build with --push and --write-to', ['docker-registry', 'nbdkit', 'qemu-img']);
const NO_CREDS = { HOME: '/nonexistent', XDG_RUNTIME_DIR: '', REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe.skipIf(skip)('tsdib -t qcow2 --push REF --write-to nbd://', () => {
  let dir: string;
  let registry: RegistryFixture;
  let nbd: Service;
  let nbdUri: string;
  let build: BuildRun;
  let ref: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-int-destinations-'));
    registry = await startRegistry(join(dir, 'registry'));
    const port = await freePort();
    nbd = await startService('nbdkit', ['--foreground', '--exit-with-parent', '-i', '127.0.0.1', '-p', String(port), 'memory', '1G'], { port });
    nbdUri = `nbd://127.0.0.1:${port}`;
    ref = `${registry.host}/tsdib/debian:test`;
    build = await runBuild(['-n', 'tiny-os', '-t', 'qcow2', '--push', ref, '--write-to', nbdUri, '-o', join(dir, 'tiny')], {
      env: { ELEMENTS_PATH: FIXTURES, ...NO_CREDS },
      timeoutMs: 5 * 60_000,
    });
    process.stdout.write(`tiny-os with --push and --write-to built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 10 * 60_000);

  afterAll(async () => {
    await nbd?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0, runs the write to NBD and push steps, and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(build.output).toMatch(/^write to NBD\s+\d+\.\d$/m);
    expect(build.output).toMatch(/^push\s+\d+\.\d$/m);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('leaves a manifest whose qcow2 layer digest is the file\'s sha256 and whose blob is the file', async () => {
    expect(build.status, tail(build.output)).toBe(0);
    const qcow2 = join(dir, 'tiny.qcow2');
    const res = await fetch(`http://${registry.host}/v2/tsdib/debian/manifests/test`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const m = (await res.json()) as { artifactType: string; layers: Array<{ mediaType: string; digest: string }>; annotations: Record<string, string> };
    expect(m.artifactType).toBe('application/vnd.tsdib.image.v1');
    expect(m.layers.map((l) => l.mediaType)).toEqual(['application/vnd.tsdib.disk.qcow2']);
    expect(m.layers[0]?.digest).toBe(`sha256:${sha256(qcow2)}`);
    expect(m.annotations['dev.tsdib.elements']).toBe('tiny-os');
    const blob = Buffer.from(await (await fetch(`http://${registry.host}/v2/tsdib/debian/blobs/${m.layers[0]?.digest}`)).arrayBuffer());
    expect(blob.equals(readFileSync(qcow2))).toBe(true);
    const pulled = join(dir, 'pulled', 'tiny.qcow2');
    const r = runCli(['pull', ref, '-o', pulled], { env: NO_CREDS });
    expect(r.status, r.stderr).toBe(0);
    expect(sha256(pulled)).toBe(sha256(qcow2));
  });

  it('wrote the disk into the nbdkit export: qemu-img compare finds it identical to the qcow2', () => {
    expect(build.status, tail(build.output)).toBe(0);
    const cmp = qemuImg(['compare', '-f', 'qcow2', '-F', 'raw', join(dir, 'tiny.qcow2'), nbdUri]);
    expect(cmp.out).toContain('Images are identical');
    expect(cmp.status).toBe(0);
  });

  it('refuses an export smaller than --image-size before the build starts (exit 2, no workspace, no output)', async () => {
    const port = await freePort();
    const small = await startService('nbdkit', ['--foreground', '--exit-with-parent', '-i', '127.0.0.1', '-p', String(port), 'memory', '64M'], { port });
    try {
      const r = runCli(['-n', 'tiny-os', '-t', 'qcow2', '--image-size', '1', '--write-to', `nbd://127.0.0.1:${port}`, '-o', join(dir, 'refused', 'tiny')], { env: { ELEMENTS_PATH: FIXTURES } });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error FLAG_INVALID: --write-to nbd://127.0.0.1:${port}: the export is ${64 << 20} bytes, smaller than the ${2 ** 30}-byte disk`);
      expect(r.stderr).not.toMatch(/tsdib_build\./);
      expect(existsSync(join(dir, 'refused'))).toBe(false);
    } finally {
      await small.stop();
    }
  });
});
