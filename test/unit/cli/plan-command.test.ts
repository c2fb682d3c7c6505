// `tsdib plan` and `tsdib elements` as a user runs them (the compiled CLI), on a temporary tree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { makeTree, type Tree } from '../elements/fixture-tree.js';

let tree: Tree;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  tree = await makeTree({
    d: {
      'tsdib-test-os': {
        'element-provides': ['operating-system'],
        files: { 'root.d/10-root': 'x', 'README.md': { text: '# tsdib-test-os\n\nA test operating system.\n' } },
      },
      'tsdib-test-lonely': {},
      'tsdib-test-tool': { 'element-deps': ['tsdib-test-os'], files: { 'install.d/20-tool': 'x', 'install.d/30-off': { text: '', mode: 0o644 } } },
    },
  });
  env = { ELEMENTS_PATH: tree.dir('d'), DIB_BLOCK_DEVICE_CONFIG: undefined };
});
afterAll(() => tree.remove());

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('npm warn'));
}

describe('tsdib plan', () => {
  it('--json prints one object with all phases and exits 0', () => {
    const r = runCli(['plan', '--json', '-n', '-a', 'amd64', '-o', 'out/x', '-t', 'raw,tar', 'tsdib-test-tool'], { env });
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as Record<string, unknown> & { phases: Record<string, unknown[]>; elements: unknown[]; outputs: unknown[] };
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(['elements', 'phases', 'skipped', 'environment', 'blockDeviceConfig', 'outputs', 'warnings']));
    expect(plan.elements).toEqual([
      { name: 'tsdib-test-tool', path: tree.dir('d/tsdib-test-tool') },
      { name: 'tsdib-test-os', path: tree.dir('d/tsdib-test-os') },
    ]);
    expect(Object.keys(plan.phases)).toHaveLength(10);
    expect(plan.phases['install.d']).toEqual([{ element: 'tsdib-test-tool', script: '20-tool', path: tree.dir('d/tsdib-test-tool/install.d/20-tool'), inChroot: true }]);
    expect(plan['skipped']).toEqual([
      { element: 'tsdib-test-tool', phase: 'install.d', file: '30-off', path: tree.dir('d/tsdib-test-tool/install.d/30-off'), reason: 'not-executable' },
    ]);
    expect(plan['blockDeviceConfig']).toMatchObject({ kind: 'builtin' });
    expect(plan.outputs).toEqual([
      { type: 'raw', file: 'out/x.raw', checksums: [] },
      { type: 'tar', file: 'out/x.tar', checksums: [] },
    ]);
  });

  it('--json as a rootless build shows its keys: its own tree, assembled offline', () => {
    const keys = (args: string[], extra: Record<string, string> = {}) => {
      const r = runCli(['plan', '--json', '-a', 'amd64', '-t', 'raw', ...args, 'tsdib-test-tool'], { env: { ...env, ...extra } });
      expect(r.status, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout) as { planKey: string; phaseCache: { key?: string } };
      return { planKey: plan.planKey, tree: plan.phaseCache.key };
    };
    const root = keys([]);
    const rootless = keys([], { TSDIB_ROOTLESS_BUILD: '1' });
    expect(root.tree).toMatch(/^[0-9a-f]{32}$/);
    expect(rootless.tree).toMatch(/^[0-9a-f]{32}$/);
    expect(rootless.tree).not.toBe(root.tree);
    // the build inside the namespace always assembles offline, and its plan key says so
    expect(rootless.planKey).toBe(keys(['--offline-assembly']).planKey);
    expect(rootless.planKey).not.toBe(root.planKey);
  });

  it('prints readable sections without --json', () => {
    const r = runCli(['plan', '-n', '-a', 'amd64', 'tsdib-test-tool'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Elements (2, in resolution order):');
    expect(r.stdout).toMatch(/install\.d \(in chroot\):\n\s+20-tool\s+tsdib-test-tool/);
    expect(r.stdout).toContain('element tsdib-test-tool: install.d/30-off is skipped because it is not executable');
  });

  it('an unknown element exits 2 with "did you mean" in at most four lines', () => {
    const r = runCli(['plan', '-n', 'tsdib-test-tol'], { env });
    expect(r.status).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines[0]).toBe("error ELEMENT_NOT_FOUND: element 'tsdib-test-tol' not found");
    expect(lines).toContain("  hint: did you mean 'tsdib-test-tool'?");
    expect(lines.length).toBeLessThanOrEqual(4);
  });

  it('a missing operating system exits 2 with NO_OPERATING_SYSTEM', () => {
    const r = runCli(['plan', '-n', 'tsdib-test-lonely'], { env });
    expect(r.status).toBe(2);
    expect(errorLines(r.stderr)[0]).toBe("error NO_OPERATING_SYSTEM: no element provides 'operating-system' (requested: tsdib-test-lonely)");
  });

  it('asking for a provided name exits 2 with ELEMENTS_CONFLICT', () => {
    const r = runCli(['plan', '-n', 'tsdib-test-os', 'operating-system'], { env });
    expect(r.status).toBe(2);
    expect(errorLines(r.stderr)[0]).toBe("error ELEMENTS_CONFLICT: requested name 'operating-system' already provided by another element");
    expect(errorLines(r.stderr)).toContain("  'operating-system' is provided by 'tsdib-test-os'");
  });

  it('an ELEMENTS_PATH entry that is not a directory exits 2 with ELEMENTS_PATH_INVALID', () => {
    const r = runCli(['plan', '-n', 'tsdib-test-tool'], { env: { ELEMENTS_PATH: `${tree.dir('d')}:/no/such/dir` } });
    expect(r.status).toBe(2);
    expect(errorLines(r.stderr)[0]).toBe("error ELEMENTS_PATH_INVALID: ELEMENTS_PATH entry '/no/such/dir' does not exist");
  });

  it.each([
    [['plan', '-t', 'qcow3', 'tsdib-test-tool'], "error FLAG_INVALID: -t qcow3: unknown output type; allowed: aci, docker, parallels, qcow, qcow2, qed, raw, squashfs, tar, tgz, vdi, vhd, vhd-fixed, vhdx, vmdk"],
    [['plan'], 'error FLAG_INVALID: ELEMENTS: give at least one, e.g. `debian vm`'],
    [['plan', '--image-size', 'lots', 'tsdib-test-tool'], 'error FLAG_INVALID: --image-size lots: expected a number > 0 (GB, e.g. 2.5)'],
  ])('bad flags exit 2: %j', (args, first) => {
    const r = runCli(args, { env });
    expect(r.status).toBe(2);
    expect(errorLines(r.stderr)[0]).toBe(first);
  });
});

describe('tsdib elements', () => {
  it('lists ELEMENTS_PATH elements with the first line of their README', () => {
    const r = runCli(['elements', '--json'], { env });
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; path: string; summary?: string }>;
    expect(list.find((e) => e.name === 'tsdib-test-os')).toMatchObject({ path: tree.dir('d/tsdib-test-os'), summary: 'A test operating system.' });
    const text = runCli(['elements'], { env });
    expect(text.stdout).toMatch(/^tsdib-test-os\s+A test operating system\.$/m);
    expect(text.stdout).toMatch(/^tsdib-test-tool\s+\(no README\)$/m);
  });
});
