/** Shared test helpers for the tailnet suite: temp dirs, fixtures, event waits, fixture-serving servers. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = '/work/shared/tailscale/fixtures';

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export function tempDir(prefix = 'agromesh-tailnet-'): { dir: string; cleanup: () => void } {
  // Short base: unix socket paths are limited to ~104 bytes.
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Wait until `check` returns a value (polled on a short interval), or fail after `timeoutMs`. */
export { waitFor } from '../support/wait-for.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A tiny HTTP server (TCP 127.0.0.1 or unix socket) answering from a handler, recording requests. */
export async function startStubServer(
  handler: (req: RecordedRequest, res: ServerResponse) => void,
  socketPath?: string,
): Promise<{ url: string; requests: RecordedRequest[]; server: Server; dispose: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      handler(rec, res);
    });
  });
  await new Promise<void>((resolve) => {
    if (socketPath) server.listen(socketPath, () => resolve());
    else server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const url = typeof addr === 'object' && addr !== null ? `http://127.0.0.1:${addr.port}` : '';
  return {
    url,
    requests,
    server,
    dispose: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | object,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
}

/**
 * GET on a LocalAPI socket, framed as tailscaled wants it. watch-ipn-bus never ends: the answer stops
 * after `lines` complete lines (default 1 for the watch, the whole body otherwise).
 */
export function localGet(
  socketPath: string,
  path: string,
  lines = path.includes('watch-ipn-bus') ? 1 : 0,
  /** Called with the number of complete lines received so far (to act once a stream has begun). */
  onLines?: (complete: number) => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path, headers: { host: 'local-tailscaled.sock' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        onLines?.(text.split('\n').length - 1);
        if (lines > 0 && text.split('\n').length > lines) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}
