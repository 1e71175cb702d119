/**
 * `agromesh-gateway join`: bring this computer onto the tailnet as a farm and start the service, in the
 * three steps a technician would type — `tailscale up --auth-key=…` (the key is pre-tagged tag:farm and
 * gives the node its tag; Headscale refuses a tags-only key that also advertises tags, so none are
 * advertised, and the tag is checked afterwards), `tailscale set --operator=agromesh-gateway` (the service user may then ask tailscaled's LocalAPI for
 * who-is without root), `systemctl enable --now agromesh-gateway`. The key reaches tailscale through a
 * 0600 file (`--auth-key=file:…`), never the process list. Failures are explained in plain words.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FARM_TAG } from '../../protocol/device.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { redact, registerSecret } from '../../kit/log.ts';

export const SERVICE_USER = 'agromesh-gateway';
export const SERVICE_UNIT = 'agromesh-gateway.service';

export interface EnrollOptions {
  /** Absent: the computer must be on the tailnet as tag:farm already (the onboarding command did `up`). */
  authKey?: string | undefined;
  loginServer?: string | undefined;
  hostname?: string | undefined;
  tailscaleBin?: string | undefined;
  systemctlBin?: string | undefined;
  /** Skip `systemctl enable --now` (a computer without systemd, or a manual start). */
  noStart?: boolean | undefined;
  timeoutMs?: number | undefined;
  say: (line: string) => void;
}

interface Ran {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function runTool(bin: string, args: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code ?? (err.killed ? 'TIMEOUT' : 1)) : 0;
      resolve({
        code,
        stdout: String(stdout),
        stderr: redact(String(stderr || (err?.message ?? '')).trim()).slice(0, 800),
      });
    });
  });
}

