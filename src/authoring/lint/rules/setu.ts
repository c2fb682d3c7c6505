import { setOptionRule } from './set-option-rule.js';

export const setuRule = setOptionRule('setu', 'u', 'set -u');
