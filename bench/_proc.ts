/** What the kernel says a benchmark's child process costs (Linux /proc), so every figure comes from outside. */
import { readFileSync } from 'node:fs';

const CLK_TCK = 100; // Linux's USER_HZ, the unit of utime/stime in /proc/PID/stat

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}

/** Resident memory: all of it, and the anonymous part (heap, stacks; the file-backed rest is pages of the
 * executable and libraries, which the kernel may drop and reread). */
export function memory(pid: number): { rss: number; anon: number } {
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
  const c0 = cpuSeconds(pid);
  return () => Math.round(((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 1000) / 10;
}
