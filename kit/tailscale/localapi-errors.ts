/**
 * What went wrong talking to tailscaled, in words that say what to do: the socket missing, not ours to
 * open (with its owner and group), refused; the daemon's own error text by HTTP status; a body that is not
 * the JSON we expect (parsed losslessly, so int64 IDs above 2^53 stay exact).
 */
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { AgromeshError } from '../../protocol/errors.ts';
import { parseLosslessJson } from './lossless-json.ts';

/** "owned by root:tailscale (mode 660)" for a socket we may not open, so the user knows which group to join. */
function socketOwnership(path: string): string {
  try {
    const st = statSync(path);
    const groups = readFileSync('/etc/group', 'utf8').split('\n');
    const name = (id: number) =>
      groups.map((l) => l.split(':')).find((f) => f[2] === String(id))?.[0] ?? String(id);
    return ` (owned by uid ${st.uid}, group "${name(st.gid)}", mode ${(st.mode & 0o777).toString(8)})`;
  } catch {
    return '';
  }
}

export function connectionError(err: NodeJS.ErrnoException, where: string): AgromeshError {
  const hint =
    err.code === 'ENOENT'
      ? `No tailscaled LocalAPI at ${where}. Is tailscaled running? Pass --local-api-socket PATH if it listens elsewhere.`
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? `Permission denied opening ${where}${socketOwnership(where)}. Run as root or as the tailscaled operator ("sudo tailscale set --operator=$USER"), or join the group that owns the socket.`
        : err.code === 'ECONNREFUSED'
          ? `tailscaled is not accepting connections at ${where} (a stale socket?). Is tailscaled running?`
          : `Could not talk to tailscaled at ${where}: ${err.message}`;
  return new AgromeshError('LOCALAPI_UNAVAILABLE', hint, { cause: err });
}

/** The daemon answers errors as plain text (http.Error) or sometimes `{"error": "..."}`. */
function daemonMessage(text: string): string {
  const trimmed = text.trim();
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error;
    }
  } catch {
    // plain text
  }
  return trimmed.slice(0, 500);
}

export function statusError(status: number, text: string, what: string): AgromeshError {
  const msg = daemonMessage(text);
  if (status === 401)
    return new AgromeshError(
      'TAILNET_AUTH',
      `tailscaled refused ${what}: ${msg} (the LocalAPI token is missing or stale).`,
    );
  if (status === 403)
    return new AgromeshError(
      'TAILNET_SCOPE',
      `tailscaled denied ${what}: ${msg}. Reading needs access to the socket; changes need root or the tailscaled operator user.`,
    );
  if (status >= 500) return new AgromeshError('LOCALAPI_UNAVAILABLE', `tailscaled failed ${what}: ${msg}`);
  return new AgromeshError('TAILNET_REJECTED', `tailscaled rejected ${what}: ${msg}`);
}

export function parseBody<T extends z.ZodType>(schema: T, text: string, what: string): z.output<T> {
  let value: unknown;
  try {
    value = parseLosslessJson(text);
  } catch (err) {
    throw new AgromeshError(
      'TAILNET_BAD_PAYLOAD',
      `tailscaled sent invalid JSON for ${what}: ${(err as Error).message}`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AgromeshError(
      'TAILNET_BAD_PAYLOAD',
      `tailscaled sent an unexpected ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
