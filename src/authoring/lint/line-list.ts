/** "line 3" / "lines 3, 5, 9 and 4 more": the lines a per-file finding is about. */
export function lineList(lines: readonly number[], max = 5): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = lines.slice(0, max).join(', ');
  return lines.length > max ? `lines ${shown} and ${lines.length - max} more` : `lines ${shown}`;
}
