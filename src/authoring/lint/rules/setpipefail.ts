import { setOptionRule } from './set-option-rule.js';

export const setpipefailRule = setOptionRule('setpipefail', 'pipefail', 'set -o pipefail');
