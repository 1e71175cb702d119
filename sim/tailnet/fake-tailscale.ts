/**
 * A stand-in for the `tailscale` CLI, for the demo and tests only: gateways run it through
 * `--tailscale-bin` (via the `fake-tailscale` shell shim next to this file) on a simulated farm
 * computer. Like the real CLI it talks to its tailscaled over the LocalAPI socket: `up --auth-key`
 * sends the key to `POST /localapi/v0/start` (the simulated control plane checks it, tags the node from
 * the key and refuses a used, expired, revoked or unknown key), and `status --json` prints the status.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: tailscale [--socket=PATH] up --auth-key=KEY|file:PATH [--advertise-tags=TAGS] [--hostname=NAME]
       tailscale [--socket=PATH] status --json
       tailscale [--socket=PATH] set --operator=USER
`;

interface Io {
  stdout: (t: string) => void;
  stderr: (t: string) => void;
}

function localApi(
  socketPath: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: {
          host: 'local-tailscaled.sock',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text = (text + d).slice(0, 64 * 1024)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out talking to tailscaled')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `--name=value` or `--name value`. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a === `--${name}`) return args[i + 1];
  }
  return undefined;
}

export async function runFakeTailscale(argv: string[], io: Io): Promise<number> {
  const socket = flag(argv, 'socket') ?? '/var/run/tailscale/tailscaled.sock';
  const command = argv.find((a, i) => !a.startsWith('-') && !(i > 0 && argv[i - 1] === '--socket'));
  try {
    if (command === 'status') {
      const r = await localApi(socket, 'GET', '/localapi/v0/status');
      io.stdout(r.text);
      return r.status === 200 ? 0 : 1;
    }
    // `set --operator=USER`: the real one lets that user use the LocalAPI; here every user may.
    if (command === 'set') return 0;
    if (command !== 'up') {
      io.stderr(USAGE);
      return 2;
    }
    let key = flag(argv, 'auth-key') ?? '';
    if (key.startsWith('file:')) key = readFileSync(key.slice(5), 'utf8').trim();
    const tags = (flag(argv, 'advertise-tags') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => (t.startsWith('tag:') ? t : `tag:${t}`));
    const hostname = flag(argv, 'hostname');
    const r = await localApi(
      socket,
      'POST',
      '/localapi/v0/start',
      JSON.stringify({
        AuthKey: key,
        UpdatePrefs: { WantRunning: true, AdvertiseTags: tags, ...(hostname ? { Hostname: hostname } : {}) },
      }),
    );
    if (r.status !== 200) {
      io.stderr(`backend error: ${r.text.trim()}\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    io.stderr(
      `failed to connect to local tailscaled; it doesn't appear to be running (${(err as Error).message})\n`,
    );
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runFakeTailscale(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
