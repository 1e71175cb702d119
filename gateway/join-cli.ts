/** `agromesh-gateway join --auth-key KEY [--login-server URL]`: options, then tailnet/enroll.ts does the work. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { AgromeshError } from '../protocol/errors.ts';
import type { GatewayIO } from './cli.ts';
import { enroll } from './tailnet/enroll.ts';

export const JOIN_USAGE = `Usage: agromesh-gateway join --auth-key KEY [options]   (as root: sudo …)

Brings this computer onto the tailnet as tag:farm with the real tailscale CLI, lets the
agromesh-gateway service user ask tailscaled who is calling (tailscale set --operator), and starts
the agromesh-gateway service now and at every boot.

  --auth-key KEY          one-time auth key from the control room's onboarding dialog
  --auth-key-file PATH    read the key from a file instead (or set TS_AUTHKEY)
  --login-server URL      control server (Headscale); default Tailscale's
  --hostname NAME         tailnet name of this computer (default: its hostname)
  --tailscale-bin PATH    tailscale CLI (default "tailscale")
  --no-start              join only; do not enable and start the service
`;

const spec = {
  'auth-key': { type: 'string' },
  'auth-key-file': { type: 'string' },
  'login-server': { type: 'string' },
  hostname: { type: 'string' },
  'tailscale-bin': { type: 'string' },
  'no-start': { type: 'boolean' },
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
  if (!authKey) {
    io.stderr(`agromesh-gateway join: an auth key is needed (--auth-key KEY).\n\n${JOIN_USAGE}`);
    return 2;
  }
  const server = values['login-server'];
  if (server !== undefined && !/^https?:\/\/[^\s]+$/.test(server)) {
    io.stderr('agromesh-gateway join: --login-server must be an http(s) URL, e.g. https://hs.example.com\n');
    return 2;
  }
  try {
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
