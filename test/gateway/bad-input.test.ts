import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limits } from '../../protocol/farm-api.ts';
import { OPERATOR, type TestGateway, call, expiresIn, startTestGateway } from './helpers.ts';
import { schemaErrors } from './openapi-validator.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.dispose());

async function stillServes(): Promise<void> {
  const r = await call(gw.url, 'GET', '/api/info');
  expect(r.status).toBe(200);
}

function expectError(
  reply: { status: number; body: unknown; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(reply.status).toBe(status);
  expect(String(reply.headers['content-type'])).toMatch(/application\/json/);
  expect(reply.body).toMatchObject({ error: { code } });
  expect(schemaErrors('#/components/schemas/Error', reply.body)).toBeNull();
}

function rawRequest(text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(gw.url);
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: OPERATOR });
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.end(text);
  });
}

/** Sends each request only after the previous reply is complete, all on one socket; returns the replies. */
function onOneSocket(requests: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const url = new URL(gw.url);
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: OPERATOR });
    const replies: string[] = [];
    let buf = Buffer.alloc(0); // bytes: content-length counts bytes, and the info reply has "°"
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const head = buf.indexOf('\r\n\r\n');
      const length = Number(/^content-length: *(\d+)/im.exec(buf.toString('latin1'))?.[1] ?? NaN);
      if (head < 0 || !Number.isFinite(length) || buf.length < head + 4 + length) return;
      replies.push(buf.subarray(0, head + 4 + length).toString());
      buf = buf.subarray(head + 4 + length);
      if (replies.length === requests.length) {
        socket.end();
        resolve(replies);
      } else socket.write(requests[replies.length]!);
    });
    socket.on('close', () => reject(new Error(`socket closed after ${replies.length} replies`)));
    socket.on('error', reject);
    socket.write(requests[0]!);
  });
}

describe('bad input never crashes the gateway', () => {
  it('answers malformed JSON with 400 BAD_JSON and keeps the connection usable', async () => {
    const bad = await call(gw.url, 'POST', '/api/commands', { raw: '{"id": "x", ', headers: {} });
    expectError(bad, 400, 'BAD_JSON');
    const nested = await call(gw.url, 'POST', '/api/commands', { raw: '['.repeat(60_000) });
    expectError(nested, 400, 'BAD_JSON');
    // The same keep-alive socket carries the bad request, its 400, and then a good request and its 200.
    const replies = await onOneSocket([
      'POST /api/commands HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"id": "x",',
      'GET /api/info HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n',
    ]);
    expect(replies.map((r) => r.split('\r\n')[0])).toEqual(['HTTP/1.1 400 Bad Request', 'HTTP/1.1 200 OK']);
    expect(replies[0]).toContain('"BAD_JSON"');
    expect(replies[0]).not.toMatch(/^connection: close/im);
  });

  it('refuses bodies over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({
      id: 'big',
      action: 'open',
      target: 'valve-1',
      params: { note: 'x'.repeat(Limits.bodyBytes) },
      expiresAt: expiresIn(gw.clock, 60_000),
    });
    expectError(await call(gw.url, 'POST', '/api/commands', { raw: big }), 413, 'BODY_TOO_LARGE');
    // No content-length: the limit is enforced while reading.
    const chunked = await rawRequest(
      `POST /api/commands HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n` +
        `${(Limits.bodyBytes + 10).toString(16)}\r\n${'a'.repeat(Limits.bodyBytes + 10)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
    expect(chunked).toContain('"BODY_TOO_LARGE"');
    await stillServes();
  });

  it('refuses oversized headers with 431', async () => {
    const reply = await call(gw.url, 'GET', '/api/info', {
      headers: { 'x-padding': 'p'.repeat(Limits.headerBytes + 100) },
    });
    expectError(reply, 431, 'HEADERS_TOO_LARGE');
    await stillServes();
  });

  it('answers garbage on the socket with 400 and keeps serving', async () => {
    const text = await rawRequest('\x00\x01NOT HTTP AT ALL\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1.1 400/);
    await stillServes();
  });

  it('answers wrong media type, routes and methods with JSON errors', async () => {
    expectError(
      await call(gw.url, 'POST', '/api/commands', { raw: '{}', headers: { 'content-type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(await call(gw.url, 'GET', '/api/nope'), 404, 'NOT_FOUND');
    const del = await call(gw.url, 'DELETE', '/api/commands');
    expectError(del, 405, 'METHOD_NOT_ALLOWED');
    expect(del.headers.allow).toBe('GET, POST');
    expectError(await call(gw.url, 'GET', '/api/commands/%E0%A4%A'), 422, 'VALIDATION');
    await stillServes();
  });

  it('refuses unknown actions and odd payloads with 422', async () => {
    const exp = expiresIn(gw.clock, 60_000);
    const cases: unknown[] = [
      { id: 'u1', action: 'fly', target: 'valve-1', expiresAt: exp },
      { id: 'u2', action: 'open', target: 'valve-1', params: { durationMin: '10' }, expiresAt: exp },
      {
        id: 'u3',
        action: 'open',
        target: 'valve-1',
        params: JSON.parse('{"__proto__": {"polluted": true}, "durationMin": 5}'),
        expiresAt: exp,
      },
      { id: 'u4', action: 'open', target: 'valve-1', params: { durationMin: 5 }, expiresAt: 'tomorrow' },
      { id: '../etc', action: 'open', target: 'valve-1', params: { durationMin: 5 }, expiresAt: exp },
      { action: 'open', target: 'valve-1', expiresAt: exp },
      [],
      null,
      'open the valve',
    ];
    for (const body of cases)
      expectError(await call(gw.url, 'POST', '/api/commands', { body }), 422, 'VALIDATION');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await stillServes();
  });

  it('refuses malformed history queries with 422', async () => {
    const now = gw.clock.now();
    for (const q of [
      'sensor=soil-1',
      `sensor=soil-1&from=1e3&to=${now}`,
      `sensor=soil-1&from=0x10&to=${now}`,
      `sensor=soil-1&from=&to=${now}`,
      `sensor=soil-1&from=1&from=2&to=${now}`,
      `sensor=soil-1&from=0&to=${now}&maxPoints=1`,
      `sensor=soil-1&from=0&to=${now}&maxPoints=100000`,
      `sensor=soil-1&from=0&to=${now}`, // more than two years
      `sensor=../x&from=${now - 1}&to=${now}`,
      `sensor=soil-1&from=${now - 1}&to=${now}&method=fft`,
    ]) {
      expectError(await call(gw.url, 'GET', `/api/data/history?${q}`), 422, 'VALIDATION');
    }
    await stillServes();
  });
});
