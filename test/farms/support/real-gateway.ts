/**
 * Real farm gateways as child processes (`agromesh gateway …`), for fault tests that kill, freeze and
 * restart them. Every process is killed by its pid in dispose().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface GatewayProcess {
  readonly farmId: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly pid: number;
  /** stderr lines, for diagnosing a failed test. */
  readonly stderr: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  farmId: string;
  dataDir: string;
  port?: number;
  args?: string[];
  startTimeoutMs?: number;
}

export async function spawnGateway(options: SpawnOptions): Promise<GatewayProcess> {
  const args = [
    join(ROOT, 'bin', 'agromesh.js'),
    'gateway',
    '--farm-id',
    options.farmId,
    '--listen',
    `127.0.0.1:${options.port ?? 0}`,
    '--data-dir',
    options.dataDir,
    '--insecure-no-auth',
    '--log-level',
    'warn',
    ...(options.args ?? []),
  ];
  const child = spawn(NODE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in time: ${stderr.join('')}`));
    }, options.startTimeoutMs ?? 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /gateway (\S+) listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[2]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${stderr.join('')}`));
    });
  });
  return {
    farmId: options.farmId,
    port,
    child,
    pid: child.pid!,
    stderr,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (signal === 'SIGKILL' || signal === 'SIGTERM') {
        process.kill(child.pid!, 'SIGCONT'); // a frozen process must be able to die
      }
      child.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited;
    },
  };
}
