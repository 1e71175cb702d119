/**
 * A Node process living inside one testbed namespace. A process cannot switch network namespace, so
 * code that must dial or listen "on a host" (a gateway, the control room's dialer) runs here and the test
 * calls exported functions over the IPC channel: { id, module, fn, args } → { id, ok, value | error }.
 * Values cross as JSON; handles stay here, in module state, keyed by names the caller chooses.
 */
export interface AgentCall {
  id: number;
  module: string;
  fn: string;
  args: unknown[];
}

export type AgentReply =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error: { message: string; code?: string; status?: number; name?: string; stack?: string };
    };

function serializeError(err: unknown): {
  message: string;
  code?: string;
  status?: number;
  name?: string;
  stack?: string;
} {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; status?: unknown };
    return {
      message: e.message,
      name: e.name,
      ...(e.stack ? { stack: e.stack } : {}),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.status === 'number' ? { status: e.status } : {}),
    };
  }
  return { message: String(err) };
}

if (process.send) {
  process.on('message', (call: AgentCall) => {
    void (async () => {
      try {
        const mod = (await import(call.module)) as Record<string, unknown>;
        const fn = mod[call.fn];
        if (typeof fn !== 'function') throw new Error(`${call.module} has no function ${call.fn}`);
        const value = (await (fn as (...a: unknown[]) => unknown)(...call.args)) ?? null;
        process.send?.({ id: call.id, ok: true, value } satisfies AgentReply);
      } catch (err) {
        process.send?.({ id: call.id, ok: false, error: serializeError(err) } satisfies AgentReply);
      }
    })();
  });
  // The testbed owns us: when the channel closes we exit (no orphans inside the namespace).
  process.on('disconnect', () => process.exit(0));
  process.send({ id: 0, ok: true, value: 'ready' } satisfies AgentReply);
}
