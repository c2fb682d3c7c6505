/**
 * The files a build writes, named as DIB names them: `<name>.<type>`, except squashfs, which DIB
 * writes as `<name>.squash`, and docker, which is imported into docker as `--docker-target`
 * rather than written. `--checksum` adds `<file>.md5` and `<file>.sha256`. Unlike DIB, `-t tar,tgz`
 * keeps both files (DIB's tgz step removes the tar).
 */
import type { BuildOptions, OutputType } from '../pipeline/options.js';
import { OUTPUT_WRITERS } from '../output/writers.js';

export interface PlanOutput {
  type: OutputType;
  /** The file written, relative to the working directory unless -o was absolute. */
  file?: string;
  /** For docker: the REPO:TAG imported. */
  dockerTarget?: string;
  /** Checksum files written beside `file`. */
  checksums: string[];
}

export function planOutputs(opts: Pick<BuildOptions, 'imageName' | 'types' | 'checksum' | 'dockerTarget'>): PlanOutput[] {
  return opts.types.map((type) => {
    const writer = OUTPUT_WRITERS[type];
    const ext = writer?.producesFile ? writer.extension : undefined;
    if (ext === undefined) return { type, dockerTarget: opts.dockerTarget ?? opts.imageName, checksums: [] };
    const file = `${opts.imageName}.${ext}`;
    return { type, file, checksums: opts.checksum ? [`${file}.md5`, `${file}.sha256`] : [] };
  });
}
