/**
 * The media types of a tsdib artifact (OCI image-spec 1.1: an image manifest with an artifactType,
 * an empty config and one layer per output file). Documented in docs/registry.md.
 */
import { OUTPUT_WRITERS } from '../output/writers.js';

/** The manifest's artifactType: a set of tsdib outputs of one build. */
export const ARTIFACT_TYPE = 'application/vnd.tsdib.image.v1';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI 1.1's empty descriptor: the config of an artifact that has none. */
export const EMPTY_CONFIG = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
} as const;
export const EMPTY_CONFIG_BYTES = Buffer.from('{}');

/**
 * A layer's media type names the output: `application/vnd.tsdib.disk.<type>` for disk formats
 * (qcow2, raw, vhd, vmdk, vdi…), `application/vnd.tsdib.tree.<type>` for tree formats (tar, tgz,
 * squashfs, aci).
 */
export function layerMediaType(type: string): string {
  const writer = OUTPUT_WRITERS[type];
  return `application/vnd.tsdib.${writer?.needs === 'tree' ? 'tree' : 'disk'}.${type}`;
}

/** The output type of a layer's media type, or undefined when it is not ours. */
export function typeOfMediaType(mediaType: string): string | undefined {
  const m = /^application\/vnd\.tsdib\.(?:disk|tree)\.([a-z0-9-]+)$/.exec(mediaType);
  return m?.[1];
}

/** The output type a file name stands for, from its extension (`.vhd` is `vhd`), or undefined. */
export function typeOfFile(file: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1];
  if (!ext) return undefined;
  const types = Object.entries(OUTPUT_WRITERS).filter(([, w]) => w.producesFile && w.extension === ext).map(([t]) => t);
  return types.includes(ext) ? ext : types[0];
}
