// DIB's test_elementdeps cases, on the same tree (test/fixtures/elements/dib-elementdeps.json),
// through resolveElements with -n (no base) and no built-in elements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsdibError } from '../../../src/errors.js';
import { resolveElements } from '../../../src/elements/resolve.js';
import { loadFixture, makeTree, NO_BUILTINS, type Tree } from './fixture-tree.js';

let tree: Tree;
let elementsPath: string;

beforeAll(async () => {
  const fixture = await loadFixture('dib-elementdeps.json');
  tree = await makeTree(fixture.dirs);
  elementsPath = fixture.searchPath.map((d) => tree.dir(d)).join(':');
});
afterAll(() => tree.remove());

async function expand(names: string[]) {
  return resolveElements({ names, elementsPath, skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS });
}

async function names(requested: string[]): Promise<string[]> {
  return (await expand(requested)).elements.map((e) => e.name);
}

async function failure(requested: string[]): Promise<TsdibError> {
  const e = await expand(requested).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TsdibError);
  return e as TsdibError;
}

describe('dependency expansion (DIB test_elementdeps cases)', () => {
  it.each([
    ['non_transitive', ['requires-foo'], ['requires-foo', 'foo']],
    ['transitive', ['requires-requires-foo'], ['requires-requires-foo', 'requires-foo', 'foo']],
    ['no_deps', ['foo'], ['foo']],
    ['self', ['self', 'foo'], ['self', 'foo']],
    ['circular', ['circular1'], ['circular1', 'circular2']],
    ['provide', ['provides_virtual', 'requires_virtual'], ['provides_virtual', 'requires_virtual']],
    ['provide_virtual_ordering', ['requires_new_virtual', 'provides_new_virtual'], ['requires_new_virtual', 'provides_new_virtual']],
  ])('%s: %j expands to %j, in first-reached order', async (_case, requested, expected) => {
    expect(await names(requested)).toEqual(expected);
  });

  it('element_override: the earlier ELEMENTS_PATH entry wins and the override is reported', async () => {
    const r = await expand(['override_element', 'foo']);
    const override = r.elements.find((e) => e.name === 'override_element')!;
    expect(override.path).toBe(tree.dir('override_dir/override_element'));
    expect(r.warnings).toEqual([`element override_element: ${tree.dir('override_dir/override_element')} overrides ${tree.dir('element_dir/override_element')}`]);
  });

  it('missing_deps: an unknown element is ELEMENT_NOT_FOUND, exit 2', async () => {
    const e = await failure(['fake']);
    expect(e.code).toBe('ELEMENT_NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("element 'fake' not found");
    expect(e.context.element).toBe('fake');
  });

  it('a misspelt element gets "did you mean"', async () => {
    const e = await failure(['requires-fooo']);
    expect(e.context.hint).toBe("did you mean 'requires-foo'?");
  });

  it('a missing dependency names the element that lists it', async () => {
    const t = await makeTree({ d: { os: { 'element-provides': ['operating-system'], 'element-deps': ['nope'] } } });
    const e = await resolveElements({ names: ['os'], elementsPath: t.dir('d'), skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS }).catch((x: TsdibError) => x);
    await t.remove();
    expect((e as TsdibError).message).toBe("element 'nope' not found (listed in element-deps of 'os')");
    expect((e as TsdibError).context.elements).toEqual(['os', 'nope']);
  });

  it('invalid_element_dir: an ELEMENTS_PATH entry that is not a directory is ELEMENTS_PATH_INVALID', async () => {
    const e = await resolveElements({ names: ['foo'], elementsPath: `${tree.dir('element_dir')}:/not/a/dir`, skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS }).catch(
      (x: TsdibError) => x,
    );
    expect((e as TsdibError).code).toBe('ELEMENTS_PATH_INVALID');
    expect((e as TsdibError).exitCode).toBe(2);
    expect((e as TsdibError).message).toContain("'/not/a/dir'");
  });

  it('provide_conflict: asking for a name another element provides is ELEMENTS_CONFLICT', async () => {
    const e = await failure(['virtual', 'provides_virtual']);
    expect(e.code).toBe('ELEMENTS_CONFLICT');
    expect(e.message).toContain("'virtual'");
    expect(e.context.details).toEqual(["'virtual' is provided by 'provides_virtual'"]);
  });

  it('elements_provide_same: two providers of one name is ELEMENTS_CONFLICT naming both', async () => {
    const e = await failure(['provides_virtual', 'also_provides_virtual']);
    expect(e.code).toBe('ELEMENTS_CONFLICT');
    expect(e.message).toBe("elements 'provides_virtual' and 'also_provides_virtual' both provide 'virtual'");
    expect(e.context.elements).toEqual(['provides_virtual', 'also_provides_virtual']);
  });

  it('no_os: without an operating-system provider it is NO_OPERATING_SYSTEM', async () => {
    const e = await failure(['provides_virtual']);
    expect(e.code).toBe('NO_OPERATING_SYSTEM');
    expect(e.exitCode).toBe(2);
  });

  it('duplicated_os_passed_as_element: asking for operating-system itself is ELEMENTS_CONFLICT', async () => {
    const e = await failure(['circular1', 'operating-system']);
    expect(e.code).toBe('ELEMENTS_CONFLICT');
    expect(e.context.details).toEqual(["'operating-system' is provided by 'circular1'"]);
  });

  it('a name given twice is expanded once (DIB would report the OS as provided twice)', async () => {
    expect(await names(['foo', 'foo'])).toEqual(['foo']);
  });
});

describe('expansion quirks kept from DIB', () => {
  it('a virtual name expanded before its provider is dropped but keeps the deps it brought', async () => {
    const t = await makeTree({
      d: {
        os: { 'element-provides': ['operating-system'] },
        x: { 'element-deps': ['v'] },
        v: { 'element-deps': ['vdep'] },
        vdep: {},
        mid: { 'element-deps': ['prov'] },
        prov: { 'element-provides': ['v'] },
      },
    });
    const r = await resolveElements({ names: ['os', 'x', 'mid'], elementsPath: t.dir('d'), skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS });
    await t.remove();
    expect(r.elements.map((e) => e.name)).toEqual(['os', 'x', 'mid', 'prov', 'vdep']);
    expect(r.providedBy).toEqual({ 'operating-system': 'os', v: 'prov' });
  });
});
