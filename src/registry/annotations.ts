/**
 * The manifest annotations of a pushed artifact, composed in this one place. Keys:
 * - `org.opencontainers.image.created`: SOURCE_DATE_EPOCH when set (then a rebuild pushes the same
 *   manifest digest), else now;
 * - `dev.tsdib.version`: the tsdib that built it;
 * - `dev.tsdib.elements`: the elements as asked for (`debian vm`), `dev.tsdib.element-set`: the
 *   expanded set in build order, both space-separated;
 * - `dev.tsdib.plan-key`: the plan key (build/plan-key.ts) of a build's `--push`; fleets look
 *   artifacts up by it.
 * Each layer carries `org.opencontainers.image.title` (its file name, which `tsdib pull` uses) and
 * `dev.tsdib.output-type`.
 */
import { createRequire } from 'node:module';

export interface ArtifactFacts {
  /** Elements as typed. */
  elements?: readonly string[];
  /** The expanded element set, in build order. */
  elementSet?: readonly string[];
  /** The plan key (build/plan-key.ts). */
  planKey?: string;
  /** SOURCE_DATE_EPOCH, seconds. */
  sourceDateEpoch?: number;
}

export const ANNOTATION = {
  created: 'org.opencontainers.image.created',
  title: 'org.opencontainers.image.title',
  version: 'dev.tsdib.version',
  elements: 'dev.tsdib.elements',
  elementSet: 'dev.tsdib.element-set',
  planKey: 'dev.tsdib.plan-key',
  outputType: 'dev.tsdib.output-type',
} as const;

export function tsdibVersion(): string {
  // src/registry and dist/registry are both two levels below the package root
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

export function artifactAnnotations(facts: ArtifactFacts, now: Date = new Date()): Record<string, string> {
  const created = facts.sourceDateEpoch === undefined ? now : new Date(facts.sourceDateEpoch * 1000);
  return {
    [ANNOTATION.created]: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [ANNOTATION.version]: tsdibVersion(),
    ...(facts.elements?.length ? { [ANNOTATION.elements]: facts.elements.join(' ') } : {}),
    ...(facts.elementSet?.length ? { [ANNOTATION.elementSet]: facts.elementSet.join(' ') } : {}),
    ...(facts.planKey ? { [ANNOTATION.planKey]: facts.planKey } : {}),
  };
}
