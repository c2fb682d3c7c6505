import { describe, expect, it } from 'vitest';
import { jobEnvironment } from '../../../src/fleet/fleet-plan.js';

describe('jobEnvironment', () => {
  it("drops the machine's DIB_* variables: they shape the image, so only the fleet file gives them", () => {
    const env = jobEnvironment({ env: { DIB_RELEASE: 'bookworm', FLEET_X: '1' } }, { DIB_RELEASE: 'trixie', DIB_QUIET: '1', DIB_DEV_USER_USERNAME: 'me', PATH: '/usr/bin' });
    expect(env).toEqual({ DIB_RELEASE: 'bookworm', FLEET_X: '1', PATH: '/usr/bin' });
  });

  it("keeps the machine's never-keyed DIB_IMAGE_CACHE and DIB_DEBUG_TRACE, and any other variable", () => {
    const env = jobEnvironment({ env: {} }, { DIB_IMAGE_CACHE: '/var/cache/tsdib', DIB_DEBUG_TRACE: '1', http_proxy: 'http://p:3128' });
    expect(env).toEqual({ DIB_IMAGE_CACHE: '/var/cache/tsdib', DIB_DEBUG_TRACE: '1', http_proxy: 'http://p:3128' });
  });

  it("lets the job's variables win over the machine's", () => {
    expect(jobEnvironment({ env: { DIB_IMAGE_CACHE: '/job', http_proxy: '' } }, { DIB_IMAGE_CACHE: '/machine', http_proxy: 'x' })).toEqual({ DIB_IMAGE_CACHE: '/job', http_proxy: '' });
  });
});
