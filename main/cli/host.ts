/**
 * `agromesh host`: the control room in a browser. Serves the built renderer and the WebSocket bridge on
 * 127.0.0.1; `--listen ADDR:PORT --allow-remote` serves a wall display elsewhere, with an access token.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../kit/log.ts';
import { createAppCore } from '../core/app-core.ts';
import { startBrowserHost } from '../core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../core/settings/secret-store.ts';
import { createFileSettingsStore } from '../core/settings/settings-store.ts';
import type { CliIO } from './io.ts';
import { parseListen, projectRoot } from './paths.ts';
import { AGROMESH_VERSION } from '../../kit/version.ts';

const HELP = `Usage: agromesh host [--listen ADDR:PORT] [--allow-remote] [--data-dir DIR]

Serves the control room on http://127.0.0.1:5170 for a browser.
  --listen ADDR:PORT   where to listen (default 127.0.0.1:5170)
  --allow-remote       allow a non-loopback address
Every browser needs the printed address once (its #token=… signs the page in); set AGROMESH_HOST_TOKEN
to choose the token (it is a secret: not accepted on the command line, where every user sees it).
  --data-dir DIR       settings and caches (default ~/.agromesh)
  --no-build           do not rebuild the UI first
`;

export function buildRenderer(io: CliIO): boolean {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'build.js'), 'renderer'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) io.stderr('Could not build the control-room UI (see above).\n');
  return r.status === 0;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: '127.0.0.1:5170' },
      'allow-remote': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(homedir(), '.agromesh') },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values['no-build'] && !buildRenderer(io)) return 1;
  const { host, port } = parseListen(values.listen);
  const log = createLogger('host');
  const core = await createAppCore({
    host: 'browser',
    version: AGROMESH_VERSION,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    platform: process.platform,
    dataDir: values['data-dir'],
    settings: createFileSettingsStore(join(values['data-dir'], 'settings.json')),
    secrets: createUnavailableSecretStore(
      'The browser host has no OS keychain; give credentials through environment variables (TS_API_KEY, TS_OAUTH_CLIENT_SECRET, HEADSCALE_API_KEY).',
    ),
    log,
    // Built by `npm run dist:gateway-deb`: served to farms that join through the embedded registry.
    ...(existsSync(join(projectRoot, 'dist-gateway'))
      ? { gatewayPackagesDir: join(projectRoot, 'dist-gateway') }
      : {}),
  });
  const server = await startBrowserHost({
    core,
    rendererDir: join(projectRoot, 'dist', 'renderer'),
    host,
    port,
    allowRemote: values['allow-remote'],
    ...(io.env.AGROMESH_HOST_TOKEN ? { token: io.env.AGROMESH_HOST_TOKEN } : {}),
    log,
  });
  io.stdout(`Agromesh control room: ${server.openUrl}\n`);
  await io.stopSignal;
  await server.dispose();
  await core.dispose();
  return 0;
}
