// The one polling wait of the test suite: for state that has no event to await (a row in another process's
// database, a server's view of its clients). It keeps working under `vi.useFakeTimers()` because it holds
// the real timer and clock, taken before any test can fake them.
const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5_000,
  what = 'condition',
  everyMs = 20,
): Promise<T> {
  const deadline = realNow() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (realNow() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => realSetTimeout(r, everyMs));
  }
}
