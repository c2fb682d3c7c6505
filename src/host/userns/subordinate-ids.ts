/**
 * Subordinate user and group ids (/etc/subuid, /etc/subgid: `owner:start:count` lines, the owner a
 * login name or a numeric uid). newuidmap/newgidmap map such a range into a user namespace, so a
 * tree built there can own files as many different users (root, _apt, messagebus…) while the host
 * sees only ids from the range.
 */
import { readFile } from 'node:fs/promises';

export interface IdRange {
  start: number;
  count: number;
}

/** The fewest ids a build needs: Debian trees use ids up to 65534 (nobody). */
export const MIN_SUBORDINATE_IDS = 65536;

export const SUBUID_FILE = '/etc/subuid';
export const SUBGID_FILE = '/etc/subgid';

/** The ranges of `user` in subuid/subgid-format text, in file order (malformed lines are skipped). */
export function subordinateRanges(text: string, user: { name: string; id: number }): IdRange[] {
  const ranges: IdRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([^:#\s]+):(\d+):(\d+)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] !== user.name && m[1] !== String(user.id)) continue;
    const range = { start: Number(m[2]), count: Number(m[3]) };
    if (range.count > 0) ranges.push(range);
  }
  return ranges;
}

/** The first range with at least MIN_SUBORDINATE_IDS ids, or undefined (file missing, no or too small a range). */
export async function usableRange(file: string, user: { name: string; id: number }): Promise<IdRange | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return subordinateRanges(text, user).find((r) => r.count >= MIN_SUBORDINATE_IDS);
}

/**
 * The start of a free range of MIN_SUBORDINATE_IDS ids: above every range of the given
 * subuid/subgid texts and at least 100000 (login.defs' SUB_UID_MIN), aligned to 65536.
 */
export function freeRangeStart(texts: readonly string[]): number {
  let end = 100000;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const m = /^\s*[^:#\s]+:(\d+):(\d+)\s*$/.exec(line);
      if (m) end = Math.max(end, Number(m[1]) + Number(m[2]));
    }
  }
  return Math.ceil(end / MIN_SUBORDINATE_IDS) * MIN_SUBORDINATE_IDS;
}
