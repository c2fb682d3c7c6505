/**
 * `-t tar`: a tar of the ROOT TREE (not of the disk), written by GNU tar (tree-tar.ts has the flags).
 * Unlike DIB, asking for tgz as well keeps this file.
 */
import { outputFailed } from '../errors.js';
import { run } from '../host/exec.js';
import { treeTarArgs } from './tree-tar.js';
import type { WholeWriter } from './writer.js';

export const tarWriter: WholeWriter = {
  format: 'tar',
  extension: 'tar',
  writtenBy: 'GNU tar',
  needs: 'tree',
  streaming: false,
  producesFile: true,
  hostCommands: ['tar'],
  optionKeys: [],
  checkOptions() {},
  async write(input, dest, opts) {
    if (!input.rootTree) throw outputFailed('tar output needs the root tree, and none was given');
    await run('tar', treeTarArgs(input.rootTree, dest, opts.sourceDateEpoch), { step: 'tar' });
  },
};
