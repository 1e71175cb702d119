/**
 * A small Farm API v1 gateway for tests and benchmarks: real node:http + ws on 127.x, speaking the protocol
 * the way gateway/ does (202 on POST /api/commands, idempotent ids, `?since=` replay or `gap`), with knobs
 * for faults: drop streams, freeze (half-open), stop and restart on the same port, delay or cut command
 * answers. Readings are produced only when a test calls `tick()`, so tests control time exactly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  CommandRequest,
  type CommandRecord,
  type FarmInfo,
  type HistoryResponse,
  type Reading,
  type StreamMessage,
} from '../../../protocol/farm-api.ts';

export interface FakeGatewayOptions {
  farmId?: string;
  sensors?: number;
  /** Messages kept for `?since=` replay. */
  replay?: number;
  host?: string;
  port?: number;
  /** Time a command stays `running` before it succeeds (ms). */
  runMs?: number;
  now?: () => number;
}

export interface FakeGateway {
  readonly farmId: string;
  readonly host: string;
  readonly port: number;
  readonly info: FarmInfo;
  readonly sensorIds: string[];
  /** One reading per sensor at `ts`, published as one stream message. */
  tick(ts: number): Reading[];
  /** Every reading ever produced, per sensor (ts order). */
  stored(sensorId: string): Reading[];
  seq(): number;
  streamClients(): number;
  /** TCP connections accepted so far (the SSRF tests check this stays 0). */
  accepted(): number;
  /** Requests seen, as "METHOD path". */
  requests: string[];
  commands: Map<string, CommandRecord>;
  /** How many times each command id was executed. */
  executions: Map<string, number>;
  /** Fault knobs, changed by tests at any time. */
  faults: {
    /** Delay before answering POST /api/commands (the command is stored first). */
    postDelayMs: number;
    /** Store the command, then destroy the connection without answering. */
    cutAfterStore: boolean;
    /** Destroy the connection before storing anything. */
    cutBeforeStore: boolean;
    /** Answer every request with this redirect location. */
    redirectTo: string | null;
    /** Answer history only with this many points, downsampled, when more were asked. */
    historyCap: number;
    /** Fail history requests with 503. */
    historyDown: boolean;
    /** Refuse every new command with 422 and this message. */
    reject: string | null;
    /** Do not publish command changes on the stream (only GET tells). */
    quietCommands: boolean;
  };
  dropStreams(): void;
  /** Half-open: stop reading and writing every open socket; new connections hang too. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startFakeGateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const farmId = options.farmId ?? 'farm-test';
  const host = options.host ?? '127.0.0.1';
  const replaySize = options.replay ?? 1_000;
  const runMs = options.runMs ?? 20;
  const now = options.now ?? Date.now;
  const sensorIds = Array.from({ length: options.sensors ?? 3 }, (_, i) => `s${i + 1}`);
  const info: FarmInfo = {
    apiVersion: 1,
    farmId,
    name: `Farm ${farmId}`,
    location: { lat: 55.7, lon: 37.6 },
    timeZone: 'Europe/Moscow',
    sensors: sensorIds.map((id) => ({
      id,
      kind: 'soil_moisture',
      label: id,
      unit: '%',
      expectedRange: { min: 0, max: 100 },
      intervalMs: 1_000,
    })),
    actuators: [
      {
        id: 'valve-1',
        kind: 'valve',
        label: 'Valve 1',
        commands: [
          {
            action: 'open',
            label: 'Open',
            params: {
              type: 'object',
              properties: { minutes: { type: 'integer', minimum: 1, maximum: 120 } },
              required: ['minutes'],
              additionalProperties: false,
            },
          },
          {
            action: 'close',
            label: 'Close',
            params: { type: 'object', properties: {}, required: [], additionalProperties: false },
          },
        ],
      },
    ],
    gatewayVersion: 'fake-1',
    capabilities: ['history', 'commands', 'stream'],
  };

  const store = new Map<string, Reading[]>(sensorIds.map((s) => [s, []]));
  const log: Array<{ seq: number; ts: number; text: string }> = [];
  const firstTsBySeq: number[] = [];
  let seq = 0;
  const commands = new Map<string, CommandRecord>();
  const fingerprints = new Map<string, string>();
  const executions = new Map<string, number>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const clients = new Set<WebSocket>();
  let frozen = false;
  let accepted = 0;
  let port = options.port ?? 0;
  const faults: FakeGateway['faults'] = {
    postDelayMs: 0,
    cutAfterStore: false,
    cutBeforeStore: false,
    redirectTo: null,
    historyCap: 10_000,
    historyDown: false,
    reject: null,
    quietCommands: false,
  };

  const publish = (msg: StreamMessage, ts: number) => {
    const text = JSON.stringify(msg);
    log.push({ seq: (msg as { seq: number }).seq, ts, text });
    if (log.length > replaySize) log.shift();
    for (const ws of clients) if (ws.readyState === WebSocket.OPEN && !frozen) ws.send(text);
  };

  const changeCommand = (id: string, state: CommandRecord['state'], reason?: string) => {
    const c = commands.get(id);
    if (!c) return;
    const at = new Date(now()).toISOString();
    const next: CommandRecord = {
      ...c,
      state,
      updatedAt: at,
      history: [...c.history, { state, at, ...(reason ? { reason } : {}) }],
      ...(reason ? { reason } : {}),
    };
    commands.set(id, next);
    if (faults.quietCommands) return;
    seq++;
    firstTsBySeq[seq] = now();
    publish({ type: 'command', seq, command: next }, now());
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { error: { code, message } });

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  };

  const history = (url: URL): HistoryResponse | null => {
    const sensor = url.searchParams.get('sensor') ?? '';
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    const maxPoints = url.searchParams.has('maxPoints')
      ? Number(url.searchParams.get('maxPoints'))
      : undefined;
    const rows = store.get(sensor);
    if (!rows) return null;
    const inRange = rows.filter((r) => r.ts >= from && r.ts <= to);
    const cap = Math.min(maxPoints ?? Infinity, faults.historyCap);
    let points: Array<[number, number | null]> = inRange.map((r) => [r.ts, r.value]);
    let method: HistoryResponse['method'] = 'raw';
    if (points.length > cap) {
      const step = Math.ceil(points.length / cap);
      points = points.filter((_, i) => i % step === 0);
      method = 'minmax';
    }
    return {
      farmId,
      sensorId: sensor,
      from,
      to,
      method,
      resolutionMs: 1_000,
      sourcePoints: inRange.length,
      points,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    requests.push(`${req.method} ${url.pathname}`);
    if (faults.redirectTo) {
      res.writeHead(302, { location: faults.redirectTo, 'content-length': 0 });
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/info') return json(res, 200, info);
    if (req.method === 'GET' && url.pathname === '/api/data/current') {
      const readings = [...store.values()].flatMap((rows) =>
        rows.length > 0 ? [rows[rows.length - 1]!] : [],
      );
      return json(res, 200, { farmId, at: new Date().toISOString(), readings });
    }
    if (req.method === 'GET' && url.pathname === '/api/data/history') {
      if (faults.historyDown) return fail(res, 503, 'UNAVAILABLE', 'history store down');
      const h = history(url);
      return h ? json(res, 200, h) : fail(res, 404, 'NOT_FOUND', 'no such sensor');
    }
    if (req.method === 'POST' && url.pathname === '/api/commands') {
      const parsed = CommandRequest.safeParse(await readBody(req));
      if (!parsed.success) return fail(res, 422, 'VALIDATION', 'bad command');
      const body = parsed.data;
      if (faults.cutBeforeStore) return void req.socket.destroy();
      const fp = JSON.stringify([body.action, body.target, body.params, body.expiresAt]);
      const existing = commands.get(body.id);
      if (existing) {
        if (fingerprints.get(body.id) !== fp)
          return fail(res, 422, 'VALIDATION', 'id reused with a different payload');
        return json(res, 202, existing);
      }
      if (faults.reject) return fail(res, 422, 'VALIDATION', faults.reject);
      const actuator = info.actuators.find((a) => a.id === body.target);
      if (!actuator?.commands.some((c) => c.action === body.action)) {
        return fail(res, 422, 'VALIDATION', `Unknown target or action ${body.target}/${body.action}.`);
      }
      const at = new Date(now()).toISOString();
      const record: CommandRecord = {
        ...body,
        state: 'queued',
        createdAt: at,
        updatedAt: at,
        requestedBy: 'tester@example.com',
        history: [{ state: 'queued', at }],
        confirmation: null,
      };
      commands.set(body.id, record);
      fingerprints.set(body.id, fp);
      if (!faults.quietCommands) {
        seq++;
        firstTsBySeq[seq] = now();
        publish({ type: 'command', seq, command: record }, now());
      }
      executions.set(body.id, (executions.get(body.id) ?? 0) + 1);
      setTimeout(() => changeCommand(body.id, 'running'), 1).unref();
      setTimeout(() => changeCommand(body.id, 'succeeded'), runMs).unref();
      if (faults.cutAfterStore) return void req.socket.destroy();
      if (faults.postDelayMs > 0) await new Promise((r) => setTimeout(r, faults.postDelayMs));
      if (res.destroyed) return;
      return json(res, 202, commands.get(body.id));
    }
    const m = /^\/api\/commands\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const c = commands.get(decodeURIComponent(m[1]!));
      return c ? json(res, 200, c) : fail(res, 404, 'NOT_FOUND', 'no such command');
    }
    return fail(res, 404, 'NOT_FOUND', 'no route');
  };

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let server: Server;

  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (frozen) return; // hang, like a frozen process
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (faults.redirectTo) {
      socket.end(`HTTP/1.1 302 Found\r\nlocation: ${faults.redirectTo}\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    if (url.pathname !== '/api/stream') return void socket.destroy();
    const sinceRaw = url.searchParams.get('since');
    const since = sinceRaw === null ? undefined : Number(sinceRaw);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const oldestSeq = log[0]?.seq ?? seq + 1;
      ws.send(JSON.stringify({ type: 'hello', farmId, seq, oldestSeq } satisfies StreamMessage));
      if (since !== undefined && since < seq) {
        if (since + 1 < oldestSeq) {
          const fromTs = firstTsBySeq[since + 1] ?? now();
          const toTs = firstTsBySeq[oldestSeq - 1] ?? fromTs;
          ws.send(
            JSON.stringify({
              type: 'gap',
              fromSeq: since + 1,
              toSeq: oldestSeq - 1,
              fromTs,
              toTs,
            } satisfies StreamMessage),
          );
        }
        for (const m of log) if (m.seq > since) ws.send(m.text);
      }
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => {});
    });
  };

  const start = async () => {
    server = createServer((req, res) => {
      if (frozen) return; // never answer
      handle(req, res).catch(() => res.destroy());
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      accepted++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('upgrade', onUpgrade);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };

  const stop = async () => {
    for (const ws of clients) ws.terminate();
    clients.clear();
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
  };

  await start();

  return {
    farmId,
    host,
    get port() {
      return port;
    },
    info,
    sensorIds,
    tick(ts) {
      const readings: Reading[] = sensorIds.map((sensorId, i) => ({
        sensorId,
        ts,
        value: Math.round((40 + 10 * Math.sin(ts / 60_000 + i)) * 100) / 100,
        quality: 'ok',
      }));
      for (const r of readings) store.get(r.sensorId)!.push(r);
      seq++;
      firstTsBySeq[seq] = ts;
      publish({ type: 'readings', seq, readings }, ts);
      return readings;
    },
    stored: (sensorId) => store.get(sensorId) ?? [],
    seq: () => seq,
    streamClients: () => clients.size,
    accepted: () => accepted,
    requests,
    commands,
    executions,
    faults,
    dropStreams() {
      for (const ws of clients) ws.terminate();
    },
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    thaw() {
      frozen = false;
      for (const s of sockets) s.resume();
    },
    stop,
    start,
    async dispose() {
      await stop();
      wss.close();
    },
  };
}
