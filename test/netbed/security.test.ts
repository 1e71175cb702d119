/**
 * Authorization over the real tunnel: callers are told apart only by their WireGuard source address
 * (who-is on 100.64.x.y); headers that claim another identity change nothing; a farm node cannot touch
 * another farm's registry record; and the role × action capability matrix has no mismatch.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { createAppCore } from '../../main/core/app-core.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { authRow, newFragment, saveFragment } from './report.ts';
import type { HttpAnswer } from './scenarios/http.ts';
import { GATEWAY, HTTP, REGISTRY, commandBody, netbedSkipReason, waitFor } from './support.ts';
import { type CallerRole, type World, createWorld } from './world.ts';

const skip = netbedSkipReason();
const report = newFragment(
  '30-authorization',
  'Authorization over the real tunnel',
  'netbed: WireGuard between namespaces, who-is by tunnel source address',
);
const row = (check: string, attempts: number, unauthorizedSucceeded: number) =>
  authRow(report, check, attempts, unauthorizedSucceeded);

describe.skipIf(skip !== undefined)(
  `authorization over the tunnel${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let w: World;
    let registryUrl: string;
    const farmUrl = (i: number) => `http://${w.farms[i]!.ipv4}:8080`;
    const dataDir = (i: number) => join(w.dir, `gw-${i}`);

    beforeAll(async () => {
      w = await createWorld({ farms: 2 });
      const reg = await w.tb.agent('registry');
      ({ url: registryUrl } = await reg.call<{ url: string }>(REGISTRY, 'startRegistryNode', 'r', {
        host: w.registry.ipv4,
        port: 8090,
        dbFile: join(w.dir, 'registry.sqlite'),
        localApiSocket: w.registry.localApiSocket,
      }));
      for (const [i, f] of w.farms.entries()) {
        const a = await w.tb.agent(f.host);
        await a.call(GATEWAY, 'startFarm', f.name, {
          farmId: f.name,
          host: f.ipv4,
          dataDir: dataDir(i),
          localApiSocket: f.localApiSocket,
          discoveryUrl: registryUrl,
          heartbeatIntervalMs: 300,
          actuatorDelayMs: 20,
          identityCacheMs: 0,
        });
      }
    });
    afterAll(async () => {
      await w?.dispose();
      saveFragment(report);
    });

    const asCaller = async (role: CallerRole, probe: Record<string, unknown>): Promise<HttpAnswer> => {
      const cr = await w.tb.agent('cr');
      return cr.call<HttpAnswer>(HTTP, 'http', { localAddress: w.callers[role].ipv4, ...probe });
    };
    const executions = async (i: number) =>
      (await w.tb.agent(w.farms[i]!.host)).call<{ started: string[] }>(GATEWAY, 'executions', dataDir(i));

    it('a node without the operator grant gets 403 for a command, and nothing runs; the operator gets 202', async () => {
      let unauthorized = 0;
      for (const role of ['nogrant', 'agronomist', 'support'] as const) {
        const r = await asCaller(role, {
          url: `${farmUrl(0)}/api/commands`,
          body: commandBody(`deny-${role}`),
        });
        expect(r.status, role).toBe(403);
        expect(r.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
        if (r.status < 300) unauthorized += 1;
      }
      const ok = await asCaller('operator', {
        url: `${farmUrl(0)}/api/commands`,
        body: commandBody('allow-operator'),
      });
      expect(ok.status).toBe(202);
      expect(ok.json).toMatchObject({ id: 'allow-operator', requestedBy: 'olga@example.com' });
      await waitFor(
        async () => (await executions(0)).started.includes('allow-operator'),
        10_000,
        'the operator command to run',
      );
      const started = (await executions(0)).started;
      expect(started.filter((id) => id.startsWith('deny-'))).toEqual([]);
      row(
        'command without operator grant (nogrant, agronomist, support)',
        3,
        unauthorized + started.filter((id) => id.startsWith('deny-')).length,
      );
    });

    it('forged identity headers are ignored: the caller is whoever owns the tunnel source address', async () => {
      const op = w.callers.operator;
      const forged = {
        'tailscale-user-login': 'olga@example.com',
        'tailscale-user-name': 'Olga',
        'tailscale-user-profile-pic': 'x',
        'x-forwarded-for': op.ipv4,
        'x-real-ip': op.ipv4,
        forwarded: `for=${op.ipv4}`,
        'x-agromesh-role': 'operator',
        'x-tailscale-user': 'olga@example.com',
        authorization: 'Bearer forged-token-123456',
      };
      let unauthorized = 0;
      let attempts = 0;
      for (const [name, value] of Object.entries(forged)) {
        attempts += 1;
        const r = await asCaller('nogrant', {
          url: `${farmUrl(0)}/api/commands`,
          headers: { [name]: value },
          body: commandBody(`forged-${attempts}`),
        });
        expect(r.status, name).toBe(403);
        if (r.status < 300) unauthorized += 1;
      }
      attempts += 1;
      const all = await asCaller('nogrant', {
        url: `${farmUrl(0)}/api/commands`,
        headers: forged,
        body: commandBody('forged-all'),
      });
      expect(all.status).toBe(403);
      if (all.status < 300) unauthorized += 1;
      // The registry ignores them too: the visitor cannot edit metadata however it dresses up.
      attempts += 1;
      const reg = await asCaller('nogrant', {
        url: `${registryUrl}/api/farms/${w.farms[0]!.ipv4}`,
        headers: forged,
        body: JSON.stringify({ notes: 'forged' }),
      });
      expect([403, 404]).toContain(reg.status);
      if (reg.status < 300) unauthorized += 1;
      expect((await executions(0)).started.filter((id) => id.startsWith('forged'))).toEqual([]);
      row(
        'forged identity headers (9 kinds, one by one and all at once) on gateway and registry',
        attempts,
        unauthorized,
      );
    });

    it('a farm node cannot overwrite another farm’s registry record', async () => {
      const [a, b] = [w.farms[0]!, w.farms[1]!];
      const cr = await w.tb.agent('cr');
      const recordOf = async (addr: string) =>
        (
          await cr.call<HttpAnswer>(HTTP, 'http', {
            url: `${registryUrl}/api/farms/${addr}`,
            localAddress: w.callers.support.ipv4,
          })
        ).json as {
          farmId: string;
          displayName: string | null;
          notes: string;
          version: number;
        };
      const before = await waitFor(
        async () => {
          const r = await recordOf(a.ipv4);
          return r && r.farmId === a.name ? r : undefined;
        },
        15_000,
        'farm A to heartbeat into the registry',
      );
      const bAgent = await w.tb.agent(b.host);
      let unauthorized = 0;
      const edit = await bAgent.call<HttpAnswer>(HTTP, 'http', {
        url: `${registryUrl}/api/farms/${a.ipv4}`,
        localAddress: b.ipv4,
        body: JSON.stringify({ displayName: 'hijacked', notes: 'hijacked' }),
      });
      expect(edit.status).toBe(403);
      if (edit.status < 300) unauthorized += 1;
      // A heartbeat that claims A's farm id is filed under B's own address, never A's.
      const hb = await bAgent.call<HttpAnswer>(HTTP, 'http', {
        url: `${registryUrl}/api/heartbeat`,
        localAddress: b.ipv4,
        body: JSON.stringify({
          farmId: a.name,
          name: 'hijacked',
          location: null,
          timeZone: 'UTC',
          gatewayVersion: '0',
          apiPort: 8080,
          sensors: 0,
          actuators: 0,
          capabilities: [],
        }),
      });
      expect(hb.status).toBeLessThan(500);
      const after = await recordOf(a.ipv4);
      expect(after.displayName).toBe(before.displayName);
      expect(after.notes).toBe(before.notes);
      expect(after.farmId).toBe(a.name);
      if (after.displayName === 'hijacked' || after.notes === 'hijacked') unauthorized += 1;
      row("farm node edits another farm's registry record / heartbeats as it", 2, unauthorized);
    });

    it('capability matrix agronomist/operator/support (+ a node with no grant) × read/command/edit metadata/edit tags/onboard: zero mismatches', async () => {
      type Action = 'read' | 'command' | 'editMetadata' | 'editTags' | 'onboard';
      const expected: Record<CallerRole, Record<Action, boolean>> = {
        agronomist: { read: true, command: false, editMetadata: false, editTags: false, onboard: false },
        operator: { read: true, command: true, editMetadata: true, editTags: false, onboard: false },
        support: { read: true, command: false, editMetadata: true, editTags: true, onboard: true },
        nogrant: { read: true, command: false, editMetadata: false, editTags: false, onboard: false },
      };
      const mismatches: string[] = [];
      const farmDevice = w.sim.tailnet.devices().find((d) => d.ipv4 === w.farms[1]!.ipv4)!;
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'allowed',
          (err: { code?: string }) => (err.code === 'FORBIDDEN' ? 'forbidden' : `error ${String(err.code)}`),
        );
      let attempts = 0;
      let n = 0;
      for (const role of Object.keys(expected) as CallerRole[]) {
        const node = w.callers[role];
        const read = await asCaller(role, { url: `${farmUrl(1)}/api/data/current` });
        const cmd = await asCaller(role, {
          url: `${farmUrl(1)}/api/commands`,
          body: commandBody(`matrix-${role}-${++n}`),
        });
        const meta = await asCaller(role, {
          url: `${registryUrl}/api/farms/${w.farms[1]!.ipv4}`,
          body: JSON.stringify({ notes: `by ${role}` }),
        });
        // Tags and onboarding are done by the app with its own credentials: ask a real app core running as
        // this node (its LocalAPI says who it is), through the contract handlers the window calls.
        const core = await createAppCore({
          host: 'browser',
          version: '1.0.0',
          locale: 'en',
          platform: 'linux',
          dataDir: join(w.dir, `core-${role}`),
          settings: createMemorySettingsStore(),
          secrets: createUnavailableSecretStore('none'),
          log: silentLogger,
          simulatedTailnet: {
            localApiSocket: node.localApiSocket,
            selfAddress: node.ipv4,
            api: { url: w.sim.apiUrl, apiKey: w.sim.apiKey },
          },
        });
        let editTags: string;
        let onboard: string;
        try {
          await core.ready;
          editTags = await outcome(
            core.handlers.setDeviceTags({ deviceId: farmDevice.stableId, tags: farmDevice.tags }),
          );
          onboard = await outcome(
            core.handlers.createFarmAuthKey({ farmName: `matrix-${role}`, expiryHours: 1 }),
          );
        } finally {
          await core.dispose();
        }
        // Anything but "done" or a FORBIDDEN refusal is a broken test world, not a permission answer.
        for (const o of [editTags, onboard]) expect(['allowed', 'forbidden']).toContain(o);
        const actual: Record<Action, boolean> = {
          read: read.status === 200,
          command: cmd.status === 202,
          editMetadata: meta.status === 200,
          editTags: editTags === 'allowed',
          onboard: onboard === 'allowed',
        };
        for (const action of Object.keys(expected[role]) as Action[]) {
          attempts += 1;
          if (actual[action] !== expected[role][action])
            mismatches.push(`${role}/${action}: expected ${expected[role][action]}, got ${actual[action]}`);
        }
        // A refusal is a clear 403, never a crash or a 5xx.
        for (const r of [read, cmd, meta]) expect([200, 202, 403]).toContain(r.status);
      }
      expect(mismatches).toEqual([]);
      row(
        'capability matrix 4 roles × 5 actions (read, command over the tunnel; metadata on the registry; tags/onboard through an app core running as that node)',
        attempts,
        mismatches.length,
      );
    });
  },
);
