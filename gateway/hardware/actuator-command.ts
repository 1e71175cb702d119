/**
 * `--actuator-command CMD`: each command runs `CMD <target> <action>` through /bin/sh with the command
 * as JSON on stdin (and AGROMESH_* variables). Exit 0 = succeeded, 3 = rejected (e.g. an interlock),
 * anything else = failed. An optional JSON object on stdout may give `reason` (or `message`).
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../../kit/log.ts';
import type { ActuationOutcome, ActuatorDriver } from '../commands/driver.ts';

export const EXIT_REJECTED = 3;

export interface ActuatorCommandOptions {
  command: string;
  log: Logger;
  timeoutMs?: number;
}

export function actuatorCommandDriver(options: ActuatorCommandOptions): ActuatorDriver {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    execute(request, signal) {
      return new Promise<ActuationOutcome>((resolve) => {
        const proc = spawn(
          '/bin/sh',
          ['-c', `${options.command} "$@"`, 'agromesh-actuator', request.target, request.action],
          {
            stdio: ['pipe', 'pipe', 'pipe'],
            // Its own process group, so a timeout kills the handler and everything it started.
            detached: true,
            env: {
              ...process.env,
              AGROMESH_COMMAND_ID: request.id,
              AGROMESH_TARGET: request.target,
              AGROMESH_ACTION: request.action,
              AGROMESH_PARAMS: JSON.stringify(request.params),
              AGROMESH_REQUESTED_BY: request.requestedBy,
            },
          },
        );
        let stdout = '';
        let stderr = '';
        let why: string | undefined;
        const cap = (s: string, d: Buffer, n: number) =>
          s.length < n ? s + d.toString().slice(0, n - s.length) : s;
        proc.stdout.on('data', (d: Buffer) => (stdout = cap(stdout, d, 64 * 1024)));
        proc.stderr.on('data', (d: Buffer) => (stderr = cap(stderr, d, 8 * 1024)));
        proc.stdin.on('error', () => {}); // the handler may not read stdin
        proc.stdin.end(JSON.stringify(request) + '\n');
        const kill = (reason: string) => {
          why ??= reason;
          killGroup(proc.pid, 'SIGKILL');
        };
        const timer = setTimeout(
          () => kill(`the actuator command timed out after ${timeoutMs} ms`),
          timeoutMs,
        );
        const onAbort = () => kill('the gateway stopped while the actuator command was running');
        signal.addEventListener('abort', onAbort, { once: true });
        proc.on('error', (err) => {
          why ??= `the actuator command could not start: ${err.message}`;
        });
        proc.on('close', (code) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          const said = reasonFrom(stdout) ?? lastLine(stderr);
          if (why) return resolve({ outcome: 'failed', reason: why });
          if (code === 0)
            return resolve(said ? { outcome: 'succeeded', reason: said } : { outcome: 'succeeded' });
          if (code === EXIT_REJECTED)
            return resolve({ outcome: 'rejected', reason: said ?? 'the actuator refused the command' });
          options.log.warn('actuator command failed', { id: request.id, code });
          resolve({ outcome: 'failed', reason: said ?? `the actuator command exited with code ${code}` });
        });
      });
    },
  };
}

/** Signal a process group started with `detached: true` (falls back to the process itself). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function reasonFrom(stdout: string): string | undefined {
  const text = stdout.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as { reason?: unknown; message?: unknown };
    const r = typeof v.reason === 'string' ? v.reason : typeof v.message === 'string' ? v.message : undefined;
    return r?.slice(0, 500);
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string | undefined {
  const line = text.trim().split('\n').pop()?.trim();
  return line ? line.slice(0, 500) : undefined;
}
