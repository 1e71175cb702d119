import { afterEach, describe, expect, it } from 'vitest';
import { LedgerCommand } from '../../protocol/app/index.ts';
import { dispatch } from '../../main/core/rpc/dispatch.ts';
import { commandsToCsv } from '../../main/core/farms/csv.ts';
import { farmOperationHandlers } from '../../main/core/farms/handlers.ts';
import type { OperationHandlers } from '../../protocol/app/index.ts';
import { startFakeGateway } from './support/fake-gateway.ts';
import { tempDir, waitFor } from './support/helpers.ts';
import { fastTuning, recordedFarms } from './support/setup.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(tuning = fastTuning()) {
  const gw = await startFakeGateway({ runMs: 30 });
  cleanups.push(() => gw.dispose());
  const dir = tempDir();
  cleanups.push(dir.remove);
  const rec = recordedFarms({ dataDir: dir.path, tuning });
  cleanups.push(() => rec.farms.dispose());
  await rec.farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
  await waitFor(
    () => rec.farms.latest(gw.farmId)?.link === 'live' && rec.farms.info(gw.farmId),
    5_000,
    'live with info',
  );
  return { gw, rec, dir };
}

const open = (farmId: string) => ({
  farmId,
  target: 'valve-1',
  action: 'open',
  params: { minutes: 5 },
  requestedBy: 'anna@farm.example',
});
const posts = (gw: { requests: string[] }) => gw.requests.filter((r) => r === 'POST /api/commands').length;

