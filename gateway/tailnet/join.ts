/**
 * Joining the tailnet at start (`--auth-key`): if the local tailscaled already runs (BackendState
 * Running) nothing happens; otherwise `tailscale up --auth-key=file:… --advertise-tags=tag:farm
 * --hostname=…` runs and we wait for Running. The key goes through a 0600 file, not the process
 * list, and never into logs.
 *
 * Headscale (0.28+) refuses `--advertise-tags` with a tags-only key ("requested tags … are invalid or
 * not permitted"): the key's own tags make the node tagged. Tailscale accepts both. So when that answer
 * comes, we join once more without advertising — the key still decides the tags.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FARM_TAG } from '../../protocol/device.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { type Logger, redact, registerSecret } from '../../kit/log.ts';

export interface JoinOptions {
  authKey: string;
  hostname: string;
  tailscaleBin: string;
  /** LocalAPI socket, passed on as `tailscale --socket=…`. */
  socketPath?: string | undefined;
  /** Control server (`--login-server`), e.g. a Headscale URL; Tailscale's own when absent. */
  loginServer?: string | undefined;
  backendState: () => Promise<string>;
  log: Logger;
  timeoutMs?: number;
  pollMs?: number;
}

export type JoinOutcome = 'already-running' | 'joined';

export async function ensureJoined(options: JoinOptions): Promise<JoinOutcome> {
  registerSecret(options.authKey);
  const state = await options.backendState();
  if (state === 'Running') {
    options.log.info('tailnet already up; not running tailscale up', { state });
    return 'already-running';
  }
  options.log.info('joining the tailnet', { state, hostname: options.hostname });
  let keyArg = options.authKey;
  let tmp: string | undefined;
  if (!keyArg.startsWith('file:')) {
    tmp = mkdtempSync(join(tmpdir(), 'agromesh-key-'));
    const file = join(tmp, 'authkey');
    writeFileSync(file, options.authKey, { mode: 0o600 });
    keyArg = `file:${file}`;
  }
  const args = (advertise: boolean) => [
    ...(options.socketPath ? [`--socket=${options.socketPath}`] : []),
    'up',
    `--auth-key=${keyArg}`,
    ...(options.loginServer ? [`--login-server=${options.loginServer}`] : []),
    ...(advertise ? [`--advertise-tags=${FARM_TAG}`] : []),
    `--hostname=${options.hostname}`,
  ];
  try {
    try {
      await tailscaleUp(options, args(true));
    } catch (err) {
      if (!(err instanceof AgromeshError) || !TAGS_REFUSED.test(err.message)) throw err;
      options.log.info(
        "control server refused --advertise-tags with this key; joining with the key's own tags",
      );
      // --reset: the refused attempt left --advertise-tags in the prefs, and `up` insists on all of them.
      await tailscaleUp(options, [...args(false), '--reset']);
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const now = await options.backendState().catch(() => 'unknown');
    if (now === 'Running') return 'joined';
    if (Date.now() > deadline) {
      throw new AgromeshError('TIMEOUT', `tailscale up finished but tailscaled is ${now}, not Running.`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}

const TAGS_REFUSED = /requested tags .* (invalid|not permitted)/i;

function tailscaleUp(options: JoinOptions, args: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(options.tailscaleBin, args, { timeout: options.timeoutMs ?? 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const text = redact(String(stderr || err.message).trim()).slice(0, 500);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(
          new AgromeshError(
            'TAILNET_UNSUPPORTED',
            `${options.tailscaleBin} not found; install Tailscale or pass --tailscale-bin.`,
          ),
        );
      } else if (TAGS_REFUSED.test(text)) {
        reject(new AgromeshError('TAILNET_REJECTED', `tailscale up: ${text}`));
      } else if (/auth|key|expired|invalid/i.test(text)) {
        reject(new AgromeshError('TAILNET_AUTH', `tailscale up refused the auth key: ${text}`));
      } else {
        reject(new AgromeshError('TAILNET_REJECTED', `tailscale up failed: ${text}`));
      }
    });
  });
}
