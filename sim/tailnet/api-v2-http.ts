/** Errors and bodies of the simulated API v2: a thrown HttpFail becomes its status and JSON body. */
import type { IncomingMessage } from 'node:http';
import { readText } from './http-util.ts';

export class HttpFail extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(
      typeof body === 'object' && body !== null
        ? String((body as { message?: unknown }).message)
        : String(body),
    );
    this.status = status;
    this.body = body;
  }
}
export const fail = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  new HttpFail(status, { message, ...extra });

/** A JSON object body (empty means `{}`), else 400. */
export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  try {
    const v = JSON.parse(text || '{}') as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw fail(400, 'invalid JSON body');
  }
}
