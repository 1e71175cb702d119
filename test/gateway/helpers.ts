/** Shared test plumbing: a gateway on 127.0.0.1:0 with fake identities, and HTTP calls from chosen source addresses. */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGROMESH_CAPABILITY, type CallerIdentity } from '../../protocol/identity.ts';
import { silentLogger } from '../../kit/log.ts';
import { type GatewayHandle, type GatewayOptions, startGateway } from '../../gateway/gateway.ts';
import { type ManualClock, manualClock } from '../../gateway/clock.ts';

/** Source addresses (all loopback on Linux) that the fake who-is maps to people and devices. */
export const OPERATOR = '127.0.0.2';
export const AGRONOMIST = '127.0.0.3';
export const TAGGED_OPS = '127.0.0.4';
export const STRANGER = '127.0.0.9';

export function identity(address: string, over: Partial<CallerIdentity> = {}): CallerIdentity {
  return {
    address,
    nodeId: `n-${address}`,
    nodeName: `node-${address.split('.').pop()}`,
    user: 'someone@example.com',
    userDisplayName: 'Someone',
    tags: [],
    capabilities: {},
    ...over,
  };
}

export const people: Record<string, CallerIdentity> = {
  [OPERATOR]: identity(OPERATOR, {
    user: 'olga@example.com',
    capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['test-farm'] }] },
  }),
  [AGRONOMIST]: identity(AGRONOMIST, {
    user: 'anna@example.com',
    capabilities: {
      [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }, { role: 'operator', farms: ['other-farm'] }],
    },
  }),
  [TAGGED_OPS]: identity(TAGGED_OPS, { user: 'tagged-devices', nodeName: 'ops-console', tags: ['tag:ops'] }),
};

export const fakeResolver = async (address: string) => people[address] ?? null;

export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

export interface TestGateway extends GatewayHandle {
  clock: ManualClock;
}

export async function startTestGateway(
  over: Partial<GatewayOptions> = {},
  clock = manualClock(T0),
): Promise<TestGateway> {
  const gw = await startGateway({
    dataDir: null,
    farmId: 'test-farm',
    farmName: 'Test Farm',
    location: { lat: 48.85, lon: 2.35 },
    timeZone: 'Europe/Paris',
    listen: { host: '127.0.0.1', port: 0 },
    simulate: { seed: 7, schedule: false },
    resolveIdentity: fakeResolver,
    operatorTags: ['tag:ops'],
    clock,
    tickMs: 60_000, // tests drive the simulator with tick()
    log: silentLogger,
    ...over,
  });
  return Object.assign(gw, { clock });
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export function call(
  base: string,
  method: string,
  path: string,
  options: { from?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const req = request(new URL(path, base), {
      method,
      localAddress: options.from ?? OPERATOR,
      headers: {
        ...(payload !== undefined
          ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
          : {}),
        ...options.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // not JSON: callers look at `text`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.end(payload);
  });
}

/** Poll `check` until it returns a value (not undefined/false), or fail after `timeoutMs`. */
export { waitFor } from '../support/wait-for.ts';

export function tempDir(prefix = 'agromesh-gw-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function expiresIn(clock: { now(): number }, ms: number): string {
  return new Date(clock.now() + ms).toISOString();
}
