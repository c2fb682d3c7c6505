import { describe, expect, it } from 'vitest';
import { isTsdibError, type TsdibError } from '../../../src/errors.js';
import { parseFleet } from '../../../src/fleet/load-fleet.js';

function problems(text: string): string[] {
  try {
    parseFleet(text, 'fleet.yaml');
  } catch (e) {
    if (!isTsdibError(e)) throw e;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.exitCode).toBe(2);
    return [e, ...(e.context.also ?? [])].map((x: TsdibError) => x.message);
  }
  throw new Error('no error');
}

describe('fleet file', () => {
  it("reads the issue's form: one image, one job, qcow2 by default", () => {
    const fleet = parseFleet('registry: 127.0.0.1:5000/fleet\nimages:\n  - name: debian-dev\n    elements: [debian, vm, devuser]\n    env: { DIB_DEV_USER_USERNAME: dev }\n', 'fleet.yaml');
    expect(fleet.registry).toBe('127.0.0.1:5000/fleet');
    expect(fleet.jobs).toEqual([{ name: 'debian-dev', elements: ['debian', 'vm', 'devuser'], env: { DIB_DEV_USER_USERNAME: 'dev' }, formats: ['qcow2'], base: true, axes: {} }]);
  });

  it('expands matrix axes into one job per combination, ${AXIS} filled in name, elements and env', () => {
    const fleet = parseFleet(
      `registry: r.example:5000/f
env: { DIB_RELEASE_NOTE: x }
images:
  - name: "\${distro}-\${set}"
    elements: ["\${distro}", vm, "\${set}"]
    env: { WHICH: "\${distro}" }
    formats: [raw, tar]
    matrix: { distro: [debian, ubuntu], set: [devuser, cloud-init] }
`,
      'fleet.yaml',
    );
    expect(fleet.jobs.map((j) => j.name)).toEqual(['debian-devuser', 'debian-cloud-init', 'ubuntu-devuser', 'ubuntu-cloud-init']);
    expect(fleet.jobs[2]).toMatchObject({ elements: ['ubuntu', 'vm', 'devuser'], env: { DIB_RELEASE_NOTE: 'x', WHICH: 'ubuntu' }, formats: ['raw', 'tar'] });
  });

  it('names jobs after their axis values when the name has no ${AXIS}', () => {
    const fleet = parseFleet('registry: r:5000/f\nimages:\n  - name: img\n    elements: ["\${d}"]\n    matrix: { d: [debian, ubuntu] }\n', 'f.yaml');
    expect(fleet.jobs.map((j) => j.name)).toEqual(['img-debian', 'img-ubuntu']);
  });

  it.each([
    ['no registry', 'images:\n  - name: a\n    elements: [x]\n', 'fleet.yaml (top): must have required property \'registry\''],
    ['an unknown field', 'registry: r:5000/f\nimages:\n  - name: a\n    elements: [x]\n    format: [qcow2]\n', 'fleet.yaml images[0]: must NOT have additional properties "format"'],
    ['elements not a list', 'registry: r:5000/f\nimages:\n  - name: a\n    elements: x\n', 'fleet.yaml images[0].elements: must be array'],
    ['an unknown output type', 'registry: r:5000/f\nimages:\n  - name: a\n    elements: [x]\n    formats: [qcow3]\n', 'fleet.yaml images[0].formats[0]: unknown output type "qcow3"'],
    ['an axis that does not exist', 'registry: r:5000/f\nimages:\n  - name: a\n    elements: ["\${nope}"]\n', 'fleet.yaml images[0].elements[0]: ${nope} names no matrix axis'],
    ['two jobs with one name', 'registry: r:5000/f\nimages:\n  - name: a\n    elements: [x]\n  - name: a\n    elements: [y]\n', 'fleet.yaml: two jobs are named "a"'],
    ['a registry that is no reference', 'registry: "not a registry!"\nimages:\n  - name: a\n    elements: [x]\n', 'fleet.yaml registry: "not a registry!" is not HOST[:PORT]/PATH'],
  ])('refuses %s, naming the file and the field', (_what, text, message) => {
    expect(problems(text)).toContain(message);
  });

  it('reports every problem at once', () => {
    expect(problems('registry: r:5000/f\nimages:\n  - name: a\n    elements: [x]\n    formats: [qcow3, vhdx2]\n')).toHaveLength(2);
  });
});
