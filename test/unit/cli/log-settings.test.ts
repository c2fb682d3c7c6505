import { describe, expect, it } from 'vitest';
import { logSettings } from '../../../src/cli/log-settings.js';

const flags = (f: Partial<{ quiet: boolean; verbose: number; logfile: string }> = {}) => ({ quiet: false, verbose: 0, logfile: undefined, ...f });

describe('logSettings (DIB_QUIET and --logfile as DIB, -q and -v)', () => {
  it.each([
    ['nothing', flags(), {}, { quiet: false, level: 'info' }],
    ['DIB_QUIET=1', flags(), { DIB_QUIET: '1' }, { quiet: true, level: 'info' }],
    ['--logfile alone (implies DIB_QUIET=1)', flags({ logfile: '/tmp/x.log' }), {}, { quiet: true, level: 'info' }],
    ['--logfile with DIB_QUIET=0', flags({ logfile: '/tmp/x.log' }), { DIB_QUIET: '0' }, { quiet: false, level: 'info' }],
    ['-q', flags({ quiet: true }), { DIB_QUIET: '0' }, { quiet: true, level: 'info' }],
    ['-v over DIB_QUIET=1', flags({ verbose: 1 }), { DIB_QUIET: '1' }, { quiet: false, level: 'detail' }],
    ['-vv', flags({ verbose: 2 }), {}, { quiet: false, level: 'debug' }],
  ])('%s', (_name, f, env, expected) => {
    expect(logSettings(f, env)).toEqual(expected);
  });

  it('refuses -q with -v, and a DIB_QUIET that is neither 0 nor 1', () => {
    expect(() => logSettings(flags({ quiet: true, verbose: 1 }), {})).toThrow('-q: contradicts -v: give one of them');
    expect(() => logSettings(flags(), { DIB_QUIET: 'yes' })).toThrow(/DIB_QUIET=yes: expected 1 \(quiet\) or 0/);
  });
});
