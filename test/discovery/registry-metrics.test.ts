import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import { call, fakeWhois, farmIdentity, heartbeatBody, personIdentity, tempDir } from './helpers.ts';

const farmA = farmIdentity(2);
const alice = personIdentity(2, 'alice@example.com', 'operator');
const sue = personIdentity(4, 'sue@example.com', 'support');
const prometheus = { ...farmIdentity(9), nodeName: 'prometheus', tags: ['tag:monitoring'] };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function registry(): Promise<RegistryHandle> {
  const dir = tempDir();
  cleanups.push(dir.dispose);
  const handle = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile: join(dir.path, 'registry.db'),
    resolveIdentity: fakeWhois([farmA, alice, sue, prometheus]).resolve,
  });
  cleanups.push(() => handle.dispose());
  return handle;
}

describe('registry /metrics', () => {
  it('counts heartbeats and farms for tag:monitoring and support; refuses an operator with 403', async () => {
    const handle = await registry();
    expect(
      (await call(handle.url, '/api/heartbeat', { method: 'POST', from: farmA, body: heartbeatBody(2) }))
        .status,
    ).toBe(200);
    expect(
      (await call(handle.url, '/api/heartbeat', { method: 'POST', from: alice, body: heartbeatBody(2) }))
        .status,
    ).toBe(403);
    const m = await call(handle.url, '/metrics', { from: prometheus });
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toContain('agromesh_registry_heartbeats_total{result="ok"} 1');
    expect(m.text).toContain('agromesh_registry_heartbeats_total{result="refused"} 1');
    expect(m.text).toContain('agromesh_registry_farms{status="known"} 1');
    expect(m.text).toContain('agromesh_registry_farms{status="online"} 1');
    expect(m.text).toContain(
      'agromesh_http_request_duration_seconds_count{route="/api/heartbeat",method="POST",status="200"} 1',
    );
    expect(m.text).toContain('process_resident_memory_bytes');
    expect((await call(handle.url, '/metrics', { from: sue })).status).toBe(200);
    const refused = await call(handle.url, '/metrics', { from: alice });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});
