/**
 * Record what the real programs answer, for the simulator-vs-real comparison (test/tailnet/sim-vs-real):
 * a small real tailnet (Headscale + tailscaled in namespaces, see test/realnet) is brought up, and the
 * LocalAPI's status / whois / watch-ipn-bus stream and Headscale's REST answers are written to
 * test/fixtures/real-tailnet/. Run as root after scripts/tailnet/install.sh:
 *   node scripts/tailnet/record-fixtures.ts
 * Secrets are masked: pre-auth keys and API keys never reach the files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalApiClient } from '../../kit/tailscale/localapi.ts';
import { DELTA_MASK } from '../../main/core/tailnet/localapi-backend.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import { PEOPLE, seedPolicy } from '../../test/realnet/policy.ts';
import { createRealTailnet } from '../../test/realnet/real-tailnet.ts';

const OUT = fileURLToPath(new URL('../../test/fixtures/real-tailnet/', import.meta.url));
const HEADSCALE = new URL('../../test/realnet/scenarios/headscale.ts', import.meta.url).href;

const mask = (text: string) =>
  text
    .replace(/hskey-(auth|api)-[A-Za-z0-9_-]+/g, 'hskey-$1-MASKED')
    .replace(/"key":\s*"[^"]*"/g, '"key": "MASKED"');

function write(name: string, text: string) {
  writeFileSync(join(OUT, name), mask(text).trimEnd() + '\n');
  process.stdout.write(`wrote ${name}\n`);
}

const rt = await createRealTailnet({
  users: ['ops', PEOPLE.operator.user],
  nodes: [
    { name: 'cr', tags: ['tag:controlroom'] },
    { name: 'farm-1', tags: [FARM_TAG] },
    { name: 'olga-pc', user: PEOPLE.operator.user },
    { name: 'farm-late', join: false },
  ],
  policy: seedPolicy(),
});
try {
  mkdirSync(OUT, { recursive: true });
  const cr = createLocalApiClient({ socketPath: rt.node('cr').socket });
  const farm = createLocalApiClient({ socketPath: rt.node('farm-1').socket });

  // The watch first, so the join and the departure below show up as deltas.
  const lines: string[] = [];
  const watch = await cr.request('GET', '/localapi/v0/status');
  write('localapi-status.json', watch.text);
  const stream = cr.watch(DELTA_MASK, (n) => lines.push(JSON.stringify(n)));
  const until = async (what: string, ok: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`record: ${what} not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await until('the initial message', () => lines.length > 0, 10_000);
  const key = await rt.authKey({ tags: [FARM_TAG] });
  await rt.startDaemon('farm-late');
  const keyFile = join(rt.node('farm-late').stateDir, 'k');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const up = await rt.tailscale('farm-late', [
    'up',
    `--login-server=${rt.loginServer}`,
    `--auth-key=file:${keyFile}`,
    '--hostname=farm-late',
    '--accept-dns=false',
    '--netfilter-mode=off',
    '--timeout=60s',
  ]);
  if (up.code !== 0) throw new Error(`farm-late: ${up.stderr}`);
  await until('farm-late joining', () => lines.some((l) => l.includes('farm-late')), 20_000);
  const joinedAt = lines.length;
  await rt.stopDaemon('farm-late');
  await until(
    'farm-late going offline',
    () => lines.slice(joinedAt).some((l) => l.includes('"Online":false')),
    90_000,
  );
  stream.close();
  write('localapi-watch-ipn-bus.ndjson', lines.join('\n'));

  const olga = await farm.request('GET', `/localapi/v0/whois?addr=${rt.node('olga-pc').ipv4}`);
  write('localapi-whois-user.json', olga.text);
  const crWho = await farm.request('GET', `/localapi/v0/whois?addr=${rt.node('cr').ipv4}`);
  write('localapi-whois-tagged.json', crWho.text);
  await cr.dispose();
  await farm.dispose();

  const hs = await rt.tb.agent('hs');
  const api = (method: string, path: string, body?: unknown) =>
    hs.call<{ status: number; text: string }>(
      HEADSCALE,
      'raw',
      rt.apiUrlInHsNamespace,
      rt.apiKey,
      method,
      path,
      body,
    );
  const nodes = await api('GET', '/api/v1/node');
  write('headscale-nodes.json', nodes.text);
  const farmNode = (JSON.parse(nodes.text) as { nodes: { id: string; name: string }[] }).nodes.find(
    (n) => n.name === 'farm-1',
  )!;
  write(
    'headscale-set-tags.json',
    (await api('POST', `/api/v1/node/${farmNode.id}/tags`, { tags: [FARM_TAG] })).text,
  );
  write(
    'headscale-preauthkey-create.json',
    (
      await api('POST', '/api/v1/preauthkey', {
        reusable: false,
        ephemeral: false,
        aclTags: [FARM_TAG],
        expiration: new Date(Date.now() + 3_600_000).toISOString(),
      })
    ).text,
  );
  write('headscale-preauthkeys.json', (await api('GET', '/api/v1/preauthkey')).text);
  write('headscale-apikeys.json', (await api('GET', '/api/v1/apikey')).text);
  write('headscale-policy.json', (await api('GET', '/api/v1/policy')).text);
  write(
    'headscale-policy-check-bad.json',
    (
      await api('POST', '/api/v1/policy/check', {
        policy: '{"grants":[{"src":["tag:nobody"],"dst":["*"],"ip":["*"]}]}',
      })
    ).text,
  );
  write('headscale-users.json', (await api('GET', '/api/v1/user')).text);
  write('versions.json', JSON.stringify(rt.bins.versions, null, 2));
} finally {
  await rt.dispose();
}
