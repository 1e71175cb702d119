/** `agromesh-gateway join --auth-key KEY [--login-server URL]`: options, then tailnet/enroll.ts does the work. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { AgromeshError } from '../protocol/errors.ts';
import type { GatewayIO } from './cli.ts';
import { enroll } from './tailnet/enroll.ts';
import { SERVICE_CONFIG, setServiceOptions } from './service-config.ts';

export const JOIN_USAGE = `Usage: agromesh-gateway join --auth-key KEY [options]   (as root: sudo …)

Brings this computer onto the tailnet as tag:farm with the real tailscale CLI, lets the
agromesh-gateway service user ask tailscaled who is calling (tailscale set --operator), and starts
the agromesh-gateway service now and at every boot.

  --auth-key KEY          one-time auth key from the control room's onboarding dialog
  --auth-key-file PATH    read the key from a file instead (or set TS_AUTHKEY); with no key at all,
                          this computer must already be on the tailnet as tag:farm
  --login-server URL      control server (Headscale); default Tailscale's
  --hostname NAME         tailnet name of this computer (default: its hostname)
  --tailscale-bin PATH    tailscale CLI (default "tailscale")
  --no-start              join only; do not enable and start the service
Written into the service's options (/etc/agromesh/gateway.conf) when given:
  --farm-id ID            stable id of the farm
  --farm-name NAME        display name (no spaces here)
  --discovery-url URL     the control room's registry, e.g. http://100.64.0.1:8090
  --config PATH           the options file (default /etc/agromesh/gateway.conf)
`;

const spec = {
  'auth-key': { type: 'string' },
  'auth-key-file': { type: 'string' },
  'login-server': { type: 'string' },
  hostname: { type: 'string' },
  'tailscale-bin': { type: 'string' },
  'no-start': { type: 'boolean' },
  'farm-id': { type: 'string' },
  'farm-name': { type: 'string' },
  'discovery-url': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runJoin(argv: string[], io: Omit<GatewayIO, 'stopSignal'>): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    io.stderr(`agromesh-gateway join: ${(err as Error).message}\n\n${JOIN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(JOIN_USAGE);
    return 0;
  }
  const file = values['auth-key-file'];
  const authKey = (file !== undefined ? readKey(file) : (values['auth-key'] ?? io.env.TS_AUTHKEY))?.trim();
  if (authKey === '') {
    io.stderr(`agromesh-gateway join: the auth key is empty.\n\n${JOIN_USAGE}`);
    return 2;
  }
  const discoveryUrl = values['discovery-url'];
  if (discoveryUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(discoveryUrl)) {
    io.stderr('agromesh-gateway join: --discovery-url must be an http(s) URL, e.g. http://100.64.0.1:8090\n');
    return 2;
  }
  const server = values['login-server'];
  if (server !== undefined && !/^https?:\/\/[^\s]+$/.test(server)) {
    io.stderr('agromesh-gateway join: --login-server must be an http(s) URL, e.g. https://hs.example.com\n');
    return 2;
  }
  try {
    setServiceOptions(values.config ?? SERVICE_CONFIG, {
      'farm-id': values['farm-id'],
      'farm-name': values['farm-name'],
      'discovery-url': discoveryUrl,
    });
    await enroll({
      authKey,
      loginServer: server,
      hostname: values.hostname,
      tailscaleBin: values['tailscale-bin'],
      noStart: values['no-start'],
      say: (line) => io.stdout(`${line}\n`),
    });
  } catch (err) {
    if (!(err instanceof AgromeshError)) throw err;
    io.stderr(`agromesh-gateway join: ${err.message}\n`);
    return 1;
  }
  io.stdout('done: this farm is on the tailnet and its gateway is running.\n');
  return 0;
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgromeshError('VALIDATION', `cannot read --auth-key-file ${file}: ${(err as Error).message}`);
  }
}
