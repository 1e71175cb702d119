/**
 * `agromesh gateway …`: parse the command line, start the gateway, print one line when listening, and
 * stop cleanly on Ctrl-C / SIGTERM.
 */
import { splitHostPort } from '../protocol/host-port.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Location } from '../protocol/farm-api.ts';
import { AgromeshError } from '../protocol/errors.ts';
import { parseDuration } from '../protocol/duration.ts';
import { ipVersion } from '../protocol/tailnet-address.ts';
import { createLogger, type LogLevel } from '../kit/log.ts';
import { createRotatingFile, type RotatingFile } from '../kit/log-file.ts';
import { type GatewayOptions, startGateway } from './gateway.ts';
import { loadLayout } from './layout.ts';

/** Same shape as main/cli/io.ts CliIO (the gateway does not import the app's CLI). */
export interface GatewayIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stopSignal: Promise<void>;
}

/** Exit code when the gateway cannot start because its disk is full (EX_TEMPFAIL: retry once space is freed). */
export const EXIT_STORAGE_FULL = 75;

export const USAGE = `Usage: agromesh gateway [options]

Runs the farm gateway: Farm API v1 and the live stream on the tailnet address (port 8080).

Farm:
  --farm-id ID              stable farm id (default: remembered, else the hostname)
  --farm-name NAME          display name
  --location LAT,LON        e.g. 48.85,2.35
  --time-zone TZ            IANA zone (default: this machine's)
  --data-dir DIR            database directory (default: $STATE_DIRECTORY or ~/.local/share/agromesh-gateway)
Simulation:
  --simulate                simulated sensors and actuators
  --seed N                  simulator seed (default 1)
  --sim-speed X             farm time runs X times faster (default 1)
  --backfill DURATION       fill this much history at start, e.g. 12h, 90d, 365d (at most 731d):
                            raw readings for the last 30 days, older time as rollups only
  --backfill-hours N        the same in hours (--backfill Nh)
  --sim-drive-out-of-range  zone 1 dries below its expected range (for alert demos)
  --sim-drift-after MIN     ... starting MIN minutes after start (default 5)
Hardware:
  --layout FILE             JSON {sensors, actuators} of the real farm
  --sensor-command CMD      command printing JSON lines of readings
  --push-listen ADDR:PORT   local push endpoint for readings (loopback only), e.g. 127.0.0.1:8081
  --actuator-command CMD    handler run as "CMD <target> <action>" with the command as JSON on stdin
  --actuator-timeout SEC    (default 60)
  --command-window SEC      a command must start within SEC of being sent, or never
                            (default by actuator kind: valves, pumps, heaters 60)
Network and access:
  --listen ADDR:PORT        listen address (default: this node's tailnet IPv4, port 8080)
  --host-name NAME          a further name clients may use in Host (repeatable); the node's tailnet
                            addresses and MagicDNS name are always accepted, any other is refused
  --local-api-socket PATH   tailscaled LocalAPI socket
  --auth-key-file PATH      join the tailnet with the key in this file if not up (or env TS_AUTHKEY);
                            a key itself is refused on the command line (ps and shell history show it)
  --hostname NAME           tailnet hostname when joining (default: the farm id)
  --tailscale-bin PATH      tailscale CLI (default "tailscale")
  --login-server URL        control server when joining (Headscale); default Tailscale's
  --discovery-url URL       discovery registry (default: a tailnet peer tagged tag:registry, port 8090)
  --heartbeat-interval SEC  (default 30)
  --operator-tags TAGS      comma-separated tags whose nodes may send commands (e.g. tag:ops)
  --insecure-no-auth        no who-is; every loopback caller is an operator (loopback --listen only)
  --log-level LEVEL         debug, info, warn, error
  --log-dir DIR|none        also write the JSON log lines to a rotating file gateway.log in DIR
                            (default: DATA-DIR/logs, or none under systemd: the journal keeps them)
  --accept-clock-jump       the clock is right although it is days past the stored data (the gateway was
                            off that long): let retention run instead of holding old data

Exit codes: 0 stopped, 1 could not start, 2 bad options, 75 the disk is full (free space, start again).
`;

