/**
 * The one log line per refused or failed request, with the request id both sides can quote: a caller's
 * own id is kept (and echoed), a missing or odd one replaced; every line is written over a busy
 * keep-alive connection. (The caller's address is read when the request starts: a CI run showed the
 * socket already detached when the response finished, which threw from the 'finish' listener.)
 */
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createJsonServer, listen, sendJson } from '../../kit/http/json.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import type { Logger } from '../../kit/log.ts';

const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
const log: Logger = {
  debug: (msg, fields = {}) => void lines.push({ level: 'debug', msg, fields }),
  info: (msg, fields = {}) => void lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields = {}) => void lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields = {}) => void lines.push({ level: 'error', msg, fields }),
  child: () => log,
  with: () => log,
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  lines.length = 0;
});

async function server() {
  const s = createJsonServer({ maxHeaderSize: 8192, log }, async (req, res) => {
    if (req.url === '/boom') throw new Error('internal');
    if (req.url === '/nope') throw new AgromeshError('NOT_FOUND', 'no');
    sendJson(res, 200, { ok: true });
  });
  const a: AddressInfo = await listen(s, 0, '127.0.0.1');
  close = () => closeServer(s);
  return a.port;
}

function get(port: number, path: string, headers: Record<string, string> = {}, agent?: Agent) {
  return new Promise<{ status: number; id: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, ...(agent ? { agent } : {}) }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, id: res.headers['x-request-id'] as string | undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request log lines', () => {
  it('keeps a caller’s id, replaces an odd one, and logs refusals (info) and failures (error) with it', async () => {
    const port = await server();
    expect(await get(port, '/nope', { 'x-request-id': 'cmd-42' })).toEqual({ status: 404, id: 'cmd-42' });
    const odd = await get(port, '/boom', { 'x-request-id': 'has spaces and "quotes"' });
    expect(odd.status).toBe(500);
    expect(odd.id).toMatch(/^[0-9a-f-]{36}$/);
    await get(port, '/');
    expect(lines.map((l) => [l.level, l.msg, l.fields.requestId, l.fields.status])).toEqual([
      ['info', 'request refused', 'cmd-42', 404],
      ['error', 'request failed', odd.id, 500],
      ['debug', 'request', expect.any(String), 200],
    ]);
    expect(lines[0]!.fields).toMatchObject({ method: 'GET', path: '/nope', from: '127.0.0.1' });
  });

  it('writes every line over a busy keep-alive connection, without a crash', async () => {
    const port = await server();
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => get(port, i % 2 ? '/nope' : '/', {}, agent)));
    } finally {
      agent.destroy();
    }
    expect(lines).toHaveLength(200);
    expect(lines.every((l) => l.fields.from === '127.0.0.1')).toBe(true);
  });
});
