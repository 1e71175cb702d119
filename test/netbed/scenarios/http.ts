/**
 * Raw HTTP, WebSocket and socket probes from inside a namespace, with an explicit source address so the
 * server's who-is sees the chosen tailnet node. Every call has a deadline; answers are summarized as JSON.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { WebSocket } from 'ws';

export interface HttpProbe {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Repeat `bodyChunk` this many times as the body (large bodies without building them in the test). */
  bodyChunk?: string;
  bodyRepeat?: number;
  localAddress?: string;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  ms: number;
}

export function http(p: HttpProbe): Promise<HttpAnswer> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const body = p.body ?? (p.bodyChunk ? p.bodyChunk.repeat(p.bodyRepeat ?? 1) : undefined);
    const req = request(
      p.url,
      {
        method: p.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
            : {}),
          ...p.headers,
        },
        ...(p.localAddress ? { localAddress: p.localAddress } : {}),
        timeout: p.timeoutMs ?? 10_000,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (text.length < 64 * 1024) text += d;
        });
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text.slice(0, 4096),
            json,
            ms: Date.now() - start,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A server may answer 413/431 and close while we are still sending: report what we could read.
      reject(Object.assign(new Error(err.message), { code: err.code ?? 'EUNKNOWN' }));
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Send raw bytes (malformed request lines, huge headers) and return the status line the server sent, or how it hung up. */
export function raw(
  host: string,
  port: number,
  payload: string,
  timeoutMs = 5_000,
  localAddress?: string,
): Promise<{ statusLine: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    let text = '';
    const s = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const done = (statusLine: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ statusLine, ms: Date.now() - start });
    };
    const timer = setTimeout(() => done(text.split('\r\n')[0] || 'TIMEOUT'), timeoutMs);
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) done(text.split('\r\n')[0]!);
    });
    s.on('error', (err: NodeJS.ErrnoException) => done(text.split('\r\n')[0] || `ERROR ${err.code ?? ''}`));
    s.on('close', () => done(text.split('\r\n')[0] || 'CLOSED'));
  });
}

/** Open a WebSocket, send one frame of `frameBytes`, report how the server reacted (close code or echo-less silence). */
export function wsFrame(
  url: string,
  frameBytes: number,
  localAddress?: string,
  timeoutMs = 5_000,
  headers: Record<string, string> = {},
): Promise<{ opened: boolean; closeCode: number | null; error: string | null; messages: number }> {
  return new Promise((resolve) => {
    let opened = false;
    let messages = 0;
    const ws = new WebSocket(url, {
      headers,
      ...(localAddress ? { localAddress } : {}),
      handshakeTimeout: timeoutMs,
      maxPayload: 8 << 20,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve({ opened, closeCode: null, error: 'timeout', messages });
    }, timeoutMs);
    ws.on('open', () => {
      opened = true;
      ws.send(Buffer.alloc(frameBytes, 0x7b));
    });
    ws.on('message', () => (messages += 1));
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ opened, closeCode: code, error: null, messages });
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      resolve({ opened, closeCode: null, error: err.message, messages });
    });
  });
}
