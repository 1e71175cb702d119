/** Property-based tests of the registry endpoints: arbitrary input never crashes it or half-writes a record. */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FarmRecord } from '../../protocol/discovery-api.ts';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import { call, fakeWhois, farmIdentity, heartbeatBody, personIdentity, tempDir } from './helpers.ts';
import { assertDocumented } from './openapi.ts';

const farmA = farmIdentity(2);
const farmB = farmIdentity(3);
const sue = personIdentity(4, 'sue@example.com', 'support');
const alice = personIdentity(2, 'alice@example.com', 'operator');
const bob = personIdentity(3, 'bob@example.com');
const callers = [farmA, farmB, sue, alice, bob];

let handle: RegistryHandle;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  dir = tempDir();
  handle = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile: join(dir.path, 'p.db'),
    resolveIdentity: fakeWhois(callers).resolve,
  });
  for (const f of [farmA, farmB]) {
    await call(handle.url, '/api/heartbeat', {
      from: f,
      body: heartbeatBody(Number(f.address.split('.')[3])),
    });
  }
});
afterAll(async () => {
  await handle.dispose();
  dir.dispose();
});

// The records themselves, not GET /api/farms: that list may lag heartbeats by up to a second by design
// (registry/list-body.ts), which made an earlier accepted heartbeat look like a change made by a refusal.
const snapshot = async () =>
  (
    await Promise.all(
      ['100.64.0.2', '100.64.0.3'].map(
        async (ip) => (await call(handle.url, `/api/farms/${ip}`, { from: bob })).text,
      ),
    )
  ).join('\n');

const locationArb = fc.oneof(
  fc.constant(null),
  fc.record({
    lat: fc.double({ min: -100, max: 100, noNaN: true }),
    lon: fc.double({ min: -200, max: 200, noNaN: true }),
  }),
);
const patchArb = fc.record(
  {
    displayName: fc.oneof(fc.constant(null), fc.string({ maxLength: 210 })),
    locationOverride: locationArb,
    notes: fc.string({ maxLength: 50 }),
    ifVersion: fc.integer({ min: -1, max: 20 }),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  patchArb.map((p) => ({ text: JSON.stringify(p) })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) })),
  fc.string({ maxLength: 100 }).map((text) => ({ text })),
  fc.constant({ text: '{"notes":"' + 'x'.repeat(33_000) + '"}' }),
);

describe('registry properties', () => {
  it('POST /api/farms/{ip}: any body gets a documented answer; a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...callers),
        fc.constantFrom('100.64.0.2', '100.64.0.3', '100.64.9.9'),
        bodyArb,
        async (from, ip, body) => {
          const before = await snapshot();
          const res = await call(handle.url, `/api/farms/${ip}`, { from, rawBody: body.text });
          expect([200, 400, 403, 409, 413, 422]).toContain(res.status);
          assertDocumented('/api/farms/{tailscale_ip}', 'POST', res);
          if (res.status !== 200) expect(await snapshot()).toBe(before);
          else expect(FarmRecord.parse(res.body).address).toBe(ip);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('POST /api/heartbeat: any body gets a documented answer; a refusal changes nothing', async () => {
    const hbArb = fc.oneof(
      fc
        .record(
          {
            apiPort: fc.integer({ min: -5, max: 70_000 }),
            name: fc.string({ maxLength: 220 }),
            sensors: fc.integer({ min: -2, max: 5 }),
            location: locationArb,
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(heartbeatBody(2, o))),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(farmA, sue, bob), hbArb, async (from, text) => {
        const before = await snapshot();
        const res = await call(handle.url, '/api/heartbeat', { from, rawBody: text });
        expect([200, 400, 403, 422]).toContain(res.status);
        assertDocumented('/api/heartbeat', 'POST', res);
        if (res.status !== 200) expect(await snapshot()).toBe(before);
        else expect(FarmRecord.parse(res.body)).toMatchObject({ address: '100.64.0.2', tags: ['tag:farm'] });
      }),
      { numRuns: 120 },
    );
  });

  it('GET /api/farms/{ip}: any path segment is a 200, 400 or 404, never a crash', async () => {
    const segArb = fc.oneof(
      fc.string({ maxLength: 60 }).map(encodeURIComponent),
      fc.ipV4(),
      fc.ipV6().map(encodeURIComponent),
      fc
        .tuple(fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255))
        .map(([a, b, c]) => `100.${a}.${b}.${c}`),
    );
    await fc.assert(
      fc.asyncProperty(segArb, async (seg) => {
        const res = await call(handle.url, `/api/farms/${seg}`, { from: bob });
        if (seg === '') return;
        expect([200, 400, 404]).toContain(res.status);
        assertDocumented('/api/farms/{tailscale_ip}', 'GET', res);
      }),
      { numRuns: 150 },
    );
  });

  it('model: versioned people edits and heartbeats in any order end where a simple model says', async () => {
    const cmdArb = fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        by: fc.constantFrom(sue, alice),
        notes: fc.string({ maxLength: 20 }),
        stale: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('beat' as const), name: fc.constantFrom('A', 'B', 'C') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 15 }), async (cmds) => {
        const ip = '100.64.0.3';
        const start = FarmRecord.parse((await call(handle.url, `/api/farms/${ip}`, { from: bob })).body);
        const model = { version: start.version, notes: start.notes, name: start.name };
        for (const c of cmds) {
          if (c.kind === 'edit') {
            const ifVersion = c.stale ? model.version - 1 : model.version;
            const res = await call(handle.url, `/api/farms/${ip}`, {
              from: c.by,
              body: { notes: c.notes, ifVersion },
            });
            if (c.stale) {
              expect(res.status).toBe(409);
            } else {
              expect(res.status).toBe(200);
              if (c.notes !== model.notes) model.version++;
              model.notes = c.notes;
            }
          } else {
            const res = await call(handle.url, '/api/heartbeat', {
              from: farmB,
              body: heartbeatBody(3, { name: c.name }),
            });
            expect(res.status).toBe(200);
            if (c.name !== model.name) model.version++;
            model.name = c.name;
          }
        }
        const end = FarmRecord.parse((await call(handle.url, `/api/farms/${ip}`, { from: bob })).body);
        expect({ version: end.version, notes: end.notes, name: end.name }).toEqual(model);
      }),
      { numRuns: 40 },
    );
  });
});
