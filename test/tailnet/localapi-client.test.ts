import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalApiClient, type LocalApiClient } from '../../kit/tailscale/localapi.ts';
import { NotifyMask, type Notify } from '../../kit/tailscale/localapi-types.ts';
import {
  detectLocalApiEndpoint,
  LINUX_SOCKET_PATHS,
  parseSameUserProof,
} from '../../kit/tailscale/socket-path.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import {
  simLoopbackFor,
  simTailnetFor,
  startSimTailnet,
  type SimTailnetHandle,
} from '../../sim/tailnet/index.ts';
import { fixtureText, send, startStubServer, tempDir, waitFor } from './helpers.ts';

describe('LocalAPI client against fixtures', () => {
  let tmp: ReturnType<typeof tempDir>;
  let stub: Awaited<ReturnType<typeof startStubServer>>;
  let client: LocalApiClient;

  beforeEach(async () => {
    tmp = tempDir();
    stub = await startStubServer(
      (req, res) => {
        if (req.url.startsWith('/localapi/v0/status'))
          return send(res, 200, fixtureText('localapi-status.json'));
        if (req.url === '/localapi/v0/whois?addr=100.100.1.40%3A41641')
          return send(res, 200, fixtureText('localapi-whois.json'));
        if (req.url.startsWith('/localapi/v0/whois')) return send(res, 404, 'no match for IP:port\n');
        if (req.url.startsWith('/localapi/v0/watch-ipn-bus')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(fixtureText('localapi-watch-ipn-bus.ndjson'));
        }
        send(res, 404, 'not found\n');
      },
      join(tmp.dir, 'ts.sock'),
    );
    client = createLocalApiClient({ socketPath: join(tmp.dir, 'ts.sock') });
  });
  afterEach(async () => {
    await client.dispose();
    await stub.dispose();
    tmp.cleanup();
  });

  it('parses status and keeps a user id above 2^53 matching its User entry', async () => {
    const status = await client.status();
    const nas = Object.values(status.Peer).find((p) => p.HostName === 'nas')!;
    expect(nas.UserID).toBe('9007199254740993');
    expect(status.User[String(nas.UserID)]?.LoginName).toBe('tagged-devices');
    const phone = Object.values(status.Peer).find((p) => p.HostName === 'alice-phone')!;
    expect(phone.Tags).toEqual([]); // untagged peer: Tags omitted on the wire
    expect(status.User[String(phone.UserID)]?.LoginName).toBe('alice@example.com');
    expect(stub.requests[0]!.headers.host).toBe('local-tailscaled.sock');
    expect(stub.requests[0]!.headers.origin).toBeUndefined();
    expect(stub.requests[0]!.headers.referer).toBeUndefined();
  });

  it('turns who-is into a CallerIdentity and a 404 into null', async () => {
    const who = await client.whois('100.100.1.40:41641');
    expect(who).toEqual({
      address: '100.100.1.40',
      nodeId: 'nPHONE004CNTRL',
      nodeName: 'alice-phone',
      user: 'alice@example.com',
      userDisplayName: 'Alice Example',
      tags: [],
      capabilities: { 'tailscale.com/cap/golink': [{ admin: true }] },
    });
    expect(await client.whois('100.100.1.99')).toBeNull();
    await expect(client.whois('not-an-address')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('streams the watch-ipn-bus NDJSON lines as typed notifications', async () => {
    const seen: Notify[] = [];
    const w = client.watch(NotifyMask.InitialState | NotifyMask.PeerChanges, (n) => seen.push(n));
    await w.closed;
    expect(seen).toHaveLength(3);
    expect(seen[0]!.State).toBe(6);
    expect(seen[1]!.PeerChangedPatch?.[0]).toMatchObject({ NodeID: 1000004, Online: true });
    expect(seen[2]!.PeersRemoved).toEqual([1000003]);
  });

  it('reports selfAddresses', async () => {
    expect(await client.selfAddresses()).toEqual(['100.100.1.10', 'fd7a:115c:a1e0::1']);
    expect(stub.requests.at(-1)!.url).toBe('/localapi/v0/status?peers=false');
  });
});

describe('LocalAPI client against the simulated tailnet', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimTailnetHandle;
  let client: LocalApiClient;

  beforeEach(async () => {
    tmp = tempDir();
    sim = await startSimTailnet({ dir: tmp.dir, seed: 7 });
    client = createLocalApiClient({ socketPath: sim.localApiSocket });
  });
  afterEach(async () => {
    await client.dispose();
    await sim.dispose();
    tmp.cleanup();
  });

  it('tells nodes apart by tailnet IP or loopback alias, with or without a port', async () => {
    const farm = sim.tailnet.addDevice({ name: 'farm-north', tags: ['tag:farm'] });
    const ip = farm.ipv4!;
    const alias = simLoopbackFor(ip);
    expect(simTailnetFor(alias)).toBe(ip);
    for (const addr of [ip, `${ip}:8080`, alias, `${alias}:51234`]) {
      const who = await client.whois(addr);
      expect(who).toMatchObject({
        address: ip,
        nodeId: farm.stableId,
        nodeName: 'farm-north',
        user: 'tagged-devices',
        tags: ['tag:farm'],
      });
    }
    const self = await client.whois(simLoopbackFor(sim.self.ipv4!));
    expect(self?.user).toBe('operator@example.com');
    expect(self?.capabilities[AGROMESH_CAPABILITY]).toEqual([
      { role: 'operator', farms: ['*'] },
      { role: 'support' },
    ]);
    expect(await client.whois('100.64.200.200')).toBeNull();
  });

  it('answers whois with the capability map set at run time', async () => {
    const desk = sim.tailnet.addDevice({ name: 'agronomist-desk', user: 'agronomist@example.com' });
    sim.tailnet.setCapMap(desk.stableId, { [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] });
    const who = await client.whois(desk.ipv6);
    expect(who?.capabilities).toEqual({ [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] });
    expect(who?.address).toBe(desk.ipv6);
  });

  it('is refused by the simulated daemon when a request carries Origin, like the real one', async () => {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: sim.localApiSocket,
          path: '/localapi/v0/status',
          headers: { host: 'local-tailscaled.sock', origin: 'http://evil.example' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toEqual({ code: 403, body: 'invalid localapi request\n' });
    // …while the client's own requests go through and carry no Origin/Referer.
    await client.status();
    const mine = sim.tailnet.requests.filter((r) => r.server === 'localapi').at(-1)!;
    expect(mine.headers.origin).toBeUndefined();
    expect(mine.headers.referer).toBeUndefined();
    expect(mine.headers.host).toBe('local-tailscaled.sock');
  });

  it('keeps 64-bit ids exact end to end (sim ids are above 2^53)', async () => {
    sim.tailnet.addDevice({ name: 'farm-a', tags: ['tag:farm'] });
    const status = await client.status();
    for (const peer of Object.values(status.Peer)) {
      expect(typeof peer.NodeID).toBe('string');
      expect(status.User[String(peer.UserID)]).toBeDefined();
    }
    expect(String(status.Self!.NodeID)).toBe(sim.self.nodeId);
  });

  it('streams peer deltas from watch-ipn-bus', async () => {
    const seen: Notify[] = [];
    const mask =
      NotifyMask.InitialState | NotifyMask.InitialStatus | NotifyMask.PeerChanges | NotifyMask.PeerPatches;
    const w = client.watch(mask, (n) => seen.push(n));
    await waitFor(() => seen.length >= 1, 5000, 'initial notify');
    expect(seen[0]!.InitialStatus?.Self?.HostName).toBe('control-room');
    const farm = sim.tailnet.addDevice({ name: 'farm-b', tags: ['tag:farm'] });
    await waitFor(
      () => seen.find((n) => n.PeersChanged?.some((p) => p.StableID === farm.stableId)),
      5000,
      'PeersChanged',
    );
    sim.tailnet.setOnline(farm.stableId, false);
    const patch = await waitFor(() => seen.find((n) => n.PeerChangedPatch), 5000, 'patch');
    expect(patch.PeerChangedPatch![0]).toMatchObject({ NodeID: farm.nodeId, Online: false });
    sim.tailnet.removeDevice(farm.stableId);
    const removed = await waitFor(() => seen.find((n) => n.PeersRemoved), 5000, 'removal');
    expect(removed.PeersRemoved).toEqual([farm.nodeId]);
    w.close();
    await w.closed;
  });

  it('refuses an invalid mask the way the daemon does', async () => {
    const errors: string[] = [];
    const w = client.watch(NotifyMask.RateLimit | NotifyMask.PeerChanges, () => {}, {
      onError: (e) => errors.push(e.message),
    });
    await w.closed;
    expect(errors[0]).toMatch(/NotifyRateLimit cannot be combined/);
  });
});

describe('LocalAPI transport and discovery', () => {
  it('says which socket it tried and what to check when tailscaled is not there', async () => {
    const client = createLocalApiClient({ socketPath: '/nonexistent/agromesh/tailscaled.sock' });
    await expect(client.status()).rejects.toMatchObject({
      code: 'LOCALAPI_UNAVAILABLE',
      message: expect.stringMatching(/\/nonexistent\/agromesh\/tailscaled\.sock.*Is tailscaled running/),
    });
    await client.dispose();
  });

  it('lists every path it looked at when detection finds nothing', async () => {
    const client = createLocalApiClient({
      detect: () => detectLocalApiEndpoint({ platform: 'linux', exists: () => false }),
    });
    await expect(client.status()).rejects.toThrow(/\/var\/packages\/Tailscale\/var\/tailscaled\.sock/);
    await client.dispose();
  });

  it('detects Linux standard and NAS paths, the Windows pipe and the macOS variants', async () => {
    const nas = await detectLocalApiEndpoint({
      platform: 'linux',
      exists: (p) => p === '/tmp/tailscale/tailscaled.sock',
    });
    expect(nas.endpoint).toEqual({ kind: 'socket', path: '/tmp/tailscale/tailscaled.sock' });
    expect(nas.tried).toEqual(
      LINUX_SOCKET_PATHS.slice(0, LINUX_SOCKET_PATHS.indexOf('/tmp/tailscale/tailscaled.sock') + 1),
    );
    const win = await detectLocalApiEndpoint({ platform: 'win32' });
    expect(win.endpoint).toEqual({
      kind: 'socket',
      path: '\\\\.\\pipe\\ProtectedPrefix\\Administrators\\Tailscale\\tailscaled',
    });
    const appStore = await detectLocalApiEndpoint({
      platform: 'darwin',
      lsof: async () =>
        'p123\nn/Users/a/Library/Group Containers/io.tailscale.ipn.macos/sameuserproof-49152-0123456789abcdef0123\n',
      probeTcp: async () => true,
    });
    expect(appStore.endpoint).toMatchObject({ kind: 'tcp', port: 49152, token: '0123456789abcdef0123' });
    const standalone = await detectLocalApiEndpoint({
      platform: 'darwin',
      lsof: async () => '',
      readlink: () => '51000',
      readFile: (p) => (p === '/Library/Tailscale/sameuserproof-51000' ? 'abcdefabcdefabcdefab\n' : ''),
      probeTcp: async (port) => port === 51000,
    });
    expect(standalone.endpoint).toMatchObject({ kind: 'tcp', port: 51000, token: 'abcdefabcdefabcdefab' });
    const oss = await detectLocalApiEndpoint({
      platform: 'darwin',
      lsof: async () => '',
      readlink: () => {
        throw new Error('ENOENT');
      },
      exists: (p) => p === '/var/run/tailscaled.socket',
    });
    expect(oss.endpoint).toEqual({ kind: 'socket', path: '/var/run/tailscaled.socket' });
    expect(parseSameUserProof('nothing here')).toBeNull();
  });

  it('uses Basic auth with an empty user for the macOS TCP port, and no Origin', async () => {
    const stub = await startStubServer((req, res) => {
      if (req.headers.authorization !== 'Basic ' + Buffer.from(':0123456789abcdef0123').toString('base64')) {
        return send(res, 401, 'auth required\n');
      }
      send(res, 200, fixtureText('localapi-status.json'));
    });
    const port = Number(new URL(stub.url).port);
    const good = createLocalApiClient({ port, token: '0123456789abcdef0123' });
    expect((await good.status()).BackendState).toBe('Running');
    expect(stub.requests[0]!.headers.host).toBe('local-tailscaled.sock');
    expect(stub.requests[0]!.headers.origin).toBeUndefined();
    const bad = createLocalApiClient({ port, token: 'ffffffffffffffffffff' });
    await expect(bad.status()).rejects.toMatchObject({ code: 'TAILNET_AUTH' });
    await good.dispose();
    await bad.dispose();
    await stub.dispose();
  });
});

describe('who-is by caller address in the simulator', () => {
  it("a server on one node identifies callers bound to other nodes' loopback aliases", async () => {
    const { createServer } = await import('node:http');
    const tmp = tempDir();
    const sim = await startSimTailnet({ dir: tmp.dir, seed: 2 });
    const farm = sim.tailnet.addDevice({ name: 'farm-gw', tags: ['tag:farm'] });
    const desk = sim.tailnet.addDevice({ name: 'agronomist-desk', user: 'agronomist@example.com' });
    sim.tailnet.setCapMap(desk.stableId, { [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] });
    const client = createLocalApiClient({ socketPath: sim.localApiSocket });
    const server = createServer((req, res) => {
      void client.whois(`${req.socket.remoteAddress}:${req.socket.remotePort}`).then((who) => {
        res.end(JSON.stringify(who));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, sim.tailnet.loopbackOf(farm.stableId), resolve));
    const port = (server.address() as { port: number }).port;
    const callAs = (node: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = request(
          {
            host: sim.tailnet.loopbackOf(farm.stableId),
            port,
            path: '/',
            localAddress: sim.tailnet.loopbackOf(node),
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await callAs(desk.stableId)).toMatchObject({
      nodeName: 'agronomist-desk',
      address: desk.ipv4,
      user: 'agronomist@example.com',
      capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] },
    });
    expect(await callAs('control-room')).toMatchObject({
      nodeName: 'control-room',
      user: 'operator@example.com',
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await client.dispose();
    await sim.dispose();
    tmp.cleanup();
  });
});
