/**
 * `POST /localapi/v0/ping`: one disco (or TSMP, ICMP, peerapi) ping to a tailnet address, answered with
 * ipnstate.PingResult. tailscaled waits for the pong until the request is cancelled (LocalBackend.Ping has
 * no timeout of its own), so a peer that does not answer is reported here after `timeoutMs` as a result
 * with `Err` set, the way `tailscale ping --timeout` reports it.
 */
import { z } from 'zod';
import { AgromeshError } from '../../protocol/errors.ts';
import { ipVersion } from '../../protocol/tailnet-address.ts';
import type { LocalApiClient } from './localapi.ts';
import { parseLosslessJson } from './lossless-json.ts';

/** ipnstate.PingResult; Go always sends every field but the omitempty ones. */
export const PingResult = z.looseObject({
  IP: z.string().default(''),
  NodeIP: z.string().default(''),
  NodeName: z.string().default(''),
  Err: z.string().default(''),
  LatencySeconds: z.number().default(0),
  /** `ip:port` when direct UDP carried the ping. */
  Endpoint: z.string().default(''),
  PeerRelay: z.string().default(''),
  /** Non-zero when the ping went through DERP. */
  DERPRegionID: z.number().int().default(0),
  DERPRegionCode: z.string().default(''),
  PeerAPIPort: z.number().int().optional(),
  IsLocalIP: z.boolean().optional(),
});
export type PingResult = z.infer<typeof PingResult>;

export type PingType = 'disco' | 'TSMP' | 'ICMP' | 'peerapi';

export interface PingOptions {
  type?: PingType;
  /** Give up waiting for the pong after this long (default 5 s, as `tailscale ping`'s per-ping timeout). */
  timeoutMs?: number;
}

/** What the ping needs from the LocalAPI client: its raw request. */
export type PingTransport = Pick<LocalApiClient, 'request'>;

export async function pingPeer(
  client: PingTransport,
  ip: string,
  options: PingOptions = {},
): Promise<PingResult> {
  if (ipVersion(ip) === 0) throw new AgromeshError('VALIDATION', `"${ip}" is not an IP address.`);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const path = `/localapi/v0/ping?ip=${encodeURIComponent(ip)}&type=${options.type ?? 'disco'}`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const request = client.request('POST', path);
  // The abandoned request ends with the client's own timeout; its outcome no longer matters.
  request.catch(() => undefined);
  try {
    const res = await Promise.race([request, timedOut]);
    if (res === null)
      return PingResult.parse({ IP: ip, Err: `no answer within ${timeoutMs} ms`, LatencySeconds: 0 });
    if (res.status !== 200) {
      let message = res.text.trim().slice(0, 300);
      try {
        const body = JSON.parse(res.text) as { error?: unknown };
        if (typeof body.error === 'string') message = body.error;
      } catch {
        // plain text (http.Error)
      }
      // 500 with {"error": …}: the ping could not be sent (no such peer, context cancelled).
      if (res.status === 500) return PingResult.parse({ IP: ip, Err: message });
      throw new AgromeshError('TAILNET_REJECTED', `tailscaled refused the ping to ${ip}: ${message}`);
    }
    const parsed = PingResult.safeParse(parseLosslessJson(res.text));
    if (!parsed.success)
      throw new AgromeshError('TAILNET_BAD_PAYLOAD', `tailscaled sent an unexpected ping result for ${ip}.`);
    return parsed.data;
  } finally {
    clearTimeout(timer);
  }
}
