/** Collects keyed updates and flushes them at most every `intervalMs`, so bursts reach windows as one batch. */
export interface Coalescer<T> {
  put(key: string, value: T): void;
  remove(key: string): void;
  dispose(): void;
}

export function createCoalescer<T>(
  intervalMs: number,
  flush: (changed: T[], removed: string[]) => void,
): Coalescer<T> {
  const changed = new Map<string, T>();
  const removed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      const c = [...changed.values()];
      const r = [...removed];
      changed.clear();
      removed.clear();
      if (c.length > 0 || r.length > 0) flush(c, r);
    }, intervalMs);
  };
  return {
    put(key, value) {
      removed.delete(key);
      changed.set(key, value);
      schedule();
    },
    remove(key) {
      changed.delete(key);
      removed.add(key);
      schedule();
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
