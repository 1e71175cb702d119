/**
 * Driving wrk (Debian's wrk 4.1) from benchmarks: one run in its own process, its latency percentiles
 * and request rate parsed, and wrk's own CPU (bash `times` after it), so a saturated generator shows.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

export interface Wrk {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  bytesPerResponse: number;
  wrkCpuPct: number;
}

export function requireWrk(): void {
  if (spawnSync('wrk', ['-v']).error) throw new Error('wrk is not installed (Debian: apt-get install wrk)');
}

const ms = (v: string) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) throw new Error(`wrk latency "${v}"`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
};
const bytes = (v: string) => {
  const m = /^([\d.]+)([KMGT]?B)$/.exec(v.trim());
  if (!m) throw new Error(`wrk size "${v}"`);
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(m[2]!);
};
const cpuSeconds = (t: string) => {
  const m = /(\d+)m([\d.]+)s/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

function args(o: WrkOptions): string[] {
  const a = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(o.headers ?? {})) a.push('-H', `${k}: ${v}`);
  a.push(o.url);
  return ['-c', 'wrk "$@" && times', 'bash', ...a];
}

/** wrk's output (followed by the `times` line) as figures; refuses runs that saw errors. */
export function parseWrk(out: string, seconds: number): Wrk {
  if (/Non-2xx or 3xx responses|Socket errors/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  const requests = /(\d+) requests in ([\d.]+)(\w+), ([\d.]+\w+) read/.exec(out);
  const p50 = /\s50%\s+(\S+)/.exec(out);
  const p99 = /\s99%\s+(\S+)/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const times = out.trim().split('\n').slice(-1)[0]!.split(/\s+/);
  if (!requests || !p50 || !p99 || !rps) throw new Error(`unexpected wrk output:\n${out}`);
  return {
    rps: Number(rps[1]),
    p50Ms: ms(p50[1]!),
    p99Ms: ms(p99[1]!),
    requests: Number(requests[1]),
    bytesPerResponse: Math.round(bytes(requests[4]!) / Number(requests[1])),
    wrkCpuPct: Math.round(((cpuSeconds(times[0]!) + cpuSeconds(times[1]!)) / seconds) * 100),
  };
}

/** One wrk run, waited for. */
export function wrkSync(o: WrkOptions): Wrk {
  const r = spawnSync('bash', args(o), { encoding: 'utf8', timeout: (o.seconds + 30) * 1000 });
  if (r.status !== 0) throw new Error(`wrk failed (${String(r.status)}): ${r.stderr}`);
  return parseWrk(r.stdout, o.seconds);
}

/** One wrk run in the background, so two can load a server at the same time. */
export function wrk(o: WrkOptions): Promise<Wrk> {
  const child = spawn('bash', args(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 30) * 1000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`wrk failed (${String(code)}): ${err}`));
      try {
        resolve(parseWrk(out, o.seconds));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
