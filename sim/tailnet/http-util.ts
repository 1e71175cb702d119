/** Small helpers the simulated servers share: bounded bodies, replies, fault answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimFault } from './model.ts';

const LIMIT = 1024 * 1024;

export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  indent?: string,
): void {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body, null, indent);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function replyFault(res: ServerResponse, fault: SimFault): void {
  reply(
    res,
    fault.status,
    fault.body ?? (fault.status === 429 ? { message: 'rate limited' } : { message: 'injected fault' }),
    fault.headers,
  );
}

export function splitUrl(req: IncomingMessage): { path: string; query: URLSearchParams } {
  const url = new URL(req.url ?? '/', 'http://sim');
  return { path: url.pathname, query: url.searchParams };
}
