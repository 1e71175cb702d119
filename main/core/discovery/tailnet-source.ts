/**
 * Live device list from a TailscaleManager: its watch stream when it has one (LocalAPI IPN bus: changes in
 * well under a second), otherwise polling listDevices (API v2 / Headscale: one call per interval).
 */
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { Logger } from '../../../kit/log.ts';
import type { DeviceChange, TailscaleManager } from '../tailnet/manager.ts';

export interface TailnetSourceOptions {
  manager: TailscaleManager;
  pollIntervalMs: number;
  /** How long start() waits for the watch's first snapshot before falling back to listDevices. */
  snapshotTimeoutMs: number;
  onChange: (change: DeviceChange) => void;
  logger: Logger;
}

export interface TailnetSource {
  readonly mode: 'watch' | 'poll';
  /** Resolves once a first device list was delivered (or could not be had). */
  start(): Promise<void>;
  /** Poll once now (no-op in watch mode, where the stream is already current). */
  refresh(): Promise<void>;
  /** When the device list was last confirmed (epoch ms), null before the first. */
  readonly syncedAt: number | null;
  /** The last error reading the tailnet, cleared by the next success. */
  readonly error: string | null;
  dispose(): void;
}

export function createTailnetSource(options: TailnetSourceOptions, now: () => number): TailnetSource {
  const { manager, logger } = options;
  const mode = manager.capabilities.has('watch') ? 'watch' : 'poll';
  let unwatch: (() => void) | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let syncedAt: number | null = null;
  let error: string | null = null;
  let disposed = false;
  let polling: Promise<void> | undefined;

  const deliver = (change: DeviceChange) => {
    if (disposed) return;
    syncedAt = now();
    error = null;
    options.onChange(change);
  };

  const poll = () =>
    (polling ??= (async () => {
      try {
        const devices: TailnetDevice[] = await manager.listDevices();
        deliver({ type: 'snapshot', devices });
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        logger.warn('listing tailnet devices failed', { err });
      } finally {
        polling = undefined;
      }
    })());

  return {
    mode,
    get syncedAt() {
      return syncedAt;
    },
    get error() {
      return error;
    },
    async start() {
      if (mode === 'poll') {
        await poll();
        timer = setInterval(() => void poll(), options.pollIntervalMs);
        timer.unref?.();
        return;
      }
      let first!: () => void;
      const gotSnapshot = new Promise<void>((resolve) => (first = resolve));
      unwatch = manager.watch((change) => {
        deliver(change);
        if (change.type === 'snapshot') first();
      });
      let t: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>(
        (resolve) => (t = setTimeout(() => resolve('timeout'), options.snapshotTimeoutMs)),
      );
      const winner = await Promise.race([gotSnapshot, timedOut]);
      clearTimeout(t);
      if (winner === 'timeout' && !disposed) {
        logger.warn('tailnet watch sent no snapshot in time; listing devices instead');
        await poll();
      }
    },
    refresh: () => (mode === 'poll' ? poll() : Promise.resolve()),
    dispose() {
      disposed = true;
      unwatch?.();
      if (timer) clearInterval(timer);
    },
  };
}
