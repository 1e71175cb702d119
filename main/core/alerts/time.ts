/**
 * Injected time for the alert service: a clock and one-shot timers. Production uses the system's; tests
 * pass a manual scheduler and walk simulated hours in milliseconds, with no sleeps.
 */
export interface AlertClock {
  now(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: AlertClock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Alert timers never keep the process alive on their own.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const iso = (ms: number): string => new Date(ms).toISOString();
