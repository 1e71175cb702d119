/**
 * What Linux's /proc says about a process, for benchmarks that watch another process (a fleet generator)
 * or want figures process.cpuUsage() does not give (disk writes, open sockets).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux Node supports). */
const USER_HZ = 100;

/** Open sockets of a process (its file descriptors that are sockets). */
export function openSockets(pid: number | 'self' = 'self'): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

/** CPU time (user + system, all threads) of a process so far, in ms. */
export function cpuMs(pid: number | 'self' = 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/**
 * Bytes a process has caused to be written: `write_bytes` (sent to the block device, what wears a disk)
 * and `wchar` (passed to write(2), including what the page cache absorbed).
 */
export function ioBytes(pid: number | 'self' = 'self'): { writeBytes: number; wchar: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? 0);
  return { writeBytes: field('write_bytes'), wchar: field('wchar') };
}

/** Least squares y = fixed + slope × x. */
export function fitLine(xs: readonly number[], ys: readonly number[]): { slope: number; fixed: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, fixed: my - slope * mx };
}

/** Resident memory: all of it, and the anonymous part (heap, stacks; the file-backed rest is pages of the
 * executable and libraries, which the kernel may drop and reread). */
export function memory(pid: number | 'self' = 'self'): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} for ${pid}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

/** CPU of `pid` over a window, as % of one core: call the returned function at the window's end. */
export function cpuMeter(pid: number): () => number {
  const t0 = performance.now();
  const c0 = cpuMs(pid);
  return () => Math.round(((cpuMs(pid) - c0) / (performance.now() - t0)) * 1000) / 10;
}
