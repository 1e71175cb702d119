/**
 * Joining the tailnet at start (`--auth-key`): if the local tailscaled already runs (BackendState
 * Running) nothing happens; otherwise `tailscale up --auth-key=file:… --advertise-tags=tag:farm
 * --hostname=…` runs once and we wait for Running. The key goes through a 0600 file, not the process
 * list, and never into logs.
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
  const args = [
    ...(options.socketPath ? [`--socket=${options.socketPath}`] : []),
    'up',
    `--auth-key=${keyArg}`,
    `--advertise-tags=${FARM_TAG}`,
    `--hostname=${options.hostname}`,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        options.tailscaleBin,
        args,
        { timeout: options.timeoutMs ?? 60_000 },
        (err, _stdout, stderr) => {
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
          } else if (/auth|key|expired|invalid/i.test(text)) {
            reject(new AgromeshError('TAILNET_AUTH', `tailscale up refused the auth key: ${text}`));
          } else {
            reject(new AgromeshError('TAILNET_REJECTED', `tailscale up failed: ${text}`));
          }
        },
      );
    });
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