describe('command ledger', () => {
  it('records every state change with who asked, and ends in the gateway outcome', async () => {
    const { gw, rec } = await setup();
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(LedgerCommand.parse(sent)).toBeTruthy();
    expect(sent).toMatchObject({
      farmId: gw.farmId,
      farmName: gw.info.name,
      requestedBy: 'anna@farm.example',
    });
    expect(['queued', 'running', 'succeeded']).toContain(sent.state); // the stream may overtake the POST answer
    const done = await waitFor(
      () => (rec.farms.getCommand(sent.id).state === 'succeeded' ? rec.farms.getCommand(sent.id) : null),
      5_000,
      'succeeded',
    );
    expect(done.history.map((h) => h.state)).toEqual(['sending', 'queued', 'running', 'succeeded']);
    expect(gw.executions.get(sent.id)).toBe(1);
    // The names people use, from the farm's layout, on every way out (answer, lookup, list, events).
    const names = { target: 'Valve 1', action: 'Open', params: { minutes: { title: 'minutes' } } };
    expect(sent.names).toEqual(names);
    expect(done.names).toEqual(names);
    expect(rec.farms.listCommands({ limit: 10 })[0]!.names).toEqual(names);
    expect(rec.commands.every((c) => c.names?.target === 'Valve 1')).toBe(true);
    expect(rec.commands.filter((c) => c.id === sent.id).map((c) => c.state)).toEqual([
      'sending',
      'queued',
      'running',
      'succeeded',
    ]);
  });

  it('a timed-out request becomes unknown and is resolved by asking the gateway, not by sending again', async () => {
    const { gw, rec } = await setup(fastTuning({ commandTimeoutMs: 200 }));
    gw.faults.postDelayMs = 1_000;
    gw.faults.quietCommands = true; // the stream does not tell: only asking by id can
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(sent.state).toBe('unknown');
    await waitFor(() => rec.farms.getCommand(sent.id).state === 'succeeded', 5_000, 'resolved');
    expect(posts(gw)).toBe(1);
    expect(gw.requests).toContain(`GET /api/commands/${sent.id}`);
    expect(gw.executions.get(sent.id)).toBe(1);
  });

  it('a timed-out request whose outcome the stream already reported keeps that outcome', async () => {
    const { gw, rec } = await setup(fastTuning({ commandTimeoutMs: 300 }));
    gw.faults.postDelayMs = 1_000;
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(sent.state).toBe('succeeded');
    expect(sent.history.map((h) => h.state)).toEqual(['sending', 'queued', 'running', 'succeeded']);
    expect(posts(gw)).toBe(1);
  });

  it('a connection cut after the gateway stored the command: unknown, then its real outcome; ran once', async () => {
    const { gw, rec } = await setup();
    gw.faults.quietCommands = true;
    gw.faults.cutAfterStore = true;
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(sent.state).toBe('unknown');
    gw.faults.cutAfterStore = false;
    await waitFor(() => rec.farms.getCommand(sent.id).state === 'succeeded', 5_000, 'resolved');
    expect(posts(gw)).toBe(1);
    expect(gw.executions.get(sent.id)).toBe(1);
  });

  it('a command the gateway never received is sent again with the same id, and runs once', async () => {
    const { gw, rec } = await setup();
    gw.faults.quietCommands = true;
    gw.faults.cutBeforeStore = true;
    rec.farms.on('command', (c) => {
      if (c.state === 'unknown') gw.faults.cutBeforeStore = false;
    });
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(sent.state).toBe('unknown');
    const done = await waitFor(
      () => (rec.farms.getCommand(sent.id).state === 'succeeded' ? rec.farms.getCommand(sent.id) : null),
      5_000,
      'resolved',
    );
    expect(posts(gw)).toBe(2);
    expect([...gw.commands.keys()]).toEqual([sent.id]);
    expect(gw.executions.get(sent.id)).toBe(1);
    expect(done.history.map((h) => h.state).slice(0, 4)).toEqual(['sending', 'unknown', 'sending', 'queued']);
    expect(done.history.at(-1)?.state).toBe('succeeded');
  });

  it('a refusal by the gateway is final', async () => {
    const { gw, rec } = await setup();
    gw.faults.reject = 'valve-1 is locked out for maintenance';
    const sent = await rec.farms.sendCommand(open(gw.farmId));
    expect(sent.state).toBe('rejected');
    expect(sent.reason).toMatch(/locked out/);
    await expect(
      rec.farms.sendCommand({ ...open(gw.farmId), params: { minutes: 500 } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(rec.farms.sendCommand({ ...open(gw.farmId), target: 'pump-9' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('an unreachable farm: the command waits as sending, expires on time and is never executed later', async () => {
    const { gw, rec } = await setup();
    await gw.stop();
    await waitFor(() => rec.farms.latest(gw.farmId)?.link !== 'live', 5_000, 'down');
    const sent = await rec.farms.sendCommand({ ...open(gw.farmId), expiresInMs: 300 });
    expect(sent.state).toBe('sending');
    expect(sent.reason).toMatch(/not delivered yet/);
    await waitFor(() => rec.farms.getCommand(sent.id).state === 'expired', 3_000, 'expired');
    await gw.start();
    await waitFor(() => rec.farms.latest(gw.farmId)?.link === 'live', 5_000, 'live again');
    await rec.farms.idle();
    expect(gw.executions.size).toBe(0);
    expect(posts(gw)).toBe(0);
  });

  it('commands left open when the app stopped are resumed and resolved at the next start', async () => {
    const { gw, rec, dir } = await setup(fastTuning({ commandTimeoutMs: 5_000 }));
    gw.faults.postDelayMs = 5_000; // stored and executed at once, answer held back
    gw.faults.quietCommands = true;
    const pending = rec.farms.sendCommand(open(gw.farmId));
    await waitFor(() => gw.commands.size === 1, 5_000, 'gateway stored it');
    await rec.farms.dispose(); // the app stops with the request in flight
    await pending.catch(() => {});
    const id = [...gw.commands.keys()][0]!;
    gw.faults.postDelayMs = 0;

    const again = recordedFarms({ dataDir: dir.path, tuning: fastTuning() });
    cleanups.push(() => again.farms.dispose());
    expect(again.farms.getCommand(id).state).toBe('unknown');
    await again.farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
    await waitFor(() => again.farms.getCommand(id).state === 'succeeded', 5_000, 'resolved after restart');
    expect(posts(gw)).toBe(1);
    expect(gw.executions.get(id)).toBe(1);
  });

  it('is queryable by farm, person and time, and exports safe CSV', async () => {
    const { gw, rec } = await setup();
    const a = await rec.farms.sendCommand(open(gw.farmId));
    const b = await rec.farms.sendCommand({ ...open(gw.farmId), requestedBy: '=HYPERLINK("http://evil")' });
    const c = await rec.farms.sendCommand({
      ...open(gw.farmId),
      action: 'close',
      params: {},
      requestedBy: 'bob, "the operator"',
    });
    expect(rec.farms.listCommands({ limit: 10 }).map((x) => x.id)).toEqual(
      [c.id, b.id, a.id].sort((x, y) => {
        const t = (id: string) => Date.parse(rec.farms.getCommand(id).createdAt);
        return t(y) - t(x) || (x < y ? -1 : 1);
      }),
    );
    expect(rec.farms.listCommands({ requestedBy: 'anna@farm.example', limit: 10 }).map((x) => x.id)).toEqual([
      a.id,
    ]);
    expect(rec.farms.listCommands({ farmId: 'other-farm', limit: 10 })).toEqual([]);
    const created = Date.parse(a.createdAt);
    expect(rec.farms.listCommands({ from: created, to: created, limit: 10 }).map((x) => x.id)).toContain(
      a.id,
    );
    expect(rec.farms.listCommands({ to: created - 1, limit: 10 })).toEqual([]);
    expect(rec.farms.listCommands({ limit: 1 })).toHaveLength(1);

    const { filename, csv } = rec.farms.exportCsv({ farmId: gw.farmId, limit: 10 });
    expect(filename).toMatch(/^agromesh-commands-farm-test-\d{8}-\d{6}\.csv$/);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'id,farmId,farmName,action,target,params,requestedBy,createdAt,updatedAt,state,reason,history',
    );
    expect(lines).toHaveLength(5); // header, 3 rows, trailing empty
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain('"bob, ""the operator"""');
    expect(csv).toContain('"{""minutes"":5}"');
  });
});

describe('CSV export', () => {
  it('of no commands is the header row alone', () => {
    expect(commandsToCsv([]).split('\r\n')[1]).toBe('');
  });
});

describe('contract handlers', () => {
  it('send with the caller identity, refuse without the role, and keep the contract shapes', async () => {
    const { gw, rec } = await setup();
    let allowed = true;
    const handlers = farmOperationHandlers(() => rec.farms, {
      whoAmI: () => 'olga@farm.example',
      canCommand: () => allowed,
    });
    const h = handlers as unknown as OperationHandlers;
    const env = await dispatch(h, 'sendCommand', {
      farmId: gw.farmId,
      target: 'valve-1',
      action: 'open',
      params: { minutes: 3 },
    });
    expect(env.ok).toBe(true);
    const cmd = LedgerCommand.parse((env as { value: unknown }).value);
    expect(cmd.requestedBy).toBe('olga@farm.example');
    expect(await handlers.getCommand({ id: cmd.id })).toMatchObject({ id: cmd.id });
    expect((await handlers.listCommands({ limit: 5 })).map((c) => c.id)).toEqual([cmd.id]);
    expect((await handlers.exportCommandsCsv({ limit: 5 })).csv).toContain('olga@farm.example');
    const missing = await dispatch(h, 'getCommand', { id: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    allowed = false;
    const denied = await dispatch(h, 'sendCommand', {
      farmId: gw.farmId,
      target: 'valve-1',
      action: 'close',
      params: {},
    });
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const hist = await handlers.getHistory({
      farmId: gw.farmId,
      sensorIds: ['s1'],
      from: Date.now() - 3_600_000,
      to: Date.now(),
      maxPoints: 10,
    });
    expect(hist.fromCache).toBe(false);
  });
});
