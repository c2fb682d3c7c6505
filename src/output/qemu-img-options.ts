/**
 * `--qemu-img-options k=v,k2=v2` (DIB's QEMU_IMG_OPTIONS): parsed once, qemu's syntax (`,,` is a
 * literal comma; a bare `key` means `key=on`). Each writer lists the keys it understands and checks
 * their values; a key no requested writer understands is a FLAG_INVALID error naming it.
 */
import { flagInvalid } from '../errors.js';

export function parseQemuImgOptions(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text || text.trim() === '') return out;
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ',' && text[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const part = p.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? 'on' : part.slice(eq + 1).trim();
    if (key === '') throw flagInvalid({ flag: '--qemu-img-options', value: part, problem: 'no key', hint: 'use key=value pairs separated by commas' });
    if (out.has(key)) throw flagInvalid({ flag: '--qemu-img-options', value: key, problem: 'given twice' });
    out.set(key, value);
  }
  return out;
}

/** A value that must be one of `allowed`; throws FLAG_INVALID naming the key and the format. */
export function checkChoice(opts: ReadonlyMap<string, string>, key: string, allowed: readonly string[], format: string, why?: string): void {
  const v = opts.get(key);
  if (v === undefined || allowed.includes(v)) return;
  throw flagInvalid({ flag: '--qemu-img-options', value: `${key}=${v}`, problem: `not supported for ${format}; allowed: ${allowed.join(', ')}${why ? ` (${why})` : ''}` });
}

/** qemu's on/off spelling. */
export function onOff(value: string | undefined, key: string, format: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (['on', 'yes', 'true'].includes(value)) return true;
  if (['off', 'no', 'false'].includes(value)) return false;
  throw flagInvalid({ flag: '--qemu-img-options', value: `${key}=${value}`, expected: `on or off for ${format}` });
}

/** A size such as 65536, 64k, 2M (qemu suffixes, powers of 1024). */
export function parseQemuSize(value: string, key: string, format: string): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(value);
  if (!m) throw flagInvalid({ flag: '--qemu-img-options', value: `${key}=${value}`, expected: `a size such as 65536 or 64k for ${format}` });
  const mult = { '': 1, k: 1024, m: 1 << 20, g: 1 << 30 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}
