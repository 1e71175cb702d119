/**
 * Crash safety with a real process: the gateway runs as a child, takes readings and commands, and is
 * SIGKILLed mid-stream (three times). Everything it acknowledged must be there after a restart, the
 * database must pass an integrity check, and no command may run twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandRecord, HistoryResponse, INTERRUPTED_REASON } from '../../protocol/farm-api.ts';
import { hardwareLayout } from './fixtures.ts';
import { call, tempDir, waitFor } from './helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = tempDir('agromesh-durable-');
afterAll(() => dir.remove());

interface Child {
  proc: ChildProcess;
  api: string;
  push: string;
  exited: Promise<void>;
}

function startChild(): Promise<Child> {
  const actuator = join(dir.path, 'actuator.sh');
  const proc = spawn(
    join(root, 'node_modules/.bin/node'),
    [
      join(root, 'gateway/main.ts'),
      '--farm-id',
      'durable',
      '--data-dir',
      join(dir.path, 'data'),
      '--layout',
      join(dir.path, 'layout.json'),
      '--listen',
      '127.0.0.1:0',
      '--push-listen',
      '127.0.0.1:0',
      '--insecure-no-auth',
      '--actuator-command',
      actuator,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const api = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const push = /accepting readings on (http:\/\/[^/\s]+)/.exec(out)?.[1];
      if (api && push) resolve({ proc, api, push, exited });
    });
    void exited.then(() => reject(new Error(`gateway exited early: ${err}`)));
  });
}

describe('durability across SIGKILL', () => {
  it('keeps every acknowledged reading and command, stays consistent, and never re-runs a command', async () => {
    writeFileSync(join(dir.path, 'layout.json'), JSON.stringify(hardwareLayout));
    const actuatorLog = join(dir.path, 'actuator.log');
    writeFileSync(
      join(dir.path, 'actuator.sh'),
      `#!/bin/sh\necho "$AGROMESH_COMMAND_ID" >> ${actuatorLog}\nsleep 0.05\necho '{"reason":"done"}'\n`,
    );
    chmodSync(join(dir.path, 'actuator.sh'), 0o755);
    writeFileSync(actuatorLog, '');

    const base = Date.now() - 3_600_000;
    let nextTs = base;
    const ackedTs: number[] = [];
    const ackedCommands: string[] = [];
    let commandNo = 0;

    for (let round = 0; round < 3; round++) {
      const child = await startChild();
      let stop = false;
      const pusher = (async () => {
        while (!stop) {
          const batch = Array.from({ length: 250 }, () => ({
            sensorId: 'probe-1',
            ts: nextTs++,
            value: (nextTs % 1000) / 10,
          }));
          try {
            const r = await call(child.push, 'POST', '/api/readings', {
              from: '127.0.0.1',
              body: { readings: batch },
            });
            if (r.status === 200) ackedTs.push(...batch.map((b) => b.ts));
          } catch {
            return; // killed mid-request: not acknowledged
          }
        }
      })();
      const commander = (async () => {
        while (!stop) {
          const id = `cmd-${round}-${commandNo++}`;
          try {
            const body = {
              id,
              action: 'pulse',
              target: 'relay-1',
              params: { seconds: 1 },
              expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
            };
            const r = await call(child.api, 'POST', '/api/commands', { from: '127.0.0.1', body });
            if (r.status === 202) ackedCommands.push(id);
          } catch {
            return;
          }
        }
      })();
      // Kill once both are well under way, while requests are in flight.
      const deadline = Date.now() + 10_000;
      while (
        Date.now() < deadline &&
        (ackedTs.length < (round + 1) * 5_000 || ackedCommands.length < (round + 1) * 5)
      ) {
        await new Promise((r) => setTimeout(r, 5));
      }
      child.proc.kill('SIGKILL');
      await child.exited;
      stop = true;
      await Promise.all([pusher, commander]);
    }

    // Consistent on disk, before any restart.
    const db = new DatabaseSync(join(dir.path, 'data', 'gateway.sqlite'));
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();

    const child = await startChild();
    try {
      const stored = new Set<number>();
      for (let from = base; from < nextTs; from += 10_000) {
        const h = HistoryResponse.parse(
          (
            await call(
              child.api,
              'GET',
              `/api/data/history?sensor=probe-1&from=${from}&to=${from + 9_999}&maxPoints=10000`,
              { from: '127.0.0.1' },
            )
          ).body,
        );
        expect(h.method).toBe('raw');
        for (const [ts] of h.points) stored.add(ts);
      }
      const lost = ackedTs.filter((ts) => !stored.has(ts));
      expect(lost).toEqual([]);
      expect(ackedTs.length).toBeGreaterThanOrEqual(15_000);

      let interrupted = 0;
      for (const id of ackedCommands) {
        const r = await call(child.api, 'GET', `/api/commands/${id}`, { from: '127.0.0.1' });
        expect(r.status, id).toBe(200);
        const rec = CommandRecord.parse(r.body);
        expect(rec.state, id).not.toBe('failed');
        if (rec.state === 'interrupted') {
          expect(rec.reason).toBe(INTERRUPTED_REASON);
          interrupted++;
        }
      }
      // Let the restarted gateway finish what was still queued, then check nothing ran twice.
      await waitFor(
        async () => {
          for (const id of ackedCommands) {
            const rec = CommandRecord.parse(
              (await call(child.api, 'GET', `/api/commands/${id}`, { from: '127.0.0.1' })).body,
            );
            if (rec.state === 'queued' || rec.state === 'running') return false;
          }
          return true;
        },
        15_000,
        'queued commands to finish',
      );
      const runs = readFileSync(actuatorLog, 'utf8').trim().split('\n').filter(Boolean);
      expect(new Set(runs).size).toBe(runs.length);
      expect(ackedCommands.length).toBeGreaterThanOrEqual(15);
      console.log(
        `durability: ${ackedTs.length} readings and ${ackedCommands.length} commands acknowledged; ${interrupted} interrupted mid-run`,
      );
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    const after = new DatabaseSync(join(dir.path, 'data', 'gateway.sqlite'));
    expect(after.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    after.close();
  }, 60_000);
});
