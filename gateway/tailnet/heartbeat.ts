/**
 * Heartbeat to the discovery registry: POST /api/heartbeat every interval. While the registry is
 * unreachable, retries back off exponentially (×1.6 up to 2 minutes, ±20 % jitter so farms that lost it
 * together do not return together). The gateway serves the farm regardless.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { backoffDelay } from '../../protocol/backoff.ts';
import type { Heartbeat } from '../../protocol/discovery-api.ts';
import type { Logger } from '../../kit/log.ts';

export interface HeartbeatOptions {
  body: () => Heartbeat;
  /** Base URL of the registry, found again before each attempt (a tailnet peer may appear later). */
  registryUrl: () => Promise<string | null>;
  /** Source address for a request to `url` (our tailnet address, so the registry's who-is sees this node). */
  localAddress?: (url: URL) => string | undefined;
  intervalMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  random?: () => number;
  /** Told the outcome of every attempt (the heartbeat counters). */
  onResult?: (ok: boolean) => void;
  log: Logger;
}

export interface HeartbeatStatus {
  ok: boolean;
  detail?: string;
  lastOkAt: number | null;
  failures: number;
}

export interface HeartbeatLoop {
  status(): HeartbeatStatus;
  /** Resolves after the next attempt (tests). */
  nextAttempt(): Promise<HeartbeatStatus>;
  dispose(): void;
}

/** The wait after `failures` (≥ 1) failed heartbeats in a row: the shared rule, ×1.6 with ±20 % jitter. */
export function retryDelay(failures: number, initialMs: number, maxMs: number, random: () => number): number {
  return backoffDelay(
    { baseMs: initialMs, capMs: maxMs, factor: 1.6, jitter: { spread: 0.2 } },
    failures - 1,
    random,
  );
}

export function startHeartbeat(options: HeartbeatOptions): HeartbeatLoop {
  const interval = options.intervalMs ?? 30_000;
  const initial = options.initialBackoffMs ?? 1_000;
  const max = options.maxBackoffMs ?? 120_000;
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;
  let lastOkAt: number | null = null;
  let detail: string | undefined = 'not sent yet';
  let waiters: ((s: HeartbeatStatus) => void)[] = [];
  const status = (): HeartbeatStatus => ({
    ok: failures === 0 && lastOkAt !== null,
    detail,
    lastOkAt,
    failures,
  });

  const attempt = async () => {
    try {
      const base = await options.registryUrl();
      if (!base) throw new Error('no registry: pass --discovery-url or tag a tailnet node tag:registry');
      await post(new URL('/api/heartbeat', base), JSON.stringify(options.body()));
      if (failures > 0) options.log.info('registry reachable again', { after: failures });
      failures = 0;
      lastOkAt = Date.now();
      detail = `sent to ${base}`;
      options.onResult?.(true);
    } catch (err) {
      failures++;
      options.onResult?.(false);
      detail = err instanceof Error ? err.message : String(err);
      if (failures === 1 || failures % 10 === 0) options.log.warn('heartbeat failed', { failures, detail });
    }
    const s = status();
    for (const w of waiters.splice(0)) w(s);
    if (stopped) return;
    timer = setTimeout(
      () => void attempt(),
      failures === 0 ? interval : retryDelay(failures, initial, max, random),
    );
    timer.unref();
  };

  const post = (url: URL, body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: options.timeoutMs ?? 5_000,
        ...(options.localAddress?.(url) ? { localAddress: options.localAddress(url) } : {}),
      });
      req.on('timeout', () => req.destroy(new Error(`registry ${url.host} did not answer in time`)));
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 300
            ? resolve()
            : reject(new Error(`registry answered ${res.statusCode}`)),
        );
      });
      req.end(body);
    });

  void attempt();
  return {
    status,
    nextAttempt: () => new Promise((resolve) => waiters.push(resolve)),
    dispose() {
      stopped = true;
      if (timer) clearTimeout(timer);
      waiters = [];
    },
  };
}
