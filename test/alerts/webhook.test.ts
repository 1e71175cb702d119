import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { silentLogger } from '../../kit/log.ts';
import { createTailnetDialer } from '../../main/core/farms/dialer.ts';
import { createWebhookSender, type WebhookSender } from '../../main/core/alerts/webhook.ts';
import { type Harness, harness, MIN, summary } from './helpers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Hook {
  url: string;
  bodies: unknown[];
  server: Server;
}

async function hookServer(
  answer: (n: number, req: IncomingMessage, res: ServerResponse) => void,
): Promise<Hook> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      answer(bodies.length, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, server };
}

function sender(
  mode: 'tailnet' | 'simulated',
  over: { timeoutMs?: number; attempts?: number } = {},
): WebhookSender {
  const s = createWebhookSender({
    dialer: createTailnetDialer({ mode }),
    log: silentLogger,
    backoffMs: 1,
    sleep: () => Promise.resolve(),
    ...over,
  });
  cleanup.push(() => s.dispose());
  return s;
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AgromeshError ? err.code : 'not-agromesh';
  }
  return undefined;
};

describe('webhook destinations', () => {
  it('refuses any URL that is not on the tailnet, before any I/O', async () => {
    const s = sender('tailnet');
    for (const url of [
      'http://8.8.8.8/hook',
      'http://192.168.1.10/hook',
      'http://localhost:9000/hook',
      'http://127.0.0.1:9000/hook',
      'http://hooks.example.com/hook',
      'https://alerts.tail1234.ts.net/hook',
      'http://user:secret@100.64.0.5/hook',
      'ftp://100.64.0.5/hook',
    ]) {
      expect([url, codeOf(() => s.check(url))]).toEqual([url, 'DESTINATION_NOT_ALLOWED']);
    }
    expect(codeOf(() => s.check('not a url'))).toBe('VALIDATION');
    for (const url of [
      'http://100.100.1.2:8080/hook',
      'http://alerts-bot/hook',
      'http://alerts.tail1234.ts.net/hook',
      'http://[fd7a:115c:a1e0::1]/hook',
    ]) {
      expect(codeOf(() => s.check(url))).toBeUndefined();
    }

    // A real listener on loopback never sees a request from a tailnet-only sender.
    const hook = await hookServer((_n, _req, res) => res.end('{}'));
    await expect(s.post(hook.url, { hello: 1 })).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });
    expect(hook.bodies).toHaveLength(0);
  });

  it('refuses a non-tailnet URL on a rule and in the test button', async () => {
    const h: Harness = await harness();
    cleanup.push(() => h.dispose());
    expect(() =>
      h.alerts.saveRule(
        {
          name: 'To the internet',
          enabled: true,
          severity: 'warning',
          farmId: null,
          sensorId: null,
          condition: { kind: 'offline', layer: 'tailnet', forS: 60 },
          notify: 'fire',
          webhookUrl: 'http://hooks.example.com/services/T000',
        },
        'alice@example.com',
      ),
    ).toThrow(/Refusing to dial hooks\.example\.com/);
    await expect(h.alerts.testWebhook('http://203.0.113.7/hook')).rejects.toMatchObject({
      code: 'DESTINATION_NOT_ALLOWED',
    });
    expect(h.alerts.listRules().every((r) => r.webhookUrl === null)).toBe(true);
  });
});

describe('webhook delivery', () => {
  it('retries a failing endpoint a bounded number of times', async () => {
    const hook = await hookServer((n, _req, res) => {
      res.statusCode = n === 1 ? 503 : 200;
      res.end('{}');
    });
    const result = await sender('simulated', { attempts: 3 }).post(hook.url, { n: 1 });
    expect(result).toMatchObject({ status: 200, attempts: 2 });
    expect(hook.bodies).toEqual([{ n: 1 }, { n: 1 }]);

    const broken = await hookServer((_n, _req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await expect(sender('simulated', { attempts: 3 }).post(broken.url, {})).rejects.toThrow(
      'The webhook answered HTTP 500.',
    );
    expect(broken.bodies).toHaveLength(3);
  });

  it('does not retry a client error and never follows a redirect', async () => {
    const bad = await hookServer((_n, _req, res) => {
      res.statusCode = 400;
      res.end();
    });
    await expect(sender('simulated').post(bad.url, {})).rejects.toThrow('HTTP 400');
    expect(bad.bodies).toHaveLength(1);

    const moved = await hookServer((_n, _req, res) => {
      res.writeHead(307, { location: 'http://8.8.8.8/elsewhere' });
      res.end();
    });
    await expect(sender('simulated').post(moved.url, {})).rejects.toMatchObject({
      code: 'DESTINATION_NOT_ALLOWED',
    });
    expect(moved.bodies).toHaveLength(1);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    const silent = await hookServer(() => {});
    await expect(
      sender('simulated', { timeoutMs: 150, attempts: 2 }).post(silent.url, {}),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(silent.bodies).toHaveLength(2);
  });

  it('posts one JSON summary with the alerts behind it for a storm', async () => {
    const hook = await hookServer((_n, _req, res) => res.end('{}'));
    const h = await harness({ dialer: createTailnetDialer({ mode: 'simulated' }), webhookBackoffMs: 1 });
    cleanup.push(() => h.dispose());
    const rule = h.alerts.listRules().find((r) => r.id === 'builtin:offline-tailnet')!;
    h.alerts.saveRule({ ...rule, webhookUrl: hook.url }, 'alice@example.com');
    expect(await h.alerts.testWebhook(hook.url)).toMatchObject({ status: 200, attempts: 1 });

    for (let i = 0; i < 12; i++) h.alerts.onHealth(summary(`f${i}`, { tailnet: 'down' }));
    await h.walk(6 * MIN);
    expect(hook.bodies).toHaveLength(2);
    const body = hook.bodies[1] as {
      source: string;
      notices: { title: string }[];
      alerts: { farmId: string }[];
    };
    expect(body.source).toBe('agromesh');
    expect(body.notices.map((n) => n.title)).toEqual(['12 farms went offline at 10:42']);
    expect(body.alerts).toHaveLength(12);
  });
});
