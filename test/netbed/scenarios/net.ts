/**
 * Plain socket probes run inside a namespace by the ns-agent: a TCP echo server, a TCP round trip that
 * tells a reset (ECONNREFUSED/ECONNRESET) from a silent timeout, and a UDP echo. Every call is bounded.
 */
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Server, type Socket, connect, createServer } from 'node:net';

const servers = new Map<string, { tcp: Server } | { udp: UdpSocket }>();

export async function startTcpEcho(key: string, host: string, port: number): Promise<{ port: number }> {
  // A peer that resets (a probe that gave up, a held connection dropped with data in flight) must not
  // take the agent down with an unhandled 'error': that closed the echo port for every later test.
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  servers.set(key, { tcp: server });
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : port };
}

/** Answers every connection with the caller's address as the server saw it (what who-is will be asked). */
export async function startTcpWhoami(key: string, host: string, port: number): Promise<void> {
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.end(`${s.remoteAddress ?? ''}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  servers.set(key, { tcp: server });
}

export function tcpWhoami(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('whoami timed out'));
    }, timeoutMs);
    s.on('data', (d) => (text += d.toString()));
    s.on('end', () => {
      clearTimeout(timer);
      resolve(text.trim());
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function startUdpEcho(key: string, host: string, port: number): Promise<void> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  s.on('message', (msg, r) => s.send(msg, r.port, r.address));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => resolve());
  });
  servers.set(key, { udp: s });
}

export async function stopServer(key: string): Promise<void> {
  const s = servers.get(key);
  servers.delete(key);
  if (!s) return;
  if ('tcp' in s) await new Promise<void>((resolve) => s.tcp.close(() => resolve()));
  else s.udp.close();
}

export type ProbeOutcome =
  | { kind: 'echoed'; ms: number; bytes: number }
  | { kind: 'reset'; code: string; ms: number }
  | { kind: 'timeout'; ms: number; phase: 'connect' | 'reply' }
  | { kind: 'error'; code: string; ms: number };

/** Connect, send `size` bytes, wait for them back. A silent network ends in `timeout`, a refusal in `reset`. */
export function tcpRoundTrip(
  host: string,
  port: number,
  size: number,
  timeoutMs: number,
  localAddress?: string,
): Promise<ProbeOutcome> {
  const start = Date.now();
  const payload = Buffer.alloc(size, 0x61);
  return new Promise((resolve) => {
    let connected = false;
    let got = 0;
    let done = false;
    const s: Socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish({ kind: 'timeout', ms: Date.now() - start, phase: connected ? 'reply' : 'connect' }),
      timeoutMs,
    );
    s.on('connect', () => {
      connected = true;
      s.write(payload);
    });
    s.on('data', (d) => {
      got += d.length;
      if (got >= size) finish({ kind: 'echoed', ms: Date.now() - start, bytes: got });
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'EUNKNOWN';
      const ms = Date.now() - start;
      finish(
        code === 'ECONNREFUSED' || code === 'ECONNRESET'
          ? { kind: 'reset', code, ms }
          : { kind: 'error', code, ms },
      );
    });
  });
}

/**
 * Hold one connection open, echo once, then (after the caller black-holes the link) send again and see
 * what happens within `timeoutMs`: a black hole must look like silence, never like a reset.
 */
const held = new Map<string, Socket>();

export async function holdConnection(
  key: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const start = Date.now();
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ kind: 'timeout', ms: Date.now() - start, phase: 'connect' });
    }, timeoutMs);
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: 'error', code: err.code ?? 'EUNKNOWN', ms: Date.now() - start });
    });
    s.once('data', () => {
      clearTimeout(timer);
      held.set(key, s);
      resolve({ kind: 'echoed', ms: Date.now() - start, bytes: 1 });
    });
    s.once('connect', () => s.write('x'));
  });
}

export async function echoOnHeld(key: string, timeoutMs: number): Promise<ProbeOutcome> {
  const s = held.get(key);
  if (!s) throw new Error(`no held connection ${key}`);
  const start = Date.now();
  return new Promise((resolve) => {
    const cleanup = () => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('error', onError);
      s.off('close', onClose);
    };
    const onData = () => {
      cleanup();
      resolve({ kind: 'echoed', ms: Date.now() - start, bytes: 1 });
    };
    const onError = (err: NodeJS.ErrnoException) => {
      cleanup();
      const code = err.code ?? 'EUNKNOWN';
      resolve(
        code === 'ECONNRESET'
          ? { kind: 'reset', code, ms: Date.now() - start }
          : { kind: 'error', code, ms: Date.now() - start },
      );
    };
    const onClose = () => {
      cleanup();
      resolve({ kind: 'reset', code: 'CLOSED', ms: Date.now() - start });
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve({ kind: 'timeout', ms: Date.now() - start, phase: 'reply' });
    }, timeoutMs);
    s.on('data', onData);
    s.on('error', onError);
    s.on('close', onClose);
    s.write('y');
  });
}

export async function dropHeld(key: string): Promise<void> {
  held.get(key)?.destroy();
  held.delete(key);
}

export function udpRoundTrip(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const start = Date.now();
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      s.close();
      resolve({ kind: 'timeout', ms: Date.now() - start, phase: 'reply' });
    }, timeoutMs);
    s.once('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve({ kind: 'echoed', ms: Date.now() - start, bytes: m.length });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.close();
      resolve({ kind: 'error', code: err.code ?? 'EUNKNOWN', ms: Date.now() - start });
    });
    s.send(Buffer.from('ping'), port, host);
  });
}

/** The agent's resident memory, for leak checks. */
export function rss(): number {
  return process.memoryUsage().rss;
}

/** Connect, start an echo of `size` bytes, and reset the connection (RST) at the first byte back. */
export function resetMidEcho(host: string, port: number, size: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, timeoutMs);
    s.on('error', () => {});
    s.once('connect', () => s.write(Buffer.alloc(size, 0x62)));
    s.once('data', () => {
      clearTimeout(timer);
      s.resetAndDestroy();
      resolve('reset sent');
    });
  });
}
