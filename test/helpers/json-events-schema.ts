// The --json-events schema (docs/json-events.schema.json), compiled with ajv, for tests that check
// real events against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { REPO_ROOT } from './cli.js';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'json-events.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

/** The lines of an events file that break the schema, each with ajv's complaint (empty: all valid). */
export function invalidEventLines(text: string): string[] {
  const bad: string[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      bad.push(`not JSON: ${line}`);
      continue;
    }
    if (!validate(event)) bad.push(`${line}: ${JSON.stringify(validate.errors)}`);
  }
  return bad;
}

export function readEvents(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