const spec = {
  simulate: { type: 'boolean' },
  seed: { type: 'string' },
  'sim-speed': { type: 'string' },
  backfill: { type: 'string' },
  'backfill-hours': { type: 'string' },
  'sim-drive-out-of-range': { type: 'boolean' },
  'sim-drift-after': { type: 'string' },
  listen: { type: 'string' },
  'host-name': { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  'discovery-url': { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  'auth-key': { type: 'string' },
  'auth-key-file': { type: 'string' },
  hostname: { type: 'string' },
  'tailscale-bin': { type: 'string' },
  'login-server': { type: 'string' },
  'farm-name': { type: 'string' },
  'farm-id': { type: 'string' },
  location: { type: 'string' },
  'time-zone': { type: 'string' },
  layout: { type: 'string' },
  'command-window': { type: 'string' },
  'sensor-command': { type: 'string' },
  'push-listen': { type: 'string' },
  'actuator-command': { type: 'string' },
  'actuator-timeout': { type: 'string' },
  'local-api-socket': { type: 'string' },
  'operator-tags': { type: 'string' },
  'insecure-no-auth': { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-dir': { type: 'string' },
  'accept-clock-jump': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(message: string): never {
  throw new AgromeshError('VALIDATION', message);
}

function num(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    usageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** `ADDR:PORT`, `[v6]:PORT` or `:PORT` (host then comes from the tailnet). */
export function parseListen(value: string, name = 'listen'): { host?: string; port: number } {
  const parts = splitHostPort(value);
  const host = parts?.host;
  if (!parts || (host !== '' && ipVersion(host ?? '') === 0 && host !== 'localhost')) {
    usageError(`--${name} must be ADDR:PORT, e.g. 100.64.0.5:8080 or 127.0.0.1:0`);
  }
  const { port } = parts;
  return host ? { host: host === 'localhost' ? '127.0.0.1' : host, port } : { port };
}

export function parseLocation(value: string): Location {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    usageError('--location must be LAT,LON, e.g. 48.85,2.35');
  return { lat, lon };
}

/** The gateway's options, and where its log file goes (null: stderr only, e.g. to journald). */
export type CliOptions = GatewayOptions & { logDir: string | null };

export function optionsFromArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  write?: (line: string) => void,
): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    usageError((err as Error).message);
  }
  const v = values;
  if (v['time-zone'] !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: v['time-zone'] });
    } catch {
      usageError(`--time-zone "${v['time-zone']}" is not a known IANA time zone`);
    }
  }
  const given = v['auth-key'];
  if (given !== undefined && !given.startsWith('file:'))
    usageError(
      'an auth key on the command line is visible to every user of this computer (ps) and stays in shell history: pass it in TS_AUTHKEY or with --auth-key-file PATH',
    );
  const authKey = v['auth-key-file'] !== undefined ? `file:${v['auth-key-file']}` : (given ?? env.TS_AUTHKEY);
  const logLevel = v['log-level'];
  if (logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(logLevel))
    usageError('--log-level must be debug, info, warn or error');
  const heartbeat = num(v['heartbeat-interval'], 'heartbeat-interval', 1, 86_400);
  const actuatorTimeout = num(v['actuator-timeout'], 'actuator-timeout', 1, 3_600);
  const dataDir =
    v['data-dir'] ??
    env.STATE_DIRECTORY?.split(':')[0] ??
    join(homedir(), '.local', 'share', 'agromesh-gateway');
  // systemd sets JOURNAL_STREAM when stderr goes to the journal, which already keeps and rotates logs.
  const logDir =
    v['log-dir'] === 'none' ? null : (v['log-dir'] ?? (env.JOURNAL_STREAM ? null : join(dataDir, 'logs')));
  return {
    dataDir,
    logDir,
    ...(v['farm-id'] !== undefined ? { farmId: v['farm-id'] } : {}),
    ...(v['farm-name'] !== undefined ? { farmName: v['farm-name'] } : {}),
    ...(v.location !== undefined ? { location: parseLocation(v.location) } : {}),
    ...(v['time-zone'] !== undefined ? { timeZone: v['time-zone'] } : {}),
    ...(v.listen !== undefined ? { listen: parseListen(v.listen) } : {}),
    ...(v['host-name'] !== undefined ? { hostNames: v['host-name'] } : {}),
    simulate: v.simulate
      ? {
          seed: num(v.seed, 'seed', 0, 2 ** 31 - 1, true) ?? 1,
          speed: num(v['sim-speed'], 'sim-speed', 0.001, 100_000) ?? 1,
          backfillMs: backfillMs(v.backfill, v['backfill-hours']),
          driftOutOfRangeAfterMs: v['sim-drive-out-of-range']
            ? (num(v['sim-drift-after'], 'sim-drift-after', 0, 10_000) ?? 5) * 60_000
            : null,
        }
      : null,
    ...(v.layout !== undefined ? { layout: loadLayout(v.layout) } : {}),
    ...(v['command-window'] !== undefined
      ? { commandWindowS: num(v['command-window'], 'command-window', 1, 3600, true) }
      : {}),
    ...(v['sensor-command'] !== undefined ? { sensorCommand: v['sensor-command'] } : {}),
    ...(v['actuator-command'] !== undefined ? { actuatorCommand: v['actuator-command'] } : {}),
    ...(actuatorTimeout !== undefined ? { actuatorTimeoutMs: actuatorTimeout * 1000 } : {}),
    ...(v['push-listen'] !== undefined ? { push: pushListen(v['push-listen']) } : {}),
    ...(v['local-api-socket'] !== undefined ? { localApiSocket: v['local-api-socket'] } : {}),
    operatorTags: (v['operator-tags'] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => (t.startsWith('tag:') ? t : `tag:${t}`)),
    insecureNoAuth: v['insecure-no-auth'] ?? false,
    ...(v['accept-clock-jump'] ? { acceptClockJump: true } : {}),
    tailnet: authKey
      ? {
          authKey,
          ...(v.hostname !== undefined ? { hostname: v.hostname } : {}),
          ...(v['tailscale-bin'] !== undefined ? { tailscaleBin: v['tailscale-bin'] } : {}),
          ...(v['login-server'] !== undefined ? { loginServer: v['login-server'] } : {}),
        }
      : null,
    ...(v['discovery-url'] !== undefined ? { discoveryUrl: checkUrl(v['discovery-url']) } : {}),
    ...(heartbeat !== undefined ? { heartbeatIntervalMs: heartbeat * 1000 } : {}),
    log: createLogger('gateway', {
      ...(logLevel ? { level: logLevel as LogLevel } : {}),
      ...(write ? { write } : {}),
    }),
  };
}

