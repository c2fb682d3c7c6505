/**
 * The release stack: every acquired resource (loop device, mount, zfs pool, temp dir, child
 * process) is pushed here the moment it is acquired. `releaseAll()` runs the releases in reverse
 * order; a failing release is logged and the rest still run.
 *
 * Each entry carries a serialisable `Resource` so the stack can be saved to the workspace's
 * state file; `tsdib cleanup` rebuilds the releases from it after a SIGKILLed build.
 */
import { log } from '../log.js';

export type Resource =
  | { kind: 'loop'; device: string; image?: string }
  | { kind: 'mount'; path: string }
  | { kind: 'zpool'; name: string }
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'chroot-processes'; root: string }
  | { kind: 'process'; pid: number }
  | { kind: 'other'; description: string };

export interface ReleaseEntry {
  id: number;
  label: string;
  resource: Resource;
  release: () => Promise<void> | void;
}

export type ReleaseListener = (entries: readonly ReleaseEntry[]) => void;

export class ReleaseStack {
  private entries: ReleaseEntry[] = [];
  private nextId = 1;
  private listeners: ReleaseListener[] = [];
  private releasing: Promise<ReleaseFailure[]> | undefined;

  /** Registers a release; returns a handle that releases this entry early (and drops it). */
  push(label: string, resource: Resource, release: () => Promise<void> | void): ReleaseHandle {
    const entry: ReleaseEntry = { id: this.nextId++, label, resource, release };
    this.entries.push(entry);
    this.changed();
    return {
      release: async () => {
        const i = this.entries.indexOf(entry);
        if (i < 0) return;
        this.entries.splice(i, 1);
        this.changed();
        await entry.release();
      },
      forget: () => {
        const i = this.entries.indexOf(entry);
        if (i >= 0) {
          this.entries.splice(i, 1);
          this.changed();
        }
      },
    };
  }

  /** Called with the current entries after every change (the state file writer subscribes). */
  onChange(listener: ReleaseListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.entries.length;
  }

  snapshot(): readonly ReleaseEntry[] {
    return [...this.entries];
  }

  /** Releases everything in reverse order. Safe to call twice: a second call waits for the first. */
  releaseAll(): Promise<ReleaseFailure[]> {
    if (!this.releasing) this.releasing = this.drain().finally(() => (this.releasing = undefined));
    return this.releasing;
  }

  private async drain(): Promise<ReleaseFailure[]> {
    const failures: ReleaseFailure[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      this.changed();
      try {
        log.debug(`release: ${entry.label}`);
        await entry.release();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log.warn(`release failed: ${entry.label}: ${message}`);
        failures.push({ label: entry.label, message });
      }
    }
    return failures;
  }

  private changed(): void {
    for (const l of this.listeners) l(this.entries);
  }
}

export interface ReleaseHandle {
  /** Releases now and removes the entry. */
  release(): Promise<void>;
  /** Removes the entry without releasing (ownership passed on, e.g. a file kept as output). */
  forget(): void;
}

export interface ReleaseFailure {
  label: string;
  message: string;
}
