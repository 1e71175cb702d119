import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { createTailnetDialer, loopbackAliasOf } from '../../main/core/farms/dialer.ts';
import { createFarmClient } from '../../main/core/farms/farm-client.ts';
import { createFarmConnections } from '../../main/core/farms/connections.ts';
import { silentLogger } from '../../kit/log.ts';
import { startFakeGateway } from './support/fake-gateway.ts';
import { tempDir, waitFor } from './support/helpers.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A listener that counts the TCP connections it receives (none may arrive for a refused destination). */
async function countingListener(
  host = '127.0.0.1',
): Promise<{ port: number; count: () => number; server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => res.end('{}'));
  server.on('connection', () => n++);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, count: () => n, server };
}

function refusedCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AgromeshError ? err.code : 'other';
  }
  return undefined;
}

describe('tailnet-only dialer', () => {
  const tailnet = createTailnetDialer({ mode: 'tailnet' });

  it('refuses loopback, link-local, LAN, public and loopback names before any socket opens', async () => {
    const listener = await countingListener();
    for (const host of [
      '127.0.0.1',
      '::1',
      '[::1]',
      '169.254.169.254',
      '192.168.1.10',
      '10.0.0.1',
      '172.16.0.1',
      '8.8.8.8',
      'fe80::1',
      '100.128.0.1',
      'localhost',
      'example.com',
    ]) {
      expect(
        refusedCode(() => tailnet.check(host, listener.port)),
        host,
      ).toBe('DESTINATION_NOT_ALLOWED');
      await expect(tailnet.route(host, listener.port), host).rejects.toMatchObject({
        code: 'DESTINATION_NOT_ALLOWED',
      });
      expect(
        refusedCode(() => createFarmClient({ dialer: tailnet, address: host, port: listener.port })),
      ).toBe('DESTINATION_NOT_ALLOWED');
    }
    expect(listener.count()).toBe(0);
  });

  it('accepts tailnet addresses and MagicDNS names, and re-checks what a name resolves to', async () => {
    expect(() => tailnet.check('100.64.0.7', 8080)).not.toThrow();
    expect(() => tailnet.check('fd7a:115c:a1e0::7', 8080)).not.toThrow();
    expect(() => tailnet.check('north-farm.tail1234.ts.net', 8080)).not.toThrow();
    expect(refusedCode(() => tailnet.check('100.64.0.7', 0))).toBe('DESTINATION_NOT_ALLOWED');

    const rebinding = createTailnetDialer({ mode: 'tailnet', resolveName: async () => '192.168.1.1' });
    await expect(rebinding.route('north-farm', 8080)).rejects.toMatchObject({
      code: 'DESTINATION_NOT_ALLOWED',
    });
    const good = createTailnetDialer({ mode: 'tailnet', resolveName: async () => '100.101.102.103' });
    await expect(good.route('north-farm', 8080)).resolves.toMatchObject({ connectHost: '100.101.102.103' });
  });

  it('a farm with a refused address is never connected and nothing is dialled', async () => {
    const listener = await countingListener();
    const dir = tempDir();
    cleanups.push(dir.remove);
    const farms = createFarmConnections({ dataDir: dir.path, dialer: tailnet, log: silentLogger });
    cleanups.push(() => farms.dispose());
    for (const address of ['127.0.0.1', '169.254.169.254', '192.168.1.20']) {
      await expect(farms.connect({ farmId: 'f1', address, port: listener.port })).rejects.toMatchObject({
        code: 'DESTINATION_NOT_ALLOWED',
      });
    }
    expect(farms.endpoints()).toEqual([]);
    expect(listener.count()).toBe(0);
  });
});

describe('simulated mode', () => {
  it('allows loopback but still refuses LAN and link-local', () => {
    const sim = createTailnetDialer({ mode: 'simulated' });
    expect(() => sim.check('127.0.0.1', 1234)).not.toThrow();
    expect(refusedCode(() => sim.check('192.168.0.5', 1234))).toBe('DESTINATION_NOT_ALLOWED');
    expect(refusedCode(() => sim.check('169.254.1.1', 1234))).toBe('DESTINATION_NOT_ALLOWED');
  });

  it('maps a tailnet address to its loopback alias and binds to the control room alias', async () => {
    expect(loopbackAliasOf('100.64.12.34')).toBe('127.64.12.34');
    const gw = await startFakeGateway({ host: '127.64.12.34' });
    cleanups.push(() => gw.dispose());
    let seenFrom = '';
    const probe = createServer((req, res) => {
      seenFrom = req.socket.remoteAddress ?? '';
      res.end();
    });
    await new Promise<void>((r) => probe.listen(0, '127.64.12.35', () => r()));
    cleanups.push(() => new Promise<void>((r) => probe.close(() => r())));

    const sim = createTailnetDialer({ mode: 'simulated', selfAddress: '100.99.0.1' });
    const client = createFarmClient({ dialer: sim, address: '100.64.12.34', port: gw.port });
    cleanups.push(() => client.dispose());
    const info = await client.info();
    expect(info.farmId).toBe(gw.farmId);

    const r = await sim.route('100.64.12.35', (probe.address() as AddressInfo).port);
    expect(r).toMatchObject({ connectHost: '127.64.12.35', localAddress: '127.99.0.1' });
    const socket = sim.open(r);
    await new Promise<void>((res) => socket.once('connect', () => res()));
    socket.end('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await waitFor(() => seenFrom || undefined, 5_000, 'probe saw the request');
    expect(seenFrom).toBe('127.99.0.1');
  });

  it('never follows a redirect, over HTTP or on the stream', async () => {
    const elsewhere = await countingListener();
    const gw = await startFakeGateway();
    cleanups.push(() => gw.dispose());
    gw.faults.redirectTo = `http://127.0.0.1:${elsewhere.port}/api/info`;
    const sim = createTailnetDialer({ mode: 'simulated' });
    const client = createFarmClient({ dialer: sim, address: '127.0.0.1', port: gw.port });
    cleanups.push(() => client.dispose());
    await expect(client.info()).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });

    const dir = tempDir();
    cleanups.push(dir.remove);
    const farms = createFarmConnections({ dataDir: dir.path, dialer: sim, log: silentLogger });
    cleanups.push(() => farms.dispose());
    const states: string[] = [];
    farms.on('linkState', (e) => states.push(`${e.state}:${e.detail}`));
    await farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
    await waitFor(() => states.find((s) => s.includes('redirect')), 5_000, 'stream refused');
    expect(states.some((s) => s.startsWith('live'))).toBe(false);
    expect(elsewhere.count()).toBe(0);
  });
});