/** Rollups are kept 2 years (731 days): history further back would be deleted at the next retention run. */
export const MAX_BACKFILL_MS = 731 * 86_400_000;

/** `--backfill DURATION`, or its older spelling `--backfill-hours N`; 0 when neither is given. */
export function backfillMs(duration: string | undefined, hours: string | undefined): number {
  if (duration !== undefined && hours !== undefined)
    usageError('give --backfill or --backfill-hours, not both');
  let ms = 0;
  if (duration !== undefined) {
    try {
      ms = parseDuration(duration) * 1000;
    } catch (err) {
      usageError(`--backfill: ${(err as Error).message}`);
    }
  } else if (hours !== undefined) {
    ms = num(hours, 'backfill-hours', 0, MAX_BACKFILL_MS / 3_600_000)! * 3_600_000;
  }
  if (ms > MAX_BACKFILL_MS) usageError('--backfill must be at most 731d (rollups are kept 2 years)');
  return ms;
}

function pushListen(value: string): { host: string; port: number } {
  const l = parseListen(value, 'push-listen');
  return { host: l.host ?? '127.0.0.1', port: l.port };
}

function checkUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through
  }
  return usageError('--discovery-url must be an http(s) URL, e.g. http://registry:8090');
}

export async function run(argv: string[], io: GatewayIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let options: CliOptions;
  let file: RotatingFile | undefined;
  const write = (line: string) => {
    process.stderr.write(`${line}\n`);
    file?.write(line);
  };
  try {
    options = optionsFromArgs(argv, io.env, write);
  } catch (err) {
    if (err instanceof AgromeshError) {
      io.stderr(`agromesh gateway: ${err.message}\n\nRun "agromesh gateway --help" for the options.\n`);
      return 2;
    }
    throw err;
  }
  if (options.logDir !== null) {
    try {
      file = createRotatingFile(options.logDir, 'gateway');
    } catch (err) {
      // A log file is a convenience: a gateway that cannot write one still serves its farm.
      io.stderr(
        `agromesh gateway: no log file in ${options.logDir} (${(err as Error).message}); logging to stderr only\n`,
      );
    }
  }
  let gateway;
  try {
    gateway = await startGateway(options);
  } catch (err) {
    file?.close();
    if (err instanceof AgromeshError && err.code === 'STORAGE_FULL') {
      io.stderr(`agromesh gateway: ${err.message} [${err.code}]\n`);
      return EXIT_STORAGE_FULL;
    }
    throw err;
  }
  io.stdout(`gateway ${gateway.farmId} listening on ${gateway.url}\n`);
  if (gateway.pushPort !== null) {
    io.stdout(
      `gateway ${gateway.farmId} accepting readings on http://127.0.0.1:${gateway.pushPort}/api/readings\n`,
    );
  }
  await io.stopSignal;
  await gateway.dispose();
  file?.close();
  return 0;
}
