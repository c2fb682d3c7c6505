/**
 * DIB's mount order, reproduced exactly so our graphs have DIB's edges.
 *
 * DIB (3.13, `level3/mount.py`) appends each mount point in config order to a list and re-sorts
 * it with `cmp_mount_order`: `a < b` only when `b` starts with `a`, otherwise `a > b`. That is no
 * total order, so the result depends on CPython's sort: for short lists (< 64), one ascending or
 * strictly descending run from the start (reversed if descending), then binary insertion of the
 * rest. In practice parents come before their children and unrelated mount points keep config
 * order (`/`, `/var`, `/var/log`, `/tmp`, `/home` — not plain string order).
 *
 * But not always: given `/var/log, /home, /, /var`, DIB mounts `/var/log` before `/var`, which
 * hides /var/log under the /var filesystem. Where DIB's order mounts a child before its parent,
 * `mountOrder` uses plain string order instead (parents always first) and says so.
 */

/** DIB's `cmp_mount_order` as a less-than. */
function mountLess(a: string, b: string): boolean {
  return a !== b && b.startsWith(a);
}

/** CPython's list.sort for lists under 64 items (one run + binary insertion), with `less`. */
function pythonShortSort<T>(list: T[], less: (a: T, b: T) => boolean): void {
  const n = list.length;
  if (n < 2) return;
  let run = 2;
  if (less(list[1]!, list[0]!)) {
    while (run < n && less(list[run]!, list[run - 1]!)) run++;
    const head = list.slice(0, run).reverse();
    list.splice(0, run, ...head);
  } else {
    while (run < n && !less(list[run]!, list[run - 1]!)) run++;
  }
  for (let start = run; start < n; start++) {
    const pivot = list[start]!;
    let l = 0;
    let r = start;
    do {
      const p = l + ((r - l) >> 1);
      if (less(pivot, list[p]!)) r = p;
      else l = p + 1;
    } while (l < r);
    list.splice(start, 1);
    list.splice(l, 0, pivot);
  }
}

/**
 * Mount points in DIB's order. `mounts` is in config order; each is inserted and the list
 * re-sorted, as DIB does while it reads the config. (Beyond 63 mount points CPython would merge
 * runs; we keep inserting, which no real config reaches.)
 */
export function dibMountOrder<T extends { mountPoint: string }>(mounts: readonly T[]): T[] {
  const sorted: T[] = [];
  for (const m of mounts) {
    if (sorted.some((s) => s.mountPoint === m.mountPoint)) continue;
    sorted.push(m);
    pythonShortSort(sorted, (a, b) => mountLess(a.mountPoint, b.mountPoint));
  }
  return sorted;
}

/** `a` is a directory above `b` (`/` is above every absolute path). */
export function isAncestor(a: string, b: string): boolean {
  return a !== b && (a === '/' ? b.startsWith('/') : b.startsWith(`${a}/`));
}

export interface MountOrder<T> {
  order: T[];
  /** Set when DIB's order would mount `child` before its `parent`, and string order is used instead. */
  corrected?: { child: string; parent: string };
}

/** DIB's mount order where it mounts parents first, else plain string order. */
export function mountOrder<T extends { mountPoint: string }>(mounts: readonly T[]): MountOrder<T> {
  const dib = dibMountOrder(mounts);
  for (let i = 0; i < dib.length; i++) {
    const parent = dib.slice(i + 1).find((later) => isAncestor(later.mountPoint, dib[i]!.mountPoint));
    if (parent) {
      const order = [...dib].sort((a, b) => (a.mountPoint < b.mountPoint ? -1 : a.mountPoint > b.mountPoint ? 1 : 0));
      return { order, corrected: { child: dib[i]!.mountPoint, parent: parent.mountPoint } };
    }
  }
  return { order: dib };
}
