import { isDocOrData, shebang } from '../shell-text.js';
import type { FileRule } from '../types.js';

export const bashShebangRule: FileRule = {
  id: 'bash-shebang',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'bash scripts start with exactly `#!/bin/bash` (not `/usr/bin/env bash`, no options)',
  check(file) {
    const line = shebang(file);
    if (isDocOrData(file) || line === undefined || !/^#!.*bash/.test(line) || line === '#!/bin/bash') return [];
    return [{ path: file.path, line: 1, message: `${JSON.stringify(line)}: use exactly #!/bin/bash for bash scripts` }];
  },
};
