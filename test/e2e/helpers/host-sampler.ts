// Watches the host while a build runs: every `intervalMs`, the loop devices (`losetup -J`) and the
// mount table (/proc/self/mountinfo). A build's workspace is only known from its log, so samples
// are kept whole and judged afterwards against the paths of that build (`seenUnder`).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One loop device as `losetup -J` lists it. */
export interface SampledLoop {
  name: string;
  backFile: string;
}

/** One mount as /proc/self/mountinfo lists it (`\040` read as a space). */
export interface SampledMount {
  mountPoint: string;
  fsType: string;
  source: string;
}

export interface HostSample {
  loops: SampledLoop[];
  mounts: SampledMount[];
}

export interface HostSampler {
  /** Stops sampling (after a last sample) and returns every sample taken. */
  stop(): Promise<HostSample[]>;
}

async function sampleLoops(): Promise<SampledLoop[]> {
  const { stdout } = await execFileAsync('losetup', ['-J']);
  if (!stdout.trim()) return [];
  const parsed = JSON.parse(stdout) as { loopdevices?: Array<{ name: string; 'back-file'?: string | null }> };
  return (parsed.loopdevices ?? []).map((l) => ({ name: l.name, backFile: (l['back-file'] ?? '').replace(/ \(deleted\)$/, '') }));
}

async function sampleMounts(): Promise<SampledMount[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const after = fields.indexOf('-');
      const unescape = (s: string | undefined) => (s ?? '').replace(/\\040/g, ' ');
      return { mountPoint: unescape(fields[4]), fsType: fields[after + 1] ?? '', source: unescape(fields[after + 2]) };
    });
}

async function sampleHost(): Promise<HostSample> {
  const [loops, mounts] = await Promise.all([sampleLoops(), sampleMounts()]);
  return { loops, mounts };
}

/** Starts sampling now; one sample at a time (a slow `losetup` is not stacked). */
export function startHostSampler(intervalMs = 500): HostSampler {
  const samples: HostSample[] = [];
  let stopped = false;
  let errors = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        samples.push(await sampleHost());
      } catch {
        errors += 1;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      samples.push(await sampleHost());
      if (errors > samples.length) throw new Error(`host sampler: ${errors} failed samples, ${samples.length} taken`);
      return samples;
    },
  };
}

/**
 * What the samples saw of a build whose files are below `dirs` (its workspace, its output
 * directory): loop devices backed by a file there, mounts of those, and any loop device mounted
 * there. The chroot's own mounts in the tree (proc, sysfs, devtmpfs, devpts, tmpfs, binds of host
 * directories) are not mounts of the image and are not counted. Each item once.
 */
export function seenUnder(samples: readonly HostSample[], dirs: readonly string[]): { loops: string[]; mounts: string[] } {
  const inside = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
  const loops = new Set<string>();
  const mounts = new Set<string>();
  for (const s of samples) {
    const ours = new Set(s.loops.filter((l) => inside(l.backFile)).map((l) => l.name));
    for (const l of s.loops) if (ours.has(l.name)) loops.add(`${l.name} → ${l.backFile}`);
    for (const m of s.mounts) {
      const ofOurLoop = ours.has(m.source);
      const diskFsInside = inside(m.mountPoint) && m.source.startsWith('/dev/loop');
      if (ofOurLoop || diskFsInside) mounts.add(`${m.source} on ${m.mountPoint} (${m.fsType})`);
    }
  }
  return { loops: [...loops].sort(), mounts: [...mounts].sort() };
}
