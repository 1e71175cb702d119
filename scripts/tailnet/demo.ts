/**
 * `npm run demo -- --real-tailnet`: the same control room on a real tailnet — real Headscale and real
 * tailscaled for the control room and three simulated farm gateways, each in its own network namespace
 * (test/realnet). The control room runs inside its namespace (it dials farms over the real tunnel); this
 * machine reaches its page over one veth into the testbed's bridge. Needs root and the binaries from
 * scripts/tailnet/install.sh; says so plainly otherwise. Ctrl-C removes everything.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import { GATEWAY } from '../../test/netbed/support.ts';
import { seedPolicy } from '../../test/realnet/policy.ts';
import { createRealTailnet, realTailnetUnavailableReason } from '../../test/realnet/real-tailnet.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FARMS = ['north-field', 'river-orchard', 'hill-dairy'];
const LOCATIONS = [
  { lat: 52.1, lon: 5.1 },
  { lat: 45.3, lon: 39.1 },
  { lat: 47.2, lon: 39.7 },
];
const HOST_SIDE = '10.231.0.250';

const why = realTailnetUnavailableReason();
if (why) {
  process.stderr.write(`demo --real-tailnet needs root and Go: ${why}\n`);
  process.exit(2);
}
process.stdout.write('Starting Headscale and real tailscaled for the control room and 3 farms…\n');
const rt = await createRealTailnet({
  users: ['ops'],
  nodes: [{ name: 'cr', tags: ['tag:controlroom'] }, ...FARMS.map((name) => ({ name, tags: [FARM_TAG] }))],
  policy: seedPolicy(),
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('Stopping the demo…\n');
  await rt.dispose();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
try {
  for (const [i, farm] of FARMS.entries()) {
    const agent = await rt.tb.agent(farm);
    await agent.call(GATEWAY, 'startFarm', farm, {
      farmId: farm,
      host: rt.node(farm).ipv4,
      port: 8080,
      dataDir: join(rt.dir, `gw-${farm}`),
      localApiSocket: rt.node(farm).socket,
      seed: i + 1,
      backfillHours: 24,
      location: LOCATIONS[i],
    });
  }
  // One link from this machine into the testbed's bridge, to reach the control room's page (removed
  // with the testbed: its name carries the run's prefix).
  const p = rt.tb.prefix;
  execFileSync('ip', ['link', 'add', `${p}h`, 'type', 'veth', 'peer', 'name', `${p}hb`, 'netns', `${p}-br`]);
  execFileSync('ip', ['-n', `${p}-br`, 'link', 'set', `${p}hb`, 'master', 'br0', 'up']);
  execFileSync('ip', ['addr', 'add', `${HOST_SIDE}/32`, 'dev', `${p}h`]);
  execFileSync('ip', ['link', 'set', `${p}h`, 'up']);
  const crUnderlay = rt.tb.host('cr').underlay;
  execFileSync('ip', ['route', 'add', `${crUnderlay}/32`, 'dev', `${p}h`, 'src', HOST_SIDE]);

  const appDir = join(rt.dir, 'control-room');
  mkdirSync(appDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(appDir, 'settings.json'),
    JSON.stringify({
      ...DEFAULT_SETTINGS,
      tailnet: { backend: 'localapi', localApiSocket: rt.node('cr').socket },
    }),
    { mode: 0o600 },
  );
  const host = rt.tb.spawn(
    'cr',
    [
      process.execPath,
      join(ROOT, 'bin/agromesh.js'),
      'host',
      '--listen',
      `${crUnderlay}:5170`,
      '--allow-remote',
      '--no-build',
      '--data-dir',
      appDir,
    ],
    { env: process.env },
  );
  host.stdout?.pipe(process.stdout);
  host.stderr?.pipe(process.stderr);
  host.once('exit', (code) => {
    if (!stopping) process.stderr.write(`the control room stopped (${code}); stopping the demo\n`);
    void stop();
  });
  process.stdout.write(
    `Real tailnet up: Headscale ${rt.bins.versions.headscale}, tailscale ${rt.bins.versions.tailscale}; ` +
      `farms ${FARMS.map((f) => `${f} ${rt.node(f).ipv4}`).join(', ')}.\n` +
      `Open the URL the control room prints below (on ${crUnderlay}, reachable from this machine). Ctrl-C stops.\n`,
  );
} catch (err) {
  process.stderr.write(`demo --real-tailnet: ${(err as Error).message}\n`);
  await rt.dispose();
  process.exit(1);
}
