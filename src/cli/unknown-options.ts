/**
 * yargs' "Unknown arguments: bogus-flag, bogusFlag" names one unknown `--bogus-flag` twice (as
 * typed and camel-cased): name each once, as typed, with its dashes.
 */
export function unknownOptionsMessage(msg: string): string {
  const m = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (!m) return msg;
  const names = m[1]!.split(', ');
  const typed = names.filter((n) => !(n !== kebab(n) && names.includes(kebab(n))));
  const shown = typed.map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  return `unknown option${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
