/**
 * The schema of `fleet.yaml` (docs/fleet.md): a destination registry, optional fleet-wide
 * environment, and images, each of which may carry matrix axes that expand it into several jobs.
 */
export const FLEET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['registry', 'images'],
  properties: {
    registry: { type: 'string', minLength: 1, description: 'HOST[:PORT]/PATH every image is pushed under: REGISTRY/NAME:PLAN-KEY' },
    env: { $ref: '#/definitions/env', description: 'variables every job gets (an image\'s env wins)' },
    images: {
      type: 'array',
      minItems: 1,
      description: 'the images; each expands to one job, or one per combination of its matrix values',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'elements'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'repository name below the registry; ${AXIS} is replaced by the matrix value' },
          elements: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'elements as given to tsdib; ${AXIS} allowed' },
          env: { $ref: '#/definitions/env', description: 'variables of this image\'s jobs; ${AXIS} allowed in values' },
          base: { type: 'boolean', description: "add the 'base' element (default true; false is tsdib -n)" },
          formats: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'output types (-t); default [qcow2]' },
          matrix: {
            type: 'object',
            description: 'axis name → values; one job per combination, in the order given',
            propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
            additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
  },
  definitions: {
    env: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

export interface FleetImage {
  name: string;
  elements: string[];
  env?: Record<string, string | number | boolean>;
  base?: boolean;
  formats?: string[];
  matrix?: Record<string, string[]>;
}

export interface FleetFile {
  registry: string;
  env?: Record<string, string | number | boolean>;
  images: FleetImage[];
}
