/**
 * `--actuator-command CMD`: each command runs `CMD <target> <action>` through /bin/sh with the command
 * as JSON on stdin (and AGROMESH_* variables). Exit 0 = succeeded, 3 = rejected (e.g. an interlock),
 * anything else = failed. An optional JSON object on stdout may give `reason` (or `message`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { INTERRUPTED_REASON } from '../../protocol/farm-api.ts';
import type { Logger } from '../../kit/log.ts';
import type { ActuationOutcome, ActuatorDriver } from '../commands/driver.ts';

export const EXIT_REJECTED = 3;

export interface ActuatorCommandOptions {
  command: string;
  log: Logger;
  timeoutMs?: number;
  /** On shutdown: how long the handler's process group has after SIGTERM before SIGKILL (default 2 s). */
  stopGraceMs?: number;
}

export function actuatorCommandDriver(options: ActuatorCommandOptions): ActuatorDriver {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 2_000;
  /** Handlers still running, each with a promise that settles once its whole group has exited. */
  const live = new Map<ChildProcess, Promise<void>>();
  /** SIGTERM to the handler's process group, SIGKILL after the grace if anything of it is still there. */
  const stop = (proc: ChildProcess, closed: Promise<void>) => {
    killGroup(proc.pid, 'SIGTERM');
    const t = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), stopGraceMs);
    void closed.then(() => clearTimeout(t));
  };
  return {
    async dispose() {
      const running = [...live];
      for (const [proc, closed] of running) stop(proc, closed);
      // Bounded: a process that left the group could hold the pipes open after SIGKILL.
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running.map(([, c]) => c)),
        new Promise<void>((r) => (t = setTimeout(r, stopGraceMs + 1_000))),
      ]);
      clearTimeout(t);
    },
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
        let interrupted = false;
        let closedResolve!: () => void;
        const closed = new Promise<void>((r) => (closedResolve = r));
        live.set(proc, closed);
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
        // The gateway is stopping: give the handler (and whatever it started) a chance to leave the
        // device safe, then make sure none of it outlives the gateway.
        const onAbort = () => {
          interrupted = true;
          stop(proc, closed);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        proc.on('error', (err) => {
          why ??= `the actuator command could not start: ${err.message}`;
        });
        proc.on('close', (code) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          live.delete(proc);
          closedResolve();
          const said = reasonFrom(stdout) ?? lastLine(stderr);
          if (interrupted) return resolve({ outcome: 'interrupted', reason: INTERRUPTED_REASON });
          if (why) return resolve({ outcome: 'failed', reason: why });
          if (code === 0)
            return resolve(said ? { outcome: 'succeeded', reason: said } : { outcome: 'succeeded' });
          if (code === EXIT_REJECTED)
            return resolve({ outcome: 'rejected', reason: said ?? 'the actuator refused the command' });
          options.log.warn('actuator command failed', { commandId: request.id, code });
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
