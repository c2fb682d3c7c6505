/**
 * `local_loop`: a sparse raw image file `<directory>/<name>.raw` attached to a loop device — the
 * disk everything else sits on. No base, no edges.
 */
import type { SchemaObject } from 'ajv';
import type { BlockDevicePlugin } from '../plugin.js';
import { makeNode } from '../plugin.js';
import { parseAbsSize, SizeSpecError } from '../size.js';
import type { ConfigProblem } from '../types.js';

const SECTOR_SIZES = [512, 4096];

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; the image file is <directory>/<name>.raw' },
    size: { type: ['string', 'integer'], description: 'Image size, e.g. "4GiB" (DIB units); default: the build\'s image size' },
    directory: { type: 'string', minLength: 1, description: 'Directory of the image file; default: the build\'s image directory' },
    block_size: { type: ['integer', 'string'], description: 'Logical sector size of the loop device: 512 (default) or 4096; DIB_BLOCK_SIZE overrides it' },
  },
};

export const localLoopPlugin: BlockDevicePlugin = {
  kind: 'local_loop',
  description: 'a sparse raw image file attached to a loop device',
  schema,
  nodes(entry) {
    return [makeNode(entry, { name: entry.name, kind: 'local_loop', base: [], config: entry.config, configPath: entry.configPath })];
  },
  edges() {
    return [];
  },
  check(entry) {
    const problems: ConfigProblem[] = [];
    const size = entry.config['size'];
    if (size !== undefined) {
      try {
        if (parseAbsSize(size as string | number) <= 0) problems.push({ path: `${entry.configPath}.size`, message: `size ${JSON.stringify(size)} must be more than 0 bytes` });
      } catch (e) {
        if (!(e instanceof SizeSpecError)) throw e;
        problems.push({ path: `${entry.configPath}.size`, message: e.message });
      }
    }
    const bs = entry.config['block_size'];
    if (bs !== undefined && !SECTOR_SIZES.includes(Number(bs))) {
      problems.push({ path: `${entry.configPath}.block_size`, message: `block_size ${JSON.stringify(bs)} is not supported; use 512 or 4096` });
    }
    return problems;
  },
};

/** The size a local_loop node asks for, in bytes; undefined when it names none or it is malformed. */
export function localLoopSize(config: Record<string, unknown>): number | undefined {
  const size = config['size'];
  if (typeof size !== 'string' && typeof size !== 'number') return undefined;
  try {
    return parseAbsSize(size);
  } catch {
    return undefined;
  }
}
