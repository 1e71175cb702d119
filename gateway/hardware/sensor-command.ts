/**
 * `--sensor-command CMD`: runs CMD (through /bin/sh) and reads JSON lines of readings from its stdout.
 * A bad line is logged and skipped; if the command exits it is restarted with backoff.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type BackoffRule, backoffDelay } from '../../protocol/backoff.ts';
import type { Reading } from '../../protocol/farm-api.ts';
import type { Logger } from '../../kit/log.ts';
import type { Clock } from '../clock.ts';
import { parseSensorLine } from '../http/parsers.ts';
import { killGroup } from './actuator-command.ts';
import { lineSplitter } from './lines.ts';

/** One local child process: nothing to spread, so no jitter. */
const RESTART_BACKOFF: BackoffRule = { baseMs: 500, factor: 2, capMs: 60_000, jitter: 'none' };

export interface SensorCommandOptions {
  command: string;
  clock: Clock;
  log: Logger;
  onReadings: (readings: Reading[]) => void;
  maxLineBytes?: number;
}

export interface SensorCommand {
  status(): { ok: boolean; detail?: string };
  dispose(): Promise<void>;
}

export function startSensorCommand(options: SensorCommandOptions): SensorCommand {
  const { log } = options;
  let child: ChildProcess | undefined;
  let stopped = false;
  let restarts = 0;
  let badLines = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastExit: string | undefined;

  const launch = () => {
    if (stopped) return;
    const startedAt = Date.now();
    const proc = spawn('/bin/sh', ['-c', options.command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    const onLine = lineSplitter(
      options.maxLineBytes ?? 64 * 1024,
      (line) => {
        try {
          options.onReadings(parseSensorLine(line, options.clock.now()));
        } catch (err) {
          badLines++;
          log.warn('sensor command printed a line that is not a reading', { err, line: line.slice(0, 200) });
        }
      },
      () => {
        badLines++;
        log.warn('sensor command printed an over-long line; skipped');
      },
    );
    proc.stdout.on('data', onLine);
    proc.stderr.on('data', (d: Buffer) =>
      log.debug('sensor command stderr', { text: d.toString().slice(0, 500) }),
    );
    proc.on('error', (err) => log.error('sensor command failed to start', { err }));
    proc.on('close', (code, signal) => {
      child = undefined;
      if (stopped) return;
      lastExit = `exited (${signal ?? code})`;
      // A command that ran a while is restarted quickly; one that keeps dying backs off to a minute.
      restarts = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
      const delay = backoffDelay(RESTART_BACKOFF, restarts);
      log.warn('sensor command exited; restarting', { code, signal, delayMs: delay });
      timer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    status: () =>
      child
        ? { ok: true, detail: badLines > 0 ? `${badLines} bad lines so far` : 'running' }
        : { ok: false, detail: `not running: ${lastExit ?? 'starting'}` },
    async dispose() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('close', () => resolve());
        killGroup(proc.pid, 'SIGTERM');
        setTimeout(() => killGroup(proc.pid, 'SIGKILL'), 2_000).unref();
      });
    },
  };
}
