/**
 * `agromesh demo`: the control room against a built-in simulated tailnet — a registry and twelve farm
 * gateways running as real processes, one of which drifts out of range so an alert fires a few minutes in.
 * Opens in Electron where a runtime exists; otherwise says so in one line and serves the browser host.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../kit/log.ts';
import type { Role } from '../../protocol/identity.ts';
import { startDemoWorld } from '../../sim/demo-world.ts';
import { type AppCore, createAppCore } from '../core/app-core.ts';
import { startBrowserHost } from '../core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../core/settings/secret-store.ts';
import { createFileSettingsStore } from '../core/settings/settings-store.ts';
import { spawn, spawnSync } from 'node:child_process';
import { findElectronBinary, NO_ELECTRON } from './electron-runtime.ts';
import { buildRenderer } from './host.ts';
import type { CliIO } from './io.ts';
import { parseListen, projectRoot } from './paths.ts';
import { AGROMESH_VERSION } from '../../kit/version.ts';

const HELP = `Usage: agromesh demo [--listen ADDR:PORT] [--role operator|agronomist|support] [--farms N]

Runs the control room against a simulated tailnet with farm gateways, on http://127.0.0.1:5170.
  --role ROLE     be only this role (default: operator and support, so you can see everything;
                  agronomists cannot send commands, only support can edit tags and onboard farms)
  --farms N       how many farm gateways to start (1-12, default 12)
  --keep DIR      keep the demo's data in DIR instead of a temporary folder
  --real-tailnet  the same control room on a real tailnet: real Headscale and tailscaled in network
                  namespaces (needs root and Go; see docs/tailnet.md "Tested against")
`;

/** The demo's farm drifts in minutes, not hours: its range alert waits one minute instead of ten. */
async function quickenRangeAlert(core: AppCore): Promise<void> {
  const rule = (await core.handlers.listAlertRules()).find((r) => r.id === 'builtin:expected-range');
  if (rule?.condition.kind !== 'range') return;
  const { builtin: _b, updatedAt: _u, updatedBy: _by, ...input } = rule;
  await core.handlers.saveAlertRule({ ...input, condition: { ...rule.condition, forS: 60 } });
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: '127.0.0.1:5170' },
      role: { type: 'string' },
      farms: { type: 'string', default: '12' },
      keep: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'real-tailnet': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values['real-tailnet']) return realTailnetDemo(io, values['no-build']);
  const role = values.role as Role | undefined;
  if (role !== undefined && !['operator', 'agronomist', 'support'].includes(role)) {
    io.stderr(`--role must be operator, agronomist or support (got "${role}").\n`);
    return 2;
  }
  const roles: Role[] = role ? [role] : ['operator', 'support'];
  const farmCount = Math.min(12, Math.max(1, Number(values.farms) || 12));
  if (!values['no-build'] && !buildRenderer(io)) return 1;

  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'agromesh-demo-'));
  const log = createLogger('demo', { level: 'warn' });
  io.stdout(`Starting a simulated tailnet with ${farmCount} farm gateway${farmCount === 1 ? '' : 's'}…\n`);
  const { DEMO_FARMS } = await import('../../sim/demo-world.ts');
  const { DEMO_LINK_WEATHER } = await import('../../sim/link-weather.ts');
  // Gateway packages built with `npm run dist:gateway-deb` are served to onboarded farms, as in production.
  const packagesDir = join(projectRoot, 'dist-gateway');
  const world = await startDemoWorld({
    dir,
    farms: DEMO_FARMS.slice(0, farmCount),
    linkWeather: DEMO_LINK_WEATHER,
    log,
    ...(existsSync(packagesDir) ? { packagesDir } : {}),
  });
  const seat = await world.seat(roles);
  // Support staff manage tags and onboard farms through the Tailscale API, as if an admin stored a key.
  const simulatedTailnet = {
    localApiSocket: seat.localApiSocket,
    selfAddress: seat.tailnetAddress,
    ...(roles.includes('support') ? { api: world.api } : {}),
  };
  const core = await createAppCore({
    host: 'browser',
    version: AGROMESH_VERSION,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    platform: process.platform,
    dataDir: join(dir, 'control-room'),
    settings: createFileSettingsStore(join(dir, 'control-room', 'settings.json')),
    secrets: createUnavailableSecretStore('The demo keeps no secrets.'),
    log,
    simulatedTailnet,
    retryMs: 2000,
    // Sampled faster than the default minute, so the link band fills while someone watches.
    linkTuning: { intervalMs: 15_000, pingEveryMs: 60_000 },
  });
  await quickenRangeAlert(core);
  const electron = findElectronBinary(io.env);
  if (electron) {
    // The desktop app, pointed at the simulated tailnet through its environment.
    await core.dispose();
    const built = spawnSync(process.execPath, [join(projectRoot, 'bin', 'build.js'), 'all'], {
      stdio: 'inherit',
    });
    if (built.status === 0) {
      const child = spawn(electron, [projectRoot], {
        stdio: 'inherit',
        env: {
          ...io.env,
          AGROMESH_SIMULATED_TAILNET: JSON.stringify(simulatedTailnet),
        },
      });
      await Promise.race([new Promise((r) => child.once('exit', r)), io.stopSignal]);
      child.kill();
    }
    await world.dispose();
    return built.status === 0 ? 0 : 1;
  }
  io.stdout(`${NO_ELECTRON}\n`);
  await core.ready;
  const { host, port } = parseListen(values.listen);
  let server: Awaited<ReturnType<typeof startBrowserHost>>;
  try {
    server = await startBrowserHost({
      core,
      rendererDir: join(projectRoot, 'dist', 'renderer'),
      host,
      port,
      log,
    });
  } catch (err) {
    await core.dispose();
    await world.dispose();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  io.stdout(
    `Agromesh demo (you are ${seat.node}, role${roles.length > 1 ? 's' : ''} ${roles.join(' and ')}): ${server.openUrl}\n` +
      `Farm "${DEMO_FARMS[1]!.name}" runs fast and dries out of its expected range a few minutes in; ` +
      `an alert fires a minute after that. Ctrl-C stops the demo.\n`,
  );
  await io.stopSignal;
  io.stdout('Stopping the demo…\n');
  await server.dispose();
  await core.dispose();
  await world.dispose();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  return 0;
}

/** The real-tailnet demo is testbed tooling (namespaces, real daemons): its own program, run as a child. */
async function realTailnetDemo(io: CliIO, noBuild: boolean): Promise<number> {
  if (process.getuid?.() !== 0) {
    io.stderr('demo --real-tailnet needs root (network namespaces and TUN devices): run it with sudo.\n');
    return 2;
  }
  const install = spawnSync('bash', [join(projectRoot, 'scripts', 'tailnet', 'install.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (install.status !== 0) return 2;
  if (!noBuild && !buildRenderer(io)) return 1;
  const child = spawn(process.execPath, [join(projectRoot, 'scripts', 'tailnet', 'demo.ts')], {
    stdio: 'inherit',
    env: io.env,
  });
  const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? 1)));
  void io.stopSignal.then(() => child.kill('SIGINT'));
  return exited;
}
