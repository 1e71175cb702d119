/**
 * A TCP relay between the control room and a gateway that tests can cut (a network outage: the gateway
 * keeps running and measuring, the control room cannot reach it) and restore on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  host = '127.0.0.1',
): Promise<TcpProxy> {
  const pairs = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(target.port, target.host);
      pairs.add(client);
      pairs.add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        pairs.delete(client);
        pairs.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };

  const cut = async () => {
    const s = server;
    server = undefined;
    for (const p of pairs) p.destroy();
    pairs.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    dispose: cut,
  };
}
