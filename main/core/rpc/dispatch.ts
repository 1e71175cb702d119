/**
 * Runs one contract operation: parse the input at the edge, call the handler, return an envelope.
 * Shared by the Electron IPC adapter and the browser host's WebSocket bridge so both behave identically.
 */
import { NUL_MESSAGE, nulPath } from '../../../protocol/text.ts';
import { z } from 'zod';
import { AgromeshError, toAgromeshError } from '../../../protocol/errors.ts';
import {
  type Envelope,
  type OperationHandlers,
  type OperationName,
  operations,
} from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(operations, name);
}

export async function dispatch(
  handlers: OperationHandlers,
  name: unknown,
  rawInput: unknown,
  log?: Logger,
): Promise<Envelope> {
  try {
    if (!isOperationName(name)) throw new AgromeshError('NOT_FOUND', `Unknown operation "${String(name)}".`);
    const nul = nulPath(rawInput);
    if (nul) throw new AgromeshError('VALIDATION', `Invalid input for ${name}: ${NUL_MESSAGE(nul)}`);
    const parsed = operations[name].input.safeParse(rawInput);
    if (!parsed.success) {
      throw new AgromeshError('VALIDATION', `Invalid input for ${name}: ${z.prettifyError(parsed.error)}`);
    }
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    const e = toAgromeshError(err);
    if (e.code === 'INTERNAL') log?.error('operation failed', { operation: String(name), err });
    return { ok: false, error: e.toBody().error };
  }
}
