import { afterEach, describe, expect, it } from 'vitest';
import { wsText } from '../../kit/ws-text.ts';
import { WebSocket } from 'ws';
import { StreamMessage } from '../../protocol/farm-api.ts';
import {
  AGRONOMIST,
  STRANGER,
  type TestGateway,
  call,
  expiresIn,
  startTestGateway,
  tempDir,
  waitFor,
} from './helpers.ts';
import { schemaErrors } from './openapi-validator.ts';

let gw: TestGateway | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await gw?.dispose();
  gw = undefined;
});

interface Client {
  ws: WebSocket;
  messages: StreamMessage[];
  closed: Promise<{ code: number; reason: string }>;
}

function connect(query = '', options: { from?: string; autoPong?: boolean } = {}): Promise<Client> {
  const ws = new WebSocket(`${gw!.url.replace('http', 'ws')}/api/stream${query}`, {
    localAddress: options.from ?? AGRONOMIST,
    autoPong: options.autoPong ?? true,
  });
  sockets.push(ws);
  const messages: StreamMessage[] = [];
  ws.on('message', (data) => {
    const json = JSON.parse(wsText(data)) as unknown;
    expect(schemaErrors('#/components/schemas/StreamMessage', json)).toBeNull();
    messages.push(StreamMessage.parse(json));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
}

const seqOf = (m: StreamMessage) => (m.type === 'gap' ? -1 : m.seq);

/** Produce `n` readings messages (one simulator step each). */
function produce(n: number): void {
  for (let i = 0; i < n; i++) {
    gw!.clock.advance(15_000);
    gw!.tick();
  }
}

describe('live stream', () => {
  it('says hello, then streams readings and command changes with increasing seq', async () => {
    gw = await startTestGateway();
    const c = await connect();
    await waitFor(() => c.messages.length >= 1, 2_000, 'hello');
    const hello = c.messages[0]!;
    expect(hello).toMatchObject({ type: 'hello', farmId: 'test-farm' });
    produce(2);
    await call(gw.url, 'POST', '/api/commands', {
      body: { id: 's1', action: 'close', target: 'valve-1', expiresAt: expiresIn(gw.clock, 60_000) },
    });
    await gw.commandsIdle();
    await waitFor(() => c.messages.filter((m) => m.type === 'command').length >= 3, 2_000, 'command updates');
    const live = c.messages.slice(1);
    expect(live.filter((m) => m.type === 'readings').length).toBe(2);
    const states = live.flatMap((m) => (m.type === 'command' ? [m.command.state] : []));
    expect(states).toEqual(['queued', 'running', 'succeeded']);
    const seqs = live.map(seqOf);
    expect(seqs[0]).toBe(hello.type === 'hello' ? hello.seq + 1 : NaN);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it('resumes from ?since= without losing or repeating a message', async () => {
    gw = await startTestGateway();
    const a = await connect();
    produce(3);
    await waitFor(() => a.messages.length >= 4, 2_000, 'first messages');
    const last = seqOf(a.messages[a.messages.length - 1]!);
    a.ws.close();
    await a.closed;
    produce(4); // missed while away
    const b = await connect(`?since=${last}`);
    produce(1);
    await waitFor(() => b.messages.length >= 6, 2_000, 'replay and live');
    expect(b.messages[0]!.type).toBe('hello');
    expect(b.messages.slice(1).map(seqOf)).toEqual([last + 1, last + 2, last + 3, last + 4, last + 5]);
    expect(b.messages.some((m) => m.type === 'gap')).toBe(false);
  });

  it('sends a gap with the time range to backfill when the buffer no longer reaches back', async () => {
    gw = await startTestGateway({ streamBufferSize: 3 });
    const a = await connect();
    produce(1);
    await waitFor(() => a.messages.length >= 2, 2_000, 'a message');
    const lastSeen = a.messages[1]!;
    const last = seqOf(lastSeen);
    a.ws.close();
    await a.closed;
    produce(10);
    const b = await connect(`?since=${last}`);
    await waitFor(() => b.messages.length >= 5, 2_000, 'gap and buffer');
    const [hello, gap, ...rest] = b.messages;
    expect(hello).toMatchObject({ type: 'hello', oldestSeq: last + 8 });
    expect(gap).toMatchObject({ type: 'gap', fromSeq: last + 1, toSeq: last + 7 });
    if (gap?.type !== 'gap' || lastSeen.type !== 'readings') throw new Error('unexpected');
    expect(gap.fromTs).toBeLessThanOrEqual(lastSeen.readings[0]!.ts + 15_000);
    expect(gap.toTs).toBeGreaterThan(gap.fromTs);
    expect(rest.map(seqOf)).toEqual([last + 8, last + 9, last + 10]);
  });

  it('keeps seq increasing across a restart and tells a returning client to backfill', async () => {
    const dir = tempDir();
    try {
      gw = await startTestGateway({ dataDir: dir.path });
      const a = await connect();
      produce(3);
      await waitFor(() => a.messages.length >= 4, 2_000, 'messages');
      const last = seqOf(a.messages[3]!);
      const clock = gw.clock;
      await gw.dispose();
      gw = await startTestGateway({ dataDir: dir.path }, clock);
      produce(1);
      const b = await connect(`?since=${last - 2}`);
      await waitFor(() => b.messages.length >= 2, 2_000, 'hello and gap');
      expect(b.messages[0]).toMatchObject({ type: 'hello', seq: last + 1 });
      expect(b.messages[1]).toMatchObject({ type: 'gap', fromSeq: last - 1, toSeq: last });
    } finally {
      await gw?.dispose();
      gw = undefined;
      dir.remove();
    }
  });

  it('closes with 1009 on an oversized frame and keeps serving', async () => {
    gw = await startTestGateway();
    const c = await connect();
    c.ws.send('x'.repeat(70 * 1024));
    expect((await c.closed).code).toBe(1009);
    const d = await connect();
    await waitFor(() => d.messages.length >= 1, 2_000, 'hello after 1009');
    expect((await call(gw.url, 'GET', '/api/health')).status).toBe(200);
  });

  it('cuts half-open connections that stop answering pings, and keeps healthy ones', async () => {
    gw = await startTestGateway({ pingIntervalMs: 250 });
    const healthy = await connect();
    let pings = 0;
    healthy.ws.on('ping', () => pings++);
    const deaf = await connect('', { autoPong: false });
    const closed = await deaf.closed;
    expect(closed.code).toBe(1006); // terminated, no close handshake
    await waitFor(() => pings >= 3, 5_000, 'pings to the healthy client');
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('says goodbye with 1001 when the gateway stops', async () => {
    gw = await startTestGateway();
    const c = await connect();
    const stopping = gw.dispose();
    gw = undefined;
    expect((await c.closed).code).toBe(1001);
    await stopping;
  });

  it('identifies stream callers and checks the query before upgrading', async () => {
    gw = await startTestGateway();
    await expect(connect('', { from: STRANGER })).rejects.toMatchObject({ status: 401 });
    await expect(connect('?since=-1')).rejects.toMatchObject({ status: 422 });
    await expect(connect('?since=abc')).rejects.toMatchObject({ status: 422 });
    const wrongPath = new WebSocket(`${gw.url.replace('http', 'ws')}/api/streams`, {
      localAddress: AGRONOMIST,
    });
    sockets.push(wrongPath);
    const status = await new Promise<number>((resolve) => {
      wrongPath.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      wrongPath.once('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });
});
