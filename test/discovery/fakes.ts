/** Small in-test fakes: a TailscaleManager over an in-memory device list, and farm gateways serving /api/info. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TailnetDevice } from '../../protocol/device.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import type { FarmInfo } from '../../protocol/farm-api.ts';
import type { DeviceChange, TailnetCapability, TailscaleManager } from '../../main/core/tailnet/manager.ts';

export function device(n: number, overrides: Partial<TailnetDevice> = {}): TailnetDevice {
  return {
    id: `nFARM${n}CNTRL`,
    name: `farm-${n}`,
    dnsName: `farm-${n}.example-tailnet.ts.net`,
    hostname: `farm-${n}`,
    ipv4: [`100.64.0.${n}`],
    ipv6: [`fd7a:115c:a1e0::${n.toString(16)}`],
    tags: ['tag:farm'],
    os: 'linux',
    online: true,
    lastSeen: null,
    keyExpiry: null,
    keyExpiryDisabled: true,
    clientVersion: '1.102.3',
    updateAvailable: false,
    authorized: true,
    owner: 'tagged-devices',
    connection: { kind: 'direct', endpoint: `203.0.113.${n}:41641` },
    source: 'localapi',
    ...overrides,
  };
}

export class FakeTailnet implements TailscaleManager {
  readonly kind;
  readonly capabilities: ReadonlySet<TailnetCapability>;
  readonly devices = new Map<string, TailnetDevice>();
  readonly listeners = new Set<(c: DeviceChange) => void>();
  listCalls = 0;
  failList = false;

  constructor(options: { watch: boolean; devices?: TailnetDevice[] }) {
    this.kind = options.watch ? ('localapi' as const) : ('api-v2' as const);
    this.capabilities = new Set<TailnetCapability>(
      options.watch ? ['listDevices', 'whois', 'watch'] : ['listDevices'],
    );
    for (const d of options.devices ?? []) this.devices.set(d.id, d);
  }

  upsert(d: TailnetDevice): void {
    this.devices.set(d.id, d);
    for (const l of this.listeners) l({ type: 'upsert', device: d });
  }
  patch(id: string, changes: Partial<TailnetDevice>): void {
    this.upsert({ ...this.devices.get(id)!, ...changes });
  }
  remove(id: string): void {
    this.devices.delete(id);
    for (const l of this.listeners) l({ type: 'remove', id });
  }

  async listDevices(filter?: { tag?: string }): Promise<TailnetDevice[]> {
    this.listCalls++;
    if (this.failList) throw new AgromeshError('TAILNET_UNREACHABLE');
    return [...this.devices.values()].filter((d) => !filter?.tag || d.tags.includes(filter.tag));
  }
  async findDevice(name: string) {
    return [...this.devices.values()].find((d) => d.name === name || d.dnsName === name);
  }
  watch(listener: (c: DeviceChange) => void): () => void {
    if (!this.capabilities.has('watch')) throw new AgromeshError('TAILNET_UNSUPPORTED');
    this.listeners.add(listener);
    queueMicrotask(() => listener({ type: 'snapshot', devices: [...this.devices.values()] }));
    return () => this.listeners.delete(listener);
  }
  async whois() {
    return null;
  }
  async self() {
    return null;
  }
  setTags = unsupported;
  createAuthKey = unsupported;
  getPolicy = unsupported;
  validatePolicy = unsupported;
  setPolicy = unsupported;
  getPosture = unsupported;
  setPosture = unsupported;
  deletePosture = unsupported;
  dispose(): void {
    this.listeners.clear();
  }
}

async function unsupported(): Promise<never> {
  throw new AgromeshError('TAILNET_UNSUPPORTED');
}

export function farmInfo(n: number, overrides: Partial<FarmInfo> = {}): FarmInfo {
  return {
    apiVersion: 1,
    farmId: `farm-${n}`,
    name: `Gateway name ${n}`,
    location: { lat: 49 + n / 10, lon: 32 },
    timeZone: 'Europe/Kyiv',
    sensors: [
      {
        id: 's1',
        kind: 'soil_moisture',
        label: 'Soil',
        unit: '%',
        expectedRange: { min: 0, max: 100 },
        intervalMs: 1000,
      },
    ],
    actuators: [],
    gatewayVersion: '1.0.0',
    capabilities: [],
    ...overrides,
  };
}

/** A stand-in gateway: GET /api/info on 127.0.0.1 (random port); stop() and start() again on the same port. */
export class StubGateway {
  info: FarmInfo;
  port = 0;
  requests = 0;
  #server: Server | undefined;

  constructor(info: FarmInfo) {
    this.info = info;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.requests++;
      if (req.url === '/api/info') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.info));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}

/**
 * A fetch that stands in for the app's tailnet dialer: `http://100.x…:port/…` goes to whatever `route`
 * maps that address and port to (a stub gateway or a registry on loopback); unmapped addresses are refused.
 */
export function routedFetch(route: (address: string, port: number) => string | undefined) {
  return (url: string, init?: RequestInit): Promise<Response> => {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const target = route(host, Number(u.port || 80));
    if (!target) return Promise.reject(new TypeError(`fetch failed: connect ECONNREFUSED ${host}:${u.port}`));
    return fetch(`${target}${u.pathname}${u.search}`, init);
  };
}
