/** Concurrent writers, including two registries sharing one SQLite file, never lose an update. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FarmRecord } from '../../protocol/discovery-api.ts';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import { call, fakeWhois, farmIdentity, heartbeatBody, personIdentity, tempDir } from './helpers.ts';

const farm = farmIdentity(2);
const people = Array.from({ length: 8 }, (_, i) =>
  personIdentity(10 + i, `user${i}@example.com`, 'operator'),
);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

/** Read-modify-write with ifVersion, retrying on 409: the way the app edits notes. */
async function appendNote(reg: RegistryHandle, from: (typeof people)[number], line: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const cur = FarmRecord.parse((await call(reg.url, '/api/farms/100.64.0.2', { from })).body);
    const res = await call(reg.url, '/api/farms/100.64.0.2', {
      from,
      body: { notes: cur.notes ? `${cur.notes}\n${line}` : line, ifVersion: cur.version },
    });
    if (res.status === 200) return attempt;
    expect(res.status).toBe(409);
    if (attempt > 200) throw new Error('too many retries');
  }
}

describe('registry concurrency', () => {
  it('keeps every appended note when people on two registries over one file edit at once, while the farm heartbeats', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const dbFile = join(dir.path, 'shared.db');
    const who = fakeWhois([farm, ...people]);
    const regs = await Promise.all(
      [0, 1].map(() => startRegistry({ listen: '127.0.0.1:0', dbFile, resolveIdentity: who.resolve })),
    );
    for (const r of regs) cleanups.push(() => r.dispose());
    await call(regs[0]!.url, '/api/heartbeat', { from: farm, body: heartbeatBody(2) });

    const lines = people.flatMap((p, i) =>
      [0, 1, 2].map((k) => ({ p, reg: regs[(i + k) % 2]!, line: `${p.user} #${k}` })),
    );
    const beats = Array.from({ length: 10 }, (_, i) =>
      call(regs[i % 2]!.url, '/api/heartbeat', {
        from: farm,
        body: heartbeatBody(2, { name: `Farm v${i}` }),
      }),
    );
    const attempts = await Promise.all([
      ...lines.map(({ p, reg, line }) => appendNote(reg, p, line)),
      ...beats.map(async (b) => (await b).status),
    ]);
    expect(attempts.slice(lines.length).every((s) => s === 200)).toBe(true);

    for (const reg of regs) {
      const final = FarmRecord.parse(
        (await call(reg.url, '/api/farms/100.64.0.2', { from: people[0]! })).body,
      );
      expect(final.notes.split('\n').sort()).toEqual(lines.map((l) => l.line).sort());
      expect(final.farmId).toBe('farm-2');
    }
  });
});
