import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes (Linux /proc, else `ps`); undefined once it has gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || process.platform === 'linux') return undefined;
  }
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) `pid` has used, in seconds (Linux /proc); undefined elsewhere or once it has gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks (USER_HZ, 100 on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS on an interval; keeps the peak of the current window and of the whole run. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private windowPeak = 0;
  private overallPeak = 0;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  /** Starts sampling (once). */
  start(): this {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private sample(): void {
    const rss = rssBytes(this.pid);
    if (rss === undefined) return;
    if (rss > this.windowPeak) this.windowPeak = rss;
    if (rss > this.overallPeak) this.overallPeak = rss;
  }

  /** Starts a new window (one scenario); returns the peak of the one that ended, in bytes. */
  newWindow(): number {
    this.sample();
    const peak = this.windowPeak;
    this.windowPeak = 0;
    this.sample();
    return peak;
  }

  /** The peak of the current window so far, in bytes. */
  get currentWindowPeak(): number {
    this.sample();
    return this.windowPeak;
  }

  /** The peak over the sampler's life, in bytes. */
  get peak(): number {
    return this.overallPeak;
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Bytes as MB with one decimal. */
export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
