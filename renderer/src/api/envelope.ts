/**
 * How the renderer settles an operation's answer envelope. Shared by the Electron preload path and the
 * browser host's WebSocket bridge, so an error (code, message, details) reaches the page the same way.
 * No DOM here: tests in the node project import it.
 */
import { fromErrorBody } from '../../../protocol/errors.ts';
import { type AgromeshApi, type ElectronBridge, operationNames } from '../../../protocol/app/index.ts';

/** Both transports settle an answer here, so the page sees the same AgromeshError (with details) from either. */
export function settle(envelope: { ok?: boolean; value?: unknown; error?: unknown }): unknown {
  if (envelope.ok) return envelope.value;
  throw fromErrorBody({ error: envelope.error });
}

/** Under Electron each operation resolves with its envelope (preload/preload.ts); settle it here. */
export function wrapElectronApi(raw: ElectronBridge): AgromeshApi {
  const api: Record<string, unknown> = { on: raw.on.bind(raw) };
  for (const name of operationNames) {
    const fn = raw[name];
    api[name] = async (input?: unknown) => settle(await fn(input));
  }
  return api as AgromeshApi;
}
