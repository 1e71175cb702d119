/**
 * A gateway as its own process for the benchmarks: a real farm layout, the Farm API and the local push
 * endpoint on loopback, no who-is (`--insecure-no-auth`, loopback only). Resolves once both are listening,
 * with the time from spawn to the "listening" line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { FarmLayout } from '../gateway/layout.ts';

/** The benchmarks' farm: `sensors` soil-moisture sensors s-0…s-(n-1), one reading per `intervalMs`. */
export function benchLayout(sensors: number, intervalMs = 1_000): FarmLayout {
  return {
    sensors: Array.from({ length: sensors }, (_, i) => ({
      id: `s-${i}`,
      kind: 'soil_moisture' as const,
      label: `Sensor ${i}`,
      unit: '%',
      expectedRange: { min: 0, max: 100 },
      intervalMs,
    })),
    actuators: [],
  };
}

export interface RunningGateway {
  child: ChildProcess;
  pid: number;
  port: number;
  pushPort: number;
  startMs: number;
}

export function startGatewayProcess(p: {
  name: string;
  cmd: string;
  args: string[];
  layoutFile: string;
  dataDir: string;
}): Promise<RunningGateway> {
  const t0 = performance.now();
  const child = spawn(
    p.cmd,
    [
      ...p.args,
      '--farm-id',
      `bench-${p.name.toLowerCase()}`,
      '--layout',
      p.layoutFile,
      '--listen',
      '127.0.0.1:0',
      '--push-listen',
      '127.0.0.1:0',
      '--insecure-no-auth',
      '--data-dir',
      p.dataDir,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  return new Promise<RunningGateway>((resolve, reject) => {
    let out = '';
    let port = 0;
    let startMs = 0;
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${p.name}: ${why}\n${err}`));
    };
    const timer = setTimeout(() => fail('no "listening" line in 30 s'), 30_000);
    child.once('exit', (code) => fail(`exited with ${String(code)} before listening`));
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      // The listening line comes first; the push line right after it, from the same tick.
      port ||= Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
      if (port && !startMs) startMs = performance.now() - t0;
      const push = Number(/accepting readings on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
      if (port && push) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, pid: child.pid!, port, pushPort: push, startMs });
      }
    });
  });
}
