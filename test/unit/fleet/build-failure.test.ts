import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildFailure, crashLine } from '../../../src/fleet/build-failure.js';

/** What this Node prints for an uncaught exception: source line, caret, error, stack, then `Node.js vX`. */
function nodeCrash(script: string): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: r.stderr };
}

describe('buildFailure', () => {
  it("reports the build's own error event as it is", () => {
    const event = { code: 'HOOK_FAILED', message: 'element fault, install.d/50-fault (in chroot) exited 1 after 0.1 s', exitCode: 1 };
    expect(buildFailure(1, event, 'Node.js v20.20.2\n')).toEqual(event);
  });

  it('reports a crash (exit 1, no error event) as BUILD_CRASHED with the exception line, not `Node.js v20…`', () => {
    const crash = nodeCrash('const job = {}; job.image.name;');
    expect(crash.status).toBe(1);
    expect(crash.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Node\.js v\d/);
    expect(buildFailure(crash.status, undefined, crash.stderr)).toEqual({
      code: 'BUILD_CRASHED',
      message: "tsdib exited 1 without an error event: TypeError: Cannot read properties of undefined (reading 'name')",
      exitCode: 1,
    });
  });

  it('takes the error line of an error with a Node code and extra fields printed after the stack', () => {
    const crash = nodeCrash("const e = new Error('no such element'); e.code = 'ERR_X'; e.path = '/x'; throw e;");
    expect(crashLine(crash.stderr)).toBe('Error: no such element');
    const withCode = 'node:internal/modules/esm/resolve:1\n  throw new ERR_MODULE_NOT_FOUND(x);\n  ^\n\nError [ERR_MODULE_NOT_FOUND]: Cannot find module \'/x/y.js\'\n    at f (node:internal:1:1) {\n  code: \'ERR_MODULE_NOT_FOUND\'\n}\n\nNode.js v20.20.2\n';
    expect(crashLine(withCode)).toBe("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/y.js'");
  });

  it("takes a thrown non-Error's text, without Node's --trace-uncaught hint", () => {
    const crash = nodeCrash("throw 'the disk went away';");
    expect(crashLine(crash.stderr)).toContain('the disk went away');
  });

  it('prefers the last error line over later output, and falls back to the last line when none looks like an error', () => {
    expect(crashLine('info: step one\nRangeError: Invalid array length\n    at x (y:1:1)\n{ size: 3 }\n\nNode.js v20.1.0\n')).toBe('RangeError: Invalid array length');
    expect(crashLine('info: step one\nsomething odd happened\n')).toBe('something odd happened');
  });

  it('says so when the crash printed nothing', () => {
    expect(buildFailure(1, undefined, '')).toEqual({ code: 'BUILD_CRASHED', message: 'tsdib exited 1 without an error event and printed nothing on stderr', exitCode: 1 });
  });
});
