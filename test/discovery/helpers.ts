/** Test helpers for discovery: tailnet identities, a fake who-is, an HTTP caller with a chosen source address. */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGROMESH_CAPABILITY, type CallerIdentity, type Role } from '../../protocol/identity.ts';

export function farmIdentity(n: number, extraTags: string[] = []): CallerIdentity {
  return {
    address: `100.64.0.${n}`,
    nodeId: `nFARM${n}CNTRL`,
    nodeName: `farm-${n}`,
    user: 'tagged-devices',
    userDisplayName: 'Tagged Devices',
    tags: ['tag:farm', ...extraTags],
    capabilities: {},
  };
}

export function personIdentity(n: number, login: string, role?: Role): CallerIdentity {
  return {
    address: `100.64.1.${n}`,
    nodeId: `nPERSON${n}CNTRL`,
    nodeName: `${login.split('@')[0]}-laptop`,
    user: login,
    userDisplayName: login,
    tags: [],
    capabilities: role ? { [AGROMESH_CAPABILITY]: [{ role }] } : {},
  };
}

/**
 * Like the simulated tailnet: each node's loopback alias 127.A.B.C stands for its tailnet address 100.A.B.C,
 * so a test can "be" a node by choosing the source address of its connection.
 */
export function loopbackOf(identity: CallerIdentity): string {
  return identity.address.replace(/^100\./, '127.');
}

export function fakeWhois(identities: CallerIdentity[]) {
  const byLoopback = new Map(identities.map((id) => [loopbackOf(id), id]));
  const calls: string[] = [];
  const resolve = async (address: string): Promise<CallerIdentity | null> => {
    calls.push(address);
    const found = byLoopback.get(address);
    return found ? structuredClone(found) : null;
  };
  return { resolve, calls, add: (id: CallerIdentity) => byLoopback.set(loopbackOf(id), id) };
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export async function call(
  base: string,
  path: string,
  options: {
    method?: string;
    body?: unknown;
    rawBody?: string | Buffer;
    contentType?: string;
    from?: CallerIdentity | string;
    headers?: Record<string, string>;
  } = {},
): Promise<CallResult> {
  const url = new URL(base);
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
  const localAddress =
    options.from === undefined
      ? undefined
      : typeof options.from === 'string'
        ? options.from
        : loopbackOf(options.from);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        localAddress,
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : {
                'content-type': options.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: callers look at `text`
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export function heartbeatBody(n: number, overrides: Record<string, unknown> = {}) {
  return {
    farmId: `farm-${n}`,
    name: `Farm ${n}`,
    location: { lat: 50 + n / 100, lon: 30 },
    timeZone: 'Europe/Kyiv',
    gatewayVersion: '1.0.0',
    apiPort: 8080,
    sensors: 4,
    actuators: 2,
    capabilities: ['history'],
    ...overrides,
  };
}

/** Poll `check` until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export { waitFor } from '../support/wait-for.ts';

export function tempDir(prefix = 'agromesh-discovery-'): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}
