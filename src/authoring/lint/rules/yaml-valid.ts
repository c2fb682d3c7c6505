import { parseAllDocuments } from 'yaml';
import type { FileRule, RuleHit } from '../types.js';

export const yamlValidRule: FileRule = {
  id: 'yaml-valid',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: '`*.yaml` files parse as YAML',
  check(file) {
    if (!/\.ya?ml$/.test(file.rel) || file.text === undefined) return [];
    const hits: RuleHit[] = [];
    for (const doc of parseAllDocuments(file.text)) {
      for (const e of 'errors' in doc ? doc.errors : []) {
        const line = e.linePos?.[0].line;
        hits.push({ path: file.path, ...(line === undefined ? {} : { line }), message: `not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}` });
      }
    }
    return hits.slice(0, 1);
  },
};
