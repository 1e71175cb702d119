/**
 * SSRF: a farm address or registry URL pointing at loopback, link-local, the LAN, a name resolving there,
 * or a farm answering with a redirect to one — no connection is ever opened (a listener counts them).
 * Runs over loopback everywhere; uses the app's own tailnet-only dialer.
 */
import { type Server, createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { createRegistryClient } from '../../main/core/discovery/registry-client.ts';
import { createFarmConnections, createTailnetDialer } from '../../main/core/farms/index.ts';
import { newFragment, saveFragment } from '../netbed/report.ts';

const report = newFragment(
  '60-ssrf',
  'SSRF',
  'loopback: the app’s tailnet-only dialer against a counting listener',
);
let trap: Server;
let trapPort = 0;
let hits = 0;
const dir = mkdtempSync(join(tmpdir(), 'agm-ssrf-'));

beforeAll(async () => {
  trap = createServer((s) => {
    hits += 1;
    s.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, '::', () => r()));
  trapPort = (trap.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => trap.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
  saveFragment(report);
});

const LOOPBACKISH = new Set([
  '127.0.0.1',
  '::1',
  'localhost',
  '0.0.0.0',
  '::ffff:127.0.0.1',
  '2130706433',
  '0x7f.1',
]);
const FORBIDDEN = [
  '127.0.0.1',
  '::1',
  'localhost',
  '169.254.169.254',
  'fe80::1',
  '10.0.0.1',
  '192.168.1.1',
  '172.16.0.1',
  '0.0.0.0',
  '::ffff:127.0.0.1',
  '2130706433',
  '0x7f.1',
  'metadata.google.internal',
];

describe('SSRF: no connection to anything but the tailnet', () => {
  it('farm addresses at loopback, link-local, LAN, odd spellings and names: refused before any socket', async () => {
    const dialer = createTailnetDialer({ mode: 'tailnet', resolveName: async () => '127.0.0.1' });
    const farms = createFarmConnections({
      dataDir: join(dir, 'cr'),
      dialer,
      log: silentLogger,
      tuning: { backoff: { baseMs: 50, factor: 1, capMs: 50, minUptimeMs: 0 } },
    });
    let refused = 0;
    for (const [i, host] of FORBIDDEN.entries()) {
      let code = '';
      try {
        await dialer.route(host, trapPort);
      } catch (err) {
        code = (err as { code?: string }).code ?? '';
      }
      if (code === 'DESTINATION_NOT_ALLOWED') refused += 1;
      expect(code, host).toBe('DESTINATION_NOT_ALLOWED');
      // Only loopback spellings go through a full connect: a LAN or link-local address must never see a
      // packet from a test, even if the dialer regressed (the route check above is pure, no I/O).
      if (LOOPBACKISH.has(host))
        await farms.connect({ farmId: `evil-${i}`, address: host, port: trapPort }).catch(() => {});
    }
    // A MagicDNS-looking name whose answer is loopback is refused after resolution, too.
    await expect(dialer.route('farm-1.tailnet-abc.ts.net', trapPort)).rejects.toMatchObject({
      code: 'DESTINATION_NOT_ALLOWED',
    });
    await new Promise((r) => setTimeout(r, 300));
    await farms.dispose();
    expect(hits).toBe(0);
    report.auth.push({
      check: 'farm address outside the tailnet (13 spellings + a name resolving to loopback)',
      attempts: FORBIDDEN.length + 1,
      unauthorizedSucceeded: hits + (FORBIDDEN.length - refused),
      passed: hits === 0,
    });
  });

  it('a registry URL pointing outside the tailnet is refused when fetched through the dialer', async () => {
    const dialer = createTailnetDialer({ mode: 'tailnet' });
    const agent = new Agent({ connect: dialer.connector });
    const client = createRegistryClient({
      fetch: ((url: string, init?: RequestInit) =>
        undiciFetch(url, { ...(init as object), dispatcher: agent })) as never,
      timeoutMs: 2_000,
    });
    // Refused means the dialer's own refusal, found anywhere in the error's cause chain — not any failure
    // (a timeout or a closed port would also fail, and would hide a dialer that let the request through).
    const refusal = (err: unknown): string | undefined => {
      for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++)
        if ((e as { code?: unknown }).code === 'DESTINATION_NOT_ALLOWED') return 'DESTINATION_NOT_ALLOWED';
      return undefined;
    };
    const outcomes: Record<string, string> = {};
    for (const host of ['127.0.0.1', '[::1]', 'localhost', '127.0.0.2']) {
      const err = await client.listFarms(`http://${host}:${trapPort}`).then(
        () => null,
        (e: unknown) => e,
      );
      outcomes[host] =
        err === null
          ? 'fetched'
          : (refusal(err) ?? `other: ${err instanceof Error ? err.message : typeof err}`);
    }
    // LAN and link-local: the pure check only (no packet may leave this machine even on a regression).
    for (const host of ['169.254.169.254', '10.0.0.1', '192.168.1.1']) {
      try {
        dialer.check(host, trapPort);
        outcomes[host] = 'allowed';
      } catch (err) {
        outcomes[host] = refusal(err) ?? `other: ${String(err)}`;
      }
    }
    await agent.close();
    const refused = Object.values(outcomes).filter((o) => o === 'DESTINATION_NOT_ALLOWED').length;
    expect(outcomes).toEqual(
      Object.fromEntries(Object.keys(outcomes).map((h) => [h, 'DESTINATION_NOT_ALLOWED'])),
    );
    expect(refused).toBe(7);
    expect(hits).toBe(0);
    report.auth.push({
      check: 'registry URL outside the tailnet (through the dialer)',
      attempts: 7,
      unauthorizedSucceeded: hits + (7 - refused),
      passed: hits === 0 && refused === 7,
    });
  });

  it('a farm that answers with a redirect to loopback is not followed', async () => {
    // Simulated mode: the tailnet address 100.64.0.9 maps to its loopback alias 127.64.0.9.
    const redirector = createHttpServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${trapPort}/api/info` });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.64.0.9', () => r()));
    const port = (redirector.address() as { port: number }).port;
    const dialer = createTailnetDialer({ mode: 'simulated', selfAddress: '100.64.0.1' });
    const farms = createFarmConnections({ dataDir: join(dir, 'cr2'), dialer, log: silentLogger });
    await farms.connect({ farmId: 'redirecting-farm', address: '100.64.0.9', port }).catch(() => {});
    await new Promise((r) => setTimeout(r, 1_000));
    const live = farms.latest('redirecting-farm');
    await farms.dispose();
    await new Promise<void>((r) => redirector.close(() => r()));
    expect(hits).toBe(0);
    expect(live?.link).not.toBe('live');
    report.auth.push({
      check: 'farm redirect (302) to loopback',
      attempts: 1,
      unauthorizedSucceeded: hits,
      passed: hits === 0,
    });
    report.notes.push(
      'A non-farm tailnet node is a tailnet address, so the dialer alone cannot refuse it; the app dials only addresses discovery lists (tag:farm). The registry client gets the same dialer-backed fetch from the composition root (tailnet-session.ts), so the registry URL is held to the same rule.',
    );
  });
});
