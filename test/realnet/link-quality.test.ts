/**
 * Link quality against the real programs: the sampler on a real tailscaled 1.102 (the control room's node)
 * with real Headscale, farm-1 in its own namespace. A partition (farm-1's underlay link down, so neither
 * the direct path nor DERP passes) must show as unreachable within one sampling interval, while the
 * control server still lists the node online; bringing the link back counts as a reconnect.
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { openDatabase } from '../../kit/sqlite.ts';
import { createLocalApiClient, type LocalApiClient } from '../../kit/tailscale/localapi.ts';
import { pingPeer } from '../../kit/tailscale/localapi-ping.ts';
import { createLinkSampler, type LinkSampler } from '../../main/core/link-quality/sampler.ts';
import { createLinkStore, type LinkStore } from '../../main/core/link-quality/store.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import { summarizeLink } from '../../protocol/app/index.ts';
import { newFragment, saveFragment } from '../netbed/report.ts';
import { waitFor } from '../support/wait-for.ts';
import { seedPolicy } from './policy.ts';
import { type RealTailnet, createRealTailnet, realTailnetUnavailableReason } from './real-tailnet.ts';

const skip = realTailnetUnavailableReason();
const INTERVAL_MS = 2_000;
const PING_TIMEOUT_MS = 1_500;
const report = newFragment(
  '41-link-quality',
  'Link quality on the real tailnet',
  'realnet: the link sampler on a real tailscaled 1.102 with real Headscale, a partition by link down',
);

describe.skipIf(skip !== undefined)(
  `link quality on the real tailnet${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let rt: RealTailnet;
    let client: LocalApiClient;
    let db: DatabaseSync;
    let store: LinkStore;
    let sampler: LinkSampler;
    const started = Date.now();

    beforeAll(async () => {
      rt = await createRealTailnet({
        users: ['ops'],
        nodes: [
          { name: 'cr', tags: ['tag:controlroom'] },
          { name: 'farm-1', tags: [FARM_TAG] },
        ],
        policy: seedPolicy(),
      });
      client = createLocalApiClient({ socketPath: rt.node('cr').socket });
      db = openDatabase({ file: join(rt.dir, 'farms.sqlite'), migrations: [] });
      store = createLinkStore({ db, now: Date.now });
      sampler = createLinkSampler({
        localApi: client,
        farms: () => [{ farmId: 'farm-1', address: rt.node('farm-1').ipv4 }],
        store,
        now: Date.now,
        log: silentLogger,
        // A ping every round: this suite has no farm stream whose drop would call for one.
        tuning: { intervalMs: INTERVAL_MS, pingEveryMs: INTERVAL_MS, pingTimeoutMs: PING_TIMEOUT_MS },
      });
    }, 180_000);

    afterAll(async () => {
      await sampler?.dispose();
      await client?.dispose();
      db?.close();
      await rt?.dispose();
      saveFragment(report);
    }, 60_000);

    it('answers a real ping in the PingResult format the client parses', async () => {
      const ip = rt.node('farm-1').ipv4;
      const result = await waitFor(
        async () => {
          const r = await pingPeer(client, ip, { timeoutMs: 3_000 });
          return r.Err === '' ? r : undefined;
        },
        30_000,
        'a pong from farm-1',
        200,
      );
      expect(result.NodeIP).toBe(ip);
      expect(result.LatencySeconds).toBeGreaterThan(0);
      expect(result.Endpoint !== '' || result.DERPRegionID !== 0).toBe(true);
      const unknown = await pingPeer(client, '100.127.255.254', { timeoutMs: 3_000 });
      expect(unknown.Err).not.toBe('');
    });

    it('a partition shows as unreachable within one interval; healing counts a reconnect', async () => {
      sampler.start();
      const reached = await waitFor(
        () => store.query('farm-1', started, Date.now()).find((s) => s.kind === 'direct' && s.rttMs !== null),
        30_000,
        'a direct, pinged sample',
      );
      // Disco pings are not WireGuard traffic: without a stream there may be no handshake yet.
      expect(reached.rttMs).toBeGreaterThan(0);

      await rt.tb.linkDown('farm-1');
      const cutAt = Date.now();
      try {
        const down = await waitFor(
          () => store.query('farm-1', cutAt, Date.now() + 1).find((s) => s.kind === 'unreachable'),
          INTERVAL_MS + PING_TIMEOUT_MS + 5_000,
          'an unreachable sample',
          50,
        );
        // Sampled at most one interval after the cut (plus the ping's own timeout).
        const within = down.at - cutAt <= INTERVAL_MS + 500;
        report.faults.push({
          fault: 'farm partitioned (underlay link down)',
          scenario: `sampler every ${INTERVAL_MS} ms, ping timeout ${PING_TIMEOUT_MS} ms`,
          outcome: `unreachable sample ${down.at - cutAt} ms after the cut, stored ${Date.now() - cutAt} ms after`,
          lost: 0,
          duplicates: 0,
          passed: within,
        });
        expect(down.at - cutAt).toBeLessThanOrEqual(INTERVAL_MS + 500);
        const status = await client.status();
        const peer = Object.values(status.Peer).find((p) => p.TailscaleIPs.includes(rt.node('farm-1').ipv4));
        // The control server has not noticed yet: only the ping tells.
        expect(peer?.Online).toBe(true);
      } finally {
        await rt.tb.linkUp('farm-1');
      }
      const healedAt = Date.now();
      await waitFor(
        () =>
          store
            .query('farm-1', healedAt, Date.now() + 1)
            .find((s) => (s.kind === 'direct' || s.kind === 'relayed') && s.rttMs !== null),
        60_000,
        'farm-1 reachable again',
        100,
      );
      report.notes.push(
        `link quality: reachable again in the samples ${Date.now() - healedAt} ms after the link came back`,
      );
      const summary = summarizeLink(
        store.query('farm-1', started, Date.now()),
        started,
        Date.now(),
        INTERVAL_MS,
      );
      expect(summary.reconnects).toBeGreaterThanOrEqual(1);
      expect(summary.unreachableMs).toBeGreaterThan(0);
      expect(summary.medianRttMs).toBeGreaterThan(0);
    });
  },
);
