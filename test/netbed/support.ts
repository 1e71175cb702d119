/** Shared bits of the netbed suite: the skip rule, module URLs for agent calls, polling waits. */
import { testbedUnavailableReason } from './testbed.ts';

/** Module URLs the ns-agents import (they run the same files inside the namespaces). */
export const NET = new URL('./scenarios/net.ts', import.meta.url).href;

let warned = false;

/** Why the netbed suite cannot run here (not root, no wireguard-go, …), or undefined. Logged once. */
export function netbedSkipReason(): string | undefined {
  const reason = testbedUnavailableReason();
  if (reason && process.env.CI === 'true' && process.getuid?.() === 0) {
    // In CI as root the packages are installed by .ci/run: missing ones are a setup bug, not a skip.
    throw new Error(`netbed cannot run in CI: ${reason}`);
  }
  if (reason && !warned) {
    warned = true;
    process.stderr.write(`[netbed] skipped: ${reason}\n`);
  }
  return reason;
}

/** Poll `check` until it returns a value or `timeoutMs` passes (for conditions with no event to await). */
export { waitFor } from '../support/wait-for.ts';

export const GATEWAY = new URL('./scenarios/gateway.ts', import.meta.url).href;
export const HTTP = new URL('./scenarios/http.ts', import.meta.url).href;
export const CONTROL_ROOM = new URL('./scenarios/control-room.ts', import.meta.url).href;
export const REGISTRY = new URL('./scenarios/registry.ts', import.meta.url).href;

/** `{ id, action, target, params, expiresAt }` for POST /api/commands. */
export function commandBody(
  id: string,
  o: { target?: string; action?: string; params?: Record<string, unknown>; expiresInMs?: number } = {},
): string {
  return JSON.stringify({
    id,
    target: o.target ?? 'valve-1',
    action: o.action ?? 'open',
    params: o.params ?? { durationMin: 5 },
    expiresAt: new Date(Date.now() + (o.expiresInMs ?? 60_000)).toISOString(),
  });
}
