/**
 * Commands under faults, over the real tunnel, through the app's own ledger and dialer: a gateway killed
 * mid-command, a partition before and during a command, duplicate ids (concurrent and after completion), an
 * id reused with another payload, an expired command. Each ends in a definite state, runs at most once
 * (the gateway's fsync'd execution log), and the control room's ledger agrees with the gateway.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerCommand } from '../../protocol/app/index.ts';
import { newFragment, saveFragment } from './report.ts';
import type { HttpAnswer } from './scenarios/http.ts';
import type { Agent } from './testbed.ts';
import { CONTROL_ROOM, GATEWAY, HTTP, commandBody, netbedSkipReason, waitFor } from './support.ts';
import { type World, createWorld } from './world.ts';

const skip = netbedSkipReason();
const report = newFragment(
  '10-commands',
  'Commands under faults',
  'netbed: 1 farm gateway + control room ledger over WireGuard',
);
const TERMINAL = new Set(['succeeded', 'failed', 'interrupted', 'expired', 'rejected']);
const TUNING = {
  heartbeatMs: 1_000,
  handshakeTimeoutMs: 3_000,
  requestTimeoutMs: 3_000,
  commandTimeoutMs: 2_000,
  backoff: { baseMs: 200, factor: 1.6, capMs: 1_500, minUptimeMs: 0 },
  commandRetry: { baseMs: 200, factor: 2, capMs: 1_500, minUptimeMs: 0 },
  commandPollMs: 300,
};

describe.skipIf(skip !== undefined)(`commands under faults${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let w: World;
  let gw: Agent;
  let gwGeneration = 0;
  const farm = () => w.farms[0]!;
  const dataDir = () => join(w.dir, 'gw');
  const url = () => `http://${farm().ipv4}:8080`;

  const startGateway = async (actuatorDelayMs: number) => {
    gw = await w.tb.agent(farm().host, `gw${++gwGeneration}`);
    await gw.call(GATEWAY, 'startFarm', 'gw', {
      farmId: farm().name,
      host: farm().ipv4,
      dataDir: dataDir(),
      localApiSocket: farm().localApiSocket,
      actuatorDelayMs,
      tickMs: 100,
    });
  };
  const cr = () => w.tb.agent('cr');
  const executions = async () =>
    (await w.tb.agent('cr', 'reader')).call<{ started: string[]; ended: string[] }>(
      GATEWAY,
      'executions',
      dataDir(),
    );
  const gatewayRecord = async (id: string) =>
    (
      await (
        await cr()
      ).call<HttpAnswer>(HTTP, 'http', {
        url: `${url()}/api/commands/${id}`,
        localAddress: w.cr.ipv4,
        timeoutMs: 3_000,
      })
    ).json as {
      state: string;
      id: string;
    };
  const ledger = async (id: string) =>
    (await cr()).call<LedgerCommand>(CONTROL_ROOM, 'getCommand', 'room', id);
  const waitTerminal = (id: string, ms = 30_000) =>
    waitFor(
      async () => {
        const c = await ledger(id);
        return TERMINAL.has(c.state) ? c : undefined;
      },
      ms,
      `command ${id} to reach a final state`,
      100,
    );
  const send = async (params: Record<string, unknown> = { durationMin: 5 }) =>
    (await cr()).call<LedgerCommand>(CONTROL_ROOM, 'send', 'room', {
      farmId: farm().name,
      target: 'valve-1',
      action: 'open',
      params,
      requestedBy: 'operator@example.com',
    });
  const agree = async (id: string) => {
    const [l, g] = [await ledger(id), await gatewayRecord(id)];
    expect(g.state).toBe(l.state);
    return l.state;
  };
  const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

  beforeAll(async () => {
    w = await createWorld({ farms: 1 });
    await startGateway(1_500);
    const room = await cr();
    await room.call(CONTROL_ROOM, 'startRoom', 'room', {
      dataDir: join(w.dir, 'cr'),
      localAddress: w.cr.ipv4,
      tuning: TUNING,
    });
    await room.call(CONTROL_ROOM, 'connectFarms', 'room', [
      { farmId: farm().name, address: farm().ipv4, port: 8080 },
    ]);
    await waitFor(
      async () =>
        (await room.call<Record<string, string>>(CONTROL_ROOM, 'linkStates', 'room'))[farm().name] === 'live',
      20_000,
      'the farm link',
    );
  });
  afterAll(async () => {
    await w?.dispose();
    saveFragment(report);
  });

  it('a gateway killed mid-command: the command ends interrupted, ran once, ledger = gateway', async () => {
    const c = await send();
    await waitFor(async () => (await executions()).started.includes(c.id), 10_000, 'the actuation to start');
    await gw.kill('SIGKILL');
    await startGateway(300);
    const final = await waitTerminal(c.id);
    expect(final.state).toBe('interrupted');
    expect(await agree(c.id)).toBe('interrupted');
    expect(count((await executions()).started, c.id)).toBe(1);
    report.faults.push({
      fault: 'gateway SIGKILL mid-command',
      scenario: 'valve open running 1.5 s, gateway restarted on the same data',
      outcome: `${final.state}, executed 1×, ledger = gateway`,
      lost: 0,
      duplicates: 0,
      passed: true,
    });
  });

  it('a partition before the request reaches the farm: the command waits, is delivered once after healing and succeeds', async () => {
    await w.tb.linkDown(farm().host);
    let c: LedgerCommand;
    try {
      c = await send();
      expect(TERMINAL.has(c.state)).toBe(false);
      // While cut off it cannot be anything definite; the ledger never invents an outcome.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(['sending', 'unknown']).toContain((await ledger(c.id)).state);
    } finally {
      await w.tb.linkUp(farm().host);
    }
    const final = await waitTerminal(c.id);
    expect(final.state).toBe('succeeded');
    expect(await agree(c.id)).toBe('succeeded');
    expect(count((await executions()).started, c.id)).toBe(1);
    report.faults.push({
      fault: 'partition (link down) before delivery',
      scenario: 'command sent while the farm is cut off, healed after 2.5 s',
      outcome: `${final.state}, executed 1×, ledger = gateway`,
      lost: 0,
      duplicates: 0,
      passed: true,
    });
  });

  it('a black hole while the command runs: the answer is lost, the ledger asks again after healing and agrees', async () => {
    const c = await send();
    await waitFor(async () => (await executions()).started.includes(c.id), 10_000, 'the actuation to start');
    await w.tb.blackhole(farm().host);
    try {
      await new Promise((r) => setTimeout(r, 2_000));
      expect(TERMINAL.has((await ledger(c.id)).state)).toBe(false);
    } finally {
      await w.tb.heal(farm().host);
    }
    const final = await waitTerminal(c.id);
    expect(final.state).toBe('succeeded');
    expect(await agree(c.id)).toBe('succeeded');
    expect(count((await executions()).started, c.id)).toBe(1);
    report.faults.push({
      fault: 'black hole during a command',
      scenario: 'farm silent for 2 s while the valve runs',
      outcome: `${final.state}, executed 1×, ledger = gateway`,
      lost: 0,
      duplicates: 0,
      passed: true,
    });
  });

  it('the same id sent twice at once and again after completion runs once; another payload under that id is refused', async () => {
    const room = await cr();
    // A true duplicate is byte-for-byte the same request (expiresAt included: it is part of the payload).
    const body = commandBody('dup-1');
    const post = (text: string) =>
      room.call<HttpAnswer>(HTTP, 'http', {
        url: `${url()}/api/commands`,
        localAddress: w.cr.ipv4,
        body: text,
      });
    const [a, b] = await Promise.all([post(body), post(body)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((a.json as { id: string }).id).toBe('dup-1');
    await waitFor(
      async () => ((await gatewayRecord('dup-1')).state === 'succeeded' ? true : undefined),
      15_000,
      'dup-1 to finish',
    );
    const again = await post(body);
    expect(again.status).toBeLessThan(300);
    expect((again.json as { state: string }).state).toBe('succeeded');
    const conflict = await post(
      JSON.stringify({ ...(JSON.parse(body) as object), params: { durationMin: 9 } }),
    );
    // The gateway refuses it as a validation error naming the reused key (422; 409 would do as well).
    expect([409, 422]).toContain(conflict.status);
    expect(JSON.stringify(conflict.json)).toMatch(/already used|reused/);
    expect((await gatewayRecord('dup-1')).state).toBe('succeeded');
    expect(count((await executions()).started, 'dup-1')).toBe(1);
    report.faults.push({
      fault: 'duplicate id ×2 concurrently, then after completion',
      scenario: 'POST /api/commands with the same id',
      outcome: 'one record, executed 1×, repeat answered with the final record',
      lost: 0,
      duplicates: 0,
      passed: true,
    });
    report.faults.push({
      fault: 'id reused with another payload',
      scenario: 'same id, durationMin 5 → 9',
      outcome: `${conflict.status} ${(conflict.json as { error: { code: string } }).error.code}, original untouched`,
      lost: 0,
      duplicates: 0,
      passed: true,
    });
  });

  it('an expired command never runs: refused on arrival, or expired while queued', async () => {
    const room = await cr();
    const past = await room.call<HttpAnswer>(HTTP, 'http', {
      url: `${url()}/api/commands`,
      localAddress: w.cr.ipv4,
      body: commandBody('exp-past', { expiresInMs: -1_000 }),
    });
    // Recorded, not run: 202 with the final state, so a retry of the same id gets the same answer.
    expect(past.status).toBe(202);
    const pastState = (past.json as { state: string }).state;
    expect(pastState).toBe('expired');
    // Queue one behind a running command on the same valve with a short expiry.
    const first = await room.call<HttpAnswer>(HTTP, 'http', {
      url: `${url()}/api/commands`,
      localAddress: w.cr.ipv4,
      body: commandBody('exp-blocker'),
    });
    expect(first.status).toBe(202);
    const queued = await room.call<HttpAnswer>(HTTP, 'http', {
      url: `${url()}/api/commands`,
      localAddress: w.cr.ipv4,
      body: commandBody('exp-queued', { expiresInMs: 100 }),
    });
    expect(queued.status).toBe(202);
    const final = await waitFor(
      async () => {
        const r = await gatewayRecord('exp-queued');
        return TERMINAL.has(r.state) ? r.state : undefined;
      },
      15_000,
      'exp-queued to settle',
    );
    const started = (await executions()).started;
    // The blocker holds the valve for 300 ms, longer than the queued command's 100 ms: it must expire unrun.
    expect(final).toBe('expired');
    expect(count(started, 'exp-past')).toBe(0);
    expect(count(started, 'exp-queued')).toBe(0);
    report.faults.push({
      fault: 'expired command',
      scenario: 'expiresAt in the past; and 100 ms expiry queued behind a running command',
      outcome: `past: ${pastState}; queued: ${final}; never executed after expiry`,
      lost: 0,
      duplicates: 0,
      passed: true,
    });
  });

  it('every command the ledger knows agrees with the gateway, and none ran twice', async () => {
    const room = await cr();
    await room.call(CONTROL_ROOM, 'settle', 'room', farm().name);
    const known = await room.call<LedgerCommand[]>(CONTROL_ROOM, 'listCommands', 'room');
    expect(known.length).toBeGreaterThan(0);
    const disagree: string[] = [];
    for (const c of known) {
      const g = await gatewayRecord(c.id);
      if (g.state !== c.state) disagree.push(`${c.id}: ledger ${c.state}, gateway ${g.state}`);
    }
    expect(disagree).toEqual([]);
    const { started } = await executions();
    const twice = [...new Set(started)].filter((id) => count(started, id) > 1);
    expect(twice).toEqual([]);
    report.notes.push(
      `Actuations logged: ${started.length}, distinct ids: ${new Set(started).size} (fsync'd log written before the driver acts).`,
    );
  });
});
