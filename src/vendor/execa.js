// execa, re-exported so the build can put it and its ~30 packages into one file (scripts/build.mjs):
// loading that one file takes ~28 ms here instead of ~100 ms for the package's ~150 ES modules,
// which every tsdib process pays before its first host command. Under vitest this file is used as is.
export { execa } from 'execa';
