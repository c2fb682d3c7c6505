// Each lint rule on a bad and a good element: the bad one gets exactly the expected findings.
import { describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../../../src/authoring/lint/rules/index.js';
import type { ElementSpec } from '../../elements/fixture-tree.js';
import { brief, GOOD_HOOK, lintSpec } from './lint-fixture.js';

type Case = [rule: string, claim: string, elements: Record<string, ElementSpec>, expected: string[]];

const exec = (text: string) => ({ text, mode: 0o755 });
const plain = (text: string) => ({ text, mode: 0o644 });
const NO_E = '#!/bin/bash\n# DIB_DEBUG_TRACE\nset -u\nset -o pipefail\n';
const NO_U = '#!/bin/bash\n# DIB_DEBUG_TRACE\nset -e\nset -o pipefail\n';
const NO_PIPEFAIL = '#!/bin/bash\n# DIB_DEBUG_TRACE\nset -eu\n';

const CASES: Case[] = [
  ['executable', 'flags a #! file outside phase dirs without run bit', { a: { files: { 'bin/tool': plain(GOOD_HOOK) } } }, ['a/bin/tool:1 executable']],
  ['executable', 'accepts an executable #! file', { a: { files: { 'bin/tool': exec(GOOD_HOOK) } } }, []],
  ['executable', 'leaves phase-dir files to skipped-hook', { a: { files: { 'install.d/50-a': plain(GOOD_HOOK) } } }, []],
  ['executable', 'ignores files without #!', { a: { files: { 'static/etc/motd': plain('hello\n') } } }, []],
  ['bash-shebang', 'flags #!/usr/bin/env bash', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK.replace('/bin/bash', '/usr/bin/env bash')) } } }, ['a/install.d/50-a:1 bash-shebang']],
  ['bash-shebang', 'flags #!/bin/bash with options', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK.replace('/bin/bash', '/bin/bash -x')) } } }, ['a/install.d/50-a:1 bash-shebang']],
  ['bash-shebang', 'accepts #!/bin/bash and #!/bin/sh', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK), 'install.d/60-b': exec('#!/bin/sh\necho\n') } } }, []],
  ['sete', 'flags a bash script without set -e', { a: { files: { 'install.d/50-a': exec(NO_E) } } }, ['a/install.d/50-a:1 sete']],
  ['sete', 'flags set -e that is indented (not top level)', { a: { files: { 'install.d/50-a': exec(`${NO_E}f() {\n    set -e\n}\n`) } } }, ['a/install.d/50-a:1 sete']],
  ['sete', 'accepts set -eu -o pipefail on one line', { a: { files: { 'install.d/50-a': exec('#!/bin/bash\nset -eu -o pipefail\n') } } }, []],
  ['sete', 'accepts set -o errexit', { a: { files: { 'install.d/50-a': exec('#!/bin/bash\nset -o errexit\n') } } }, []],
  ['sete', 'does not check non-bash scripts', { a: { files: { 'install.d/50-a': exec('#!/bin/sh\necho\n') } } }, []],
  ['setu', 'flags a bash script without set -u', { a: { files: { 'install.d/50-a': exec(NO_U) } } }, ['a/install.d/50-a:1 setu']],
  ['setu', 'accepts set -eux', { a: { files: { 'install.d/50-a': exec('#!/bin/bash\nset -eux\n') } } }, []],
  ['setpipefail', 'flags a bash script without set -o pipefail', { a: { files: { 'install.d/50-a': exec(NO_PIPEFAIL) } } }, ['a/install.d/50-a:1 setpipefail']],
  ['setpipefail', 'accepts set -euo pipefail', { a: { files: { 'install.d/50-a': exec('#!/bin/bash\nset -euo pipefail\n') } } }, []],
  ['dibdebugtrace', 'flags a bash script that ignores DIB_DEBUG_TRACE', { a: { files: { 'install.d/50-a': exec('#!/bin/bash\nset -eu\nset -o pipefail\n') } } }, ['a/install.d/50-a:1 dibdebugtrace']],
  ['dibdebugtrace', 'accepts the DIB_DEBUG_TRACE test', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK) } } }, []],
  ['indent', 'flags 2-space indents once per file, at the first line', { a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}if true; then\n  echo\n  echo\nfi\n`) } } }, ['a/install.d/50-a:8 indent']],
  ['indent', 'accepts 4-space indents', { a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}if true; then\n    echo\nfi\n`) } } }, []],
  ['indent', 'does not check Python scripts', { a: { files: { 'install.d/50-a': exec('#!/usr/bin/python3\nif True:\n  print(1)\n') } } }, []],
  ['tabindent', 'flags a tab-indented script', { a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}if true; then\n\techo\nfi\n`) } } }, ['a/install.d/50-a:8 tabindent']],
  ['tabindent', 'flags a tab-indented README', { a: { files: { 'README.md': plain('# a\n\n\tcode\n') } } }, ['a/README.md:3 tabindent']],
  ['tabindent', 'ignores tabs in data files', { a: { files: { 'static/etc/fstab': plain('a\tb\n\tc\n') } } }, []],
  ['newline', 'flags a script without a final newline', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK.trimEnd()) } } }, ['a/install.d/50-a:6 newline']],
  ['newline', 'accepts a final newline', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK) } } }, []],
  ['source-repository-newline', 'flags a source-repository file without final newline', { a: { files: { 'source-repository-foo': plain('foo git /opt/foo https://x/foo') } } }, ['a/source-repository-foo:1 source-repository-newline']],
  ['source-repository-newline', 'accepts one with it', { a: { files: { 'source-repository-foo': plain('foo git /opt/foo https://x/foo\n') } } }, []],
  ['env-trace', 'flags set -x in environment.d', { a: { files: { 'environment.d/10-a': plain('set -x\nexport DIB_A=1\n') } } }, ['a/environment.d/10-a:1 env-trace']],
  ['env-trace', 'flags set -o xtrace in environment.d', { a: { files: { 'environment.d/10-a': plain('export DIB_A=1\nset -o xtrace\n') } } }, ['a/environment.d/10-a:2 env-trace']],
  ['env-trace', 'accepts a commented set -x', { a: { files: { 'environment.d/10-a': plain('# set -x\nexport DIB_A=1\n') } } }, []],
  ['env-executable', 'flags an executable environment file', { a: { files: { 'environment.d/10-a': exec('export DIB_A=1\n') } } }, ['a/environment.d/10-a env-executable']],
  ['env-executable', 'accepts a plain environment file', { a: { files: { 'environment.d/10-a': plain('export DIB_A=1\n') } } }, []],
  ['export-subst', 'flags export FOO=$(cmd)', { a: { files: { 'environment.d/10-a': plain('export DIB_A=$(uname -m)\n') } } }, ['a/environment.d/10-a:1 export-subst']],
  ['export-subst', 'accepts assign-then-export', { a: { files: { 'environment.d/10-a': plain('DIB_A=$(uname -m)\nexport DIB_A\n') } } }, []],
  ['safe_sudo', 'flags a host-side sudo that names no image path', { a: { files: { 'root.d/50-a': exec(`${GOOD_HOOK}sudo rm -rf /var/tmp/x\n`) } } }, ['a/root.d/50-a:7 safe_sudo']],
  ['safe_sudo', 'accepts sudo on $TARGET_ROOT, a marked line, and sudo in the chroot', {
    a: { files: { 'root.d/50-a': exec(`${GOOD_HOOK}sudo rm -rf "$TARGET_ROOT/x"\nsudo losetup -D # dib-lint: safe_sudo\n`), 'install.d/50-a': exec(`${GOOD_HOOK}sudo -u nobody true\n`) } },
  }, []],
  ['which', 'flags which used as a command', { a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}if which curl; then echo; fi\nX=$(which wget)\n`) } } }, ['a/install.d/50-a:7 which', 'a/install.d/50-a:8 which']],
  ['which', 'accepts command -v, comments and prose', { a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}command -v curl\n# which curl\necho "which one"\n`) } } }, []],
  ['yaml-valid', 'flags YAML that does not parse', { a: { files: { 'package-installs.yaml': plain('curl:\nfoo: bar: baz\nx: 1\n') } } }, ['a/package-installs.yaml:2 yaml-valid']],
  ['yaml-valid', 'accepts valid YAML and a comment-only file', { a: { files: { 'package-installs.yaml': plain('curl:\n'), 'block-device-default.yaml': plain('# nothing\n') } } }, []],
  ['pkg-map-json', 'flags a pkg-map that is not JSON', { a: { files: { 'pkg-map': plain('{ "family": ') } } }, ['a/pkg-map pkg-map-json']],
  ['element-structure', 'flags a phase that is a file', { a: { files: { 'install.d': plain('echo\n') } } }, ['a/install.d element-structure']],
  ['element-structure', 'flags an environment.d file with a bash syntax error', { a: { files: { 'environment.d/10-a': plain('export A=$(\n') } } }, ['a/environment.d/10-a:2 element-structure']],
  ['element-structure', 'flags a package-installs option DIB does not know', { a: { files: { 'package-installs.yaml': plain('curl:\n  phse: install.d\n') } } }, ['a/package-installs.yaml element-structure']],
  ['element-structure', 'flags a pkg-map whose family is not a map', { a: { files: { 'pkg-map': plain('{"family": "debian"}\n') } } }, ['a/pkg-map element-structure']],
  ['element-structure', 'accepts phase dirs, environment.d, package-installs and pkg-map in shape', { a: { files: { 'install.d/50-a': exec(GOOD_HOOK), 'environment.d/10-a': plain('export A=${A:-1}\n'), 'package-installs.yaml': plain('curl:\n  phase: install.d\n'), 'pkg-map': plain('{"family": {"debian": {"a": "b"}}}\n') } } }, []],
  ['pkg-map-json', 'accepts a JSON pkg-map', { a: { files: { 'pkg-map': plain('{"family": {"debian": {"a": "b"}}}\n') } } }, []],
  ['readme', 'flags an element without README', { 'no-readme': { files: { 'install.d/50-a': exec(GOOD_HOOK) } } }, ['no-readme readme']],
  ['readme', 'accepts README.rst', { a: { files: { 'README.rst': plain('a\n=\n\nText.\n') } } }, []],
  ['deps-sorted', 'flags unsorted element-deps at the first out-of-order line', { a: { 'element-deps': ['# deps', 'zeta', 'alpha'] } }, ['a/element-deps:3 deps-sorted']],
  ['deps-sorted', 'accepts sorted deps around comments', { a: { 'element-deps': ['# deps', 'alpha', '', 'zeta # last'] } }, []],
  ['deps-exist', 'flags a dependency no element answers to', { a: { 'element-deps': ['b', 'nosuch'] }, b: {} }, ['a/element-deps:2 deps-exist']],
  ['deps-exist', 'accepts linted, known and provided names', { a: { 'element-deps': ['b', 'base', 'virtual'] }, b: { 'element-provides': ['virtual'] } }, []],
  ['skipped-hook', 'flags a hook with a dot in its name', { a: { files: { 'install.d/50-a.sh': exec(GOOD_HOOK) } } }, ['a/install.d/50-a.sh skipped-hook']],
  ['skipped-hook', 'flags a hook without run bit', { a: { files: { 'install.d/50-a': plain(GOOD_HOOK) } } }, ['a/install.d/50-a skipped-hook']],
  ['skipped-hook', 'flags a dangling symlink', { a: { files: { 'install.d/50-a': { symlink: 'nowhere' } } } }, ['a/install.d/50-a skipped-hook']],
  ['skipped-hook', 'flags an environment file with a space in its name', { a: { files: { 'environment.d/10 a': plain('export DIB_A=1\n') } } }, ['a/environment.d/10 a skipped-hook']],
  ['skipped-hook', 'accepts data files a hook uses and dotted environment files', {
    a: { files: { 'install.d/50-a': exec(`${GOOD_HOOK}install -m 0644 "$(dirname "$0")/a.service" /etc/systemd/system/\n`), 'install.d/a.service': plain('[Unit]\n'), 'environment.d/10-a.bash': plain('export DIB_A=1\n') } },
  }, []],
  ['duplicate-hook', 'flags the same hook name in two elements', { a: { files: { 'install.d/50-x': exec(GOOD_HOOK) } }, b: { files: { 'install.d/50-x': exec(GOOD_HOOK) } } }, ['b/install.d/50-x duplicate-hook']],
  ['duplicate-hook', 'accepts it in alternatives that provide the same name', {
    a: { 'element-provides': ['operating-system'], files: { 'environment.d/10-os': plain('export DIB_A=1\n') } },
    b: { 'element-provides': ['operating-system'], files: { 'environment.d/10-os': plain('export DIB_B=1\n') } },
  }, []],
];

describe('lint rules', () => {
  it('every rule has bad and good cases here', () => {
    const covered = new Set(CASES.filter((c) => c[3].length > 0).map((c) => c[0]));
    const clean = new Set(CASES.filter((c) => c[3].length === 0).map((c) => c[0]));
    for (const r of LINT_RULES) {
      expect(covered.has(r.id), `${r.id} has a bad case`).toBe(true);
      expect(clean.has(r.id), `${r.id} has a good case`).toBe(true);
    }
  });

  it.each(CASES)('%s %s', async (id, _claim, elements, expected) => {
    const rule = LINT_RULES.find((r) => r.id === id)!;
    const { report, root } = await lintSpec(elements, { rules: [rule], knownElements: ['base'] });
    expect(brief(report, root)).toEqual(expected);
    for (const f of report.findings) expect(f.severity).toBe(rule.severity);
  });
});
