/**
 * The fan-out limit for the gateway load benchmark: a bare `ws` server in its own process sending the
 * gateway's own readings frames (captured from its stream, read from FRAMES) to every client, as fast as
 * the clients take them (backpressure on bufferedAmount), for SECONDS once CLIENTS are connected. Prints
 * its port, then, when done, one JSON line with the frames and readings each client was sent.
 *
 *   node bench/_same-frames-ws.ts FRAMES CLIENTS SECONDS
 */
import { readFileSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';

const [framesFile, clientsArg, secondsArg] = process.argv.slice(2);
const frames = (JSON.parse(readFileSync(framesFile!, 'utf8')) as string[]).map((f) => Buffer.from(f));
const perFrame = frames.map((f) => f.toString().split('"sensorId"').length - 1);
const CLIENTS = Number(clientsArg);
const SECONDS = Math.min(60, Number(secondsArg));
const HIGH_WATER = 4 * 1024 * 1024;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((r) => wss.once('listening', r));
console.log(String((wss.address() as { port: number }).port));

const clients: WebSocket[] = [];
wss.on('connection', (ws) => {
  clients.push(ws);
  if (clients.length === CLIENTS) void broadcast();
});

async function broadcast(): Promise<void> {
  let sent = 0;
  let readings = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++, sent++) {
      const i = sent % frames.length;
      for (const ws of clients) ws.send(frames[i]!);
      readings += perFrame[i]!;
    }
    while (clients.some((ws) => ws.bufferedAmount > HIGH_WATER)) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setImmediate(r));
  }
  console.log(JSON.stringify({ framesPerClient: sent, readingsPerClient: readings }));
}
