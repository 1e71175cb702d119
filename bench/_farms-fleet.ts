/**
 * A fleet of lightweight Farm API v1 stream servers in a child process, so the benchmarks measure the
 * control room's core alone (CPU, memory, event loop) on its own core. Each farm has its own port, serves
 * /api/info and /api/stream (hello, then `readings` messages of one reading per sensor).
 *
 * Modes: `flood` sends as fast as each socket drains (throughput); `rate` sends `hz` messages per second
 * per farm, spread over ten slots a second (steady load). The child exits after `maxSeconds` or when its
 * parent goes away.
 *
 *   node bench/_farms-fleet.ts --child '{"farms":2,"sensors":10,"mode":"rate","hz":1,"maxSeconds":10}'
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';

export interface FleetOptions {
  farms: number;
  sensors: number;
  mode: 'flood' | 'rate';
  hz?: number;
  maxSeconds: number;
  /** Farm ids start at bench-<offset> (a fleet split over several processes). */
  offset?: number;
}

export interface Fleet {
  ports: number[];
  farmId(i: number): string;
  child: ChildProcess;
  /** Readings the fleet has sent so far (all farms). */
  sent(): Promise<number>;
  stop(): Promise<void>;
}

const farmIdOf = (i: number) => `bench-${i}`;

/** Start the fleet in a child process and wait for its ports. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const node = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
  const child = spawn(node, [import.meta.filename, '--child', JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const sentWaiters: Array<(n: number) => void> = [];
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('fleet did not start')), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith('{"ports"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { ports: number[] }).ports);
        } else if (line.startsWith('{"sent"'))
          sentWaiters.shift()?.((JSON.parse(line) as { sent: number }).sent);
      }
    });
    child.once('exit', (code) => reject(new Error(`fleet exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ports,
    farmId: farmIdOf,
    child,
    sent: () =>
      new Promise<number>((resolve) => {
        sentWaiters.push(resolve);
        child.stdin.write('count\n');
      }),
    async stop() {
      child.stdin.end(); // the child exits when its stdin closes
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function runChild(options: FleetOptions): Promise<void> {
  const sensorIds = Array.from({ length: options.sensors }, (_, i) => `s${i + 1}`);
  const idOf = (farm: number) => farmIdOf((options.offset ?? 0) + farm);
  let sent = 0;
  const servers: Server[] = [];
  const clients: Array<{ ws: WebSocket; farm: number }> = [];
  const seq = new Array<number>(options.farms).fill(0);
  const baseTs = Date.now() - 3_600_000;
  const tsOf = new Array<number>(options.farms).fill(baseTs);
  let stopped = false;

  const message = (farm: number): string => {
    seq[farm]! += 1;
    sent += sensorIds.length;
    const ts = (tsOf[farm]! += options.mode === 'flood' ? 1 : 1_000);
    let readings = '';
    for (let i = 0; i < sensorIds.length; i++) {
      readings += `${i ? ',' : ''}{"sensorId":"${sensorIds[i]}","ts":${ts},"value":${(20 + ((ts / 1000 + i) % 30)).toFixed(2)},"quality":"ok"}`;
    }
    return `{"type":"readings","seq":${seq[farm]},"readings":[${readings}]}`;
  };

  const info = (farm: number) =>
    JSON.stringify({
      apiVersion: 1,
      farmId: idOf(farm),
      name: `Bench farm ${farm}`,
      location: null,
      timeZone: 'UTC',
      sensors: sensorIds.map((id) => ({
        id,
        kind: 'other',
        label: id,
        unit: '',
        expectedRange: { min: 0, max: 100 },
        intervalMs: 1_000,
      })),
      actuators: [],
      gatewayVersion: 'bench-fleet',
      capabilities: ['stream'],
    });

  const pump = (ws: WebSocket, farm: number) => {
    if (stopped || ws.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < 31; i++) ws.send(message(farm));
    // Continue when the last frame has been handed to the kernel: the reader's pace sets ours.
    ws.send(message(farm), () => setImmediate(() => pump(ws, farm)));
  };

  for (let farm = 0; farm < options.farms; farm++) {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/api/info')) {
        const body = info(farm);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"NOT_FOUND","message":"no route"}}');
      }
    });
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(
          JSON.stringify({
            type: 'hello',
            farmId: idOf(farm),
            seq: seq[farm],
            oldestSeq: seq[farm]! + 1,
          }),
        );
        const entry = { ws, farm };
        clients.push(entry);
        ws.on('close', () => clients.splice(clients.indexOf(entry), 1));
        ws.on('error', () => {});
        if (options.mode === 'flood') pump(ws, farm);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
  }

  // Ten slots a second; each farm sends in its slot, `hz` times a second (hz ≤ 10). Slots are counted from
  // the clock, not from timer calls, so a late timer (a busy machine) sends the slots it missed.
  const started = performance.now();
  let slotsDone = 0;
  const ticker =
    options.mode === 'rate'
      ? setInterval(() => {
          const hz = Math.min(10, Math.max(1, options.hz ?? 1));
          const due = Math.floor((performance.now() - started) / 100);
          for (; slotsDone < due; slotsDone++) {
            const slot = slotsDone % 10;
            for (const { ws, farm } of clients) {
              if ((farm + slot) % Math.round(10 / hz) === 0 && ws.readyState === WebSocket.OPEN)
                ws.send(message(farm));
            }
          }
        }, 100)
      : undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (ticker) clearInterval(ticker);
    for (const { ws } of clients) ws.terminate();
    for (const s of servers) s.close();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.on('data', (d: Buffer) => {
    for (let i = String(d).split('count').length - 1; i > 0; i--) process.stdout.write(`{"sent":${sent}}\n`);
  });
  process.stdin.resume();
  setTimeout(stop, options.maxSeconds * 1000).unref();
  process.stdout.write(
    `${JSON.stringify({ ports: servers.map((s) => (s.address() as AddressInfo).port) })}\n`,
  );
}

if (process.argv[2] === '--child') {
  await runChild(JSON.parse(process.argv[3] ?? '{}') as FleetOptions);
}
