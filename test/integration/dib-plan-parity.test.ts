// `tsdib plan --json` against DIB itself: for real DIB element lists, the expanded element set,
// every phase's ordered hooks and the environment.d order must be what DIB computes. DIB's side
// is computed at test time with DIB's own Python resolver and the real `LANG=C sort -n`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasCommand, skipUnless } from '../helpers/resources.js';

const DIB_ELEMENTS = '/usr/lib/python3/dist-packages/diskimage_builder/elements';
const PHASES = ['root.d', 'extra-data.d', 'pre-install.d', 'install.d', 'post-install.d', 'post-root.d', 'block-device.d', 'pre-finalise.d', 'finalise.d', 'cleanup.d'];

// DIB's answer: arg_to_elements (vm default + base) in bash, element_dependencies in Python,
// dib-run-parts' filters (file, executable, name regex) and `LANG=C sort -n` for the order.
const DIB_SCRIPT = String.raw`
import json, os, re, subprocess, sys
from diskimage_builder import element_dependencies as ed
arch, names = sys.argv[1], sys.argv[2:]
if 'vm' in names and not any(n.startswith('block-device-') for n in names):
    names.append('block-device-efi' if arch in ('arm64', 'aarch64') else 'block-device-mbr')
names = ['base'] + names
elements = ed.get_elements(names)
def sort_n(items):
    out = subprocess.run(['sort', '-n'], input=''.join(i + '\n' for i in items), capture_output=True,
                         text=True, check=True, env=dict(os.environ, LC_ALL='C', LANG='C')).stdout
    return [l for l in out.split('\n') if l]
def listing(sub, regex, need_exec):
    owner = {}
    for name, path in elements:
        d = os.path.join(path, sub)
        if not os.path.isdir(d):
            continue
        for f in os.listdir(d):
            p = os.path.join(d, f)
            if os.path.isfile(p) and (not need_exec or os.access(p, os.X_OK)) and re.search(regex, f):
                owner[f] = p
    return [[f, owner[f]] for f in sort_n(list(owner))]
print(json.dumps({
    'elements': sorted([name, path] for name, path in elements),
    'phases': {ph: listing(ph, r'^[0-9A-Za-z_-]+$', True) for ph in ${JSON.stringify(PHASES)}},
    'environment': listing('environment.d', r'^[0-9A-Za-z_.-]+$', False),
}))
`;

interface DibAnswer {
  elements: Array<[string, string]>;
  phases: Record<string, Array<[string, string]>>;
  environment: Array<[string, string]>;
}

function dibAnswer(arch: string, names: string[]): DibAnswer {
  const out = execFileSync(DIB_PYTHON!, ['-c', DIB_SCRIPT, arch, ...names], {
    encoding: 'utf8',
    env: { ...process.env, ELEMENTS_PATH: DIB_ELEMENTS },
  });
  return JSON.parse(out) as DibAnswer;
}

const CASES = [
  'debian-minimal vm block-device-mbr',
  'ubuntu-minimal vm block-device-efi',
  'centos vm block-device-gpt',
  'fedora-minimal vm block-device-mbr',
  'debian vm cloud-init-datasources devuser growroot block-device-mbr',
];

// DIB's Debian package lives in the system Python, which may not be the first python3 on PATH.
const DIB_PYTHON = ['/usr/bin/python3', 'python3'].find((py) => {
  try {
    execFileSync(py, ['-c', 'import diskimage_builder.element_dependencies'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const haveDib = existsSync(DIB_ELEMENTS) && DIB_PYTHON !== undefined && hasCommand('sort');
const skip = skipUnless(haveDib, 'DIB plan parity', `DIB is not installed (${DIB_ELEMENTS})`);

describe.skipIf(skip)('tsdib plan matches DIB 3.13', () => {
  it.each(CASES)('expands "%s" and orders its hooks as DIB does', (list) => {
    const arch = 'amd64';
    const names = list.split(' ');
    const dib = dibAnswer(arch, names);
    const r = runCli(['plan', '--json', '-a', arch, ...names], { env: { ELEMENTS_PATH: DIB_ELEMENTS, DIB_BLOCK_DEVICE_CONFIG: undefined } });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      elements: Array<{ name: string; path: string }>;
      phases: Record<string, Array<{ script: string; path: string }>>;
      environment: Array<{ file: string; path: string }>;
    };
    expect(plan.elements.map((e) => [e.name, e.path]).sort()).toEqual(dib.elements);
    expect(dib.elements.length).toBeGreaterThan(5);
    expect(Object.keys(plan.phases)).toEqual(PHASES);
    for (const phase of PHASES) {
      expect({ phase, hooks: plan.phases[phase]!.map((h) => [h.script, h.path]) }).toEqual({ phase, hooks: dib.phases[phase] });
    }
    expect(plan.environment.map((f) => [f.file, f.path])).toEqual(dib.environment);
  });

  it('finds every element through ELEMENTS_PATH even when built-ins share its names', () => {
    const r = runCli(['plan', '--json', '-a', 'amd64', 'debian-minimal', 'vm'], { env: { ELEMENTS_PATH: DIB_ELEMENTS } });
    const plan = JSON.parse(r.stdout) as { elements: Array<{ path: string }> };
    for (const e of plan.elements) expect(e.path.startsWith(`${DIB_ELEMENTS}/`)).toBe(true);
  });
});