/** Plain-language reading of what `tailscale up` / `tailscale set` printed on failure. */
export function explainTailscaleFailure(stderr: string): string {
  const t = stderr;
  if (/requested tags .*(invalid|not permitted)|tag.* not permitted|tagOwners/i.test(t))
    return `the tailnet does not let this key use ${FARM_TAG}: in the tailnet policy, add "${FARM_TAG}" to tagOwners (owned by whoever makes the keys) and create the key with that tag.`;
  if (/already been used|not valid|already used/i.test(t))
    return 'this auth key was already used (one-time keys work once): create a new key in the control room and run join again.';
  if (/expired|does not exist|unable to validate|invalid key/i.test(t))
    return 'this auth key is expired or was revoked: create a new key in the control room and run join again.';
  if (/failed to connect to local tailscaled|doesn't appear to be running|tailscaled\.sock/i.test(t))
    return 'Tailscale is installed but its service is not running: run "sudo systemctl enable --now tailscaled", then join again.';
  if (/access denied|permission denied|must be root|use 'sudo/i.test(t))
    return 'joining changes system settings: run the command with sudo.';
  if (/login-server|connection refused|no such host|context deadline|timeout/i.test(t))
    return `the control server could not be reached (${firstLine(t)}): check the network and --login-server.`;
  return `tailscale said: ${firstLine(t) || 'nothing'}`;
}

function firstLine(t: string): string {
  return t.split('\n').find((l) => l.trim() !== '') ?? '';
}

function fail(code: 'TAILNET_UNSUPPORTED' | 'TAILNET_AUTH' | 'TAILNET_REJECTED', message: string): never {
  throw new AgromeshError(code, message);
}

export async function enroll(o: EnrollOptions): Promise<void> {
  const tailscale = o.tailscaleBin ?? 'tailscale';
  const timeoutMs = o.timeoutMs ?? 120_000;
  // The key is pre-tagged (the control room makes it so): it gives the node tag:farm, checked here.
  // Already up as a farm (a second run of join): the one-time key is not spent again.
  const already = o.authKey !== undefined && (await joinedState(tailscale, timeoutMs)) === 'farm';
  if (already) o.say(`already on the tailnet as ${FARM_TAG}`);
  else if (o.authKey !== undefined) await up(tailscale, o.authKey, o, timeoutMs);
  await assertJoined(tailscale, timeoutMs);
  o.say(`letting the ${SERVICE_USER} user ask tailscaled who is calling (tailscale set --operator)…`);
  const set = await runTool(tailscale, ['set', `--operator=${SERVICE_USER}`], timeoutMs);
  if (set.code !== 0)
    fail('TAILNET_REJECTED', `tailscale set --operator failed: ${explainTailscaleFailure(set.stderr)}`);
  if (o.noStart) return;
  o.say(`starting ${SERVICE_UNIT} (and at every boot)…`);
  const sys = await runTool(o.systemctlBin ?? 'systemctl', ['enable', '--now', SERVICE_UNIT], timeoutMs);
  if (sys.code === 'ENOENT')
    fail('TAILNET_UNSUPPORTED', 'systemctl not found: start the gateway yourself ("agromesh-gateway").');
  if (sys.code !== 0)
    fail(
      'TAILNET_REJECTED',
      `the tailnet is joined but the service did not start: ${firstLine(sys.stderr)} (see "journalctl -u ${SERVICE_UNIT}").`,
    );
}

async function up(tailscale: string, authKey: string, o: EnrollOptions, timeoutMs: number): Promise<void> {
  registerSecret(authKey);
  const tmp = mkdtempSync(join(tmpdir(), 'agromesh-join-'));
  const keyFile = join(tmp, 'authkey');
  writeFileSync(keyFile, authKey, { mode: 0o600 });
  try {
    o.say(`joining the tailnet as ${FARM_TAG}…`);
    const up = await runTool(
      tailscale,
      [
        'up',
        `--auth-key=file:${keyFile}`,
        ...(o.loginServer ? [`--login-server=${o.loginServer}`] : []),
        ...(o.hostname ? [`--hostname=${o.hostname}`] : []),
      ],
      timeoutMs,
    );
    if (up.code === 'ENOENT')
      fail(
        'TAILNET_UNSUPPORTED',
        'Tailscale is not installed on this computer: install it (https://tailscale.com/download/linux, or "curl -fsSL https://tailscale.com/install.sh | sh"), then run join again.',
      );
    if (up.code !== 0) {
      const why = explainTailscaleFailure(up.stderr);
      fail(/auth key/.test(why) ? 'TAILNET_AUTH' : 'TAILNET_REJECTED', `tailscale up failed: ${why}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

type Joined = 'missing' | 'out' | 'untagged' | 'farm';

/** Where `tailscale status --json` says this computer is: not installed, logged out, on the tailnet (as a farm). */
async function joinedState(tailscale: string, timeoutMs: number): Promise<Joined> {
  const st = await runTool(tailscale, ['status', '--json'], timeoutMs);
  if (st.code === 'ENOENT') return 'missing';
  let status: { BackendState?: unknown; Self?: { Tags?: unknown } } = {};
  try {
    status = JSON.parse(st.stdout) as typeof status;
  } catch {
    return 'out';
  }
  if (status.BackendState !== 'Running') return 'out';
  const tags = Array.isArray(status.Self?.Tags) ? status.Self.Tags : [];
  return tags.includes(FARM_TAG) ? 'farm' : 'untagged';
}

/** `tailscale status --json` must show this computer running on the tailnet as tag:farm. */
async function assertJoined(tailscale: string, timeoutMs: number): Promise<void> {
  const state = await joinedState(tailscale, timeoutMs);
  if (state === 'missing')
    fail(
      'TAILNET_UNSUPPORTED',
      'Tailscale is not installed on this computer: install it, then run join again with --auth-key.',
    );
  if (state === 'out')
    fail(
      'TAILNET_AUTH',
      'this computer is not on the tailnet yet: run join with --auth-key (or set TS_AUTHKEY).',
    );
  if (state === 'untagged')
    fail(
      'TAILNET_REJECTED',
      `this computer is on the tailnet but not as ${FARM_TAG} (the key was not tagged ${FARM_TAG}): create a farm key in the control room's onboarding dialog, then run "sudo tailscale logout" and join again with it.`,
    );
}
