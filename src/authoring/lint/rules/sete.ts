import { setOptionRule } from './set-option-rule.js';

export const seteRule = setOptionRule('sete', 'e', 'set -e');
