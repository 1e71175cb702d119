/**
 * `POST /localapi/v0/ping` of the simulated daemon, answered as ipnstate.PingResult the way tailscaled
 * does: an online peer answers after its round trip (direct: `Endpoint` set; relayed: `DERPRegionID` and
 * `DERPRegionCode`); an address no peer holds gets `Err` at once; an offline peer never answers — the
 * real LocalBackend.Ping waits until the caller gives up — so the request is left open.
 */
import type { SimDevice, SimTailnet } from './model.ts';

/** DERP region ids of the codes the simulation uses (the real derpmap's numbering). */
const DERP_REGIONS: Record<string, number> = { nyc: 1, sfo: 2, sin: 3, fra: 4, syd: 5, waw: 16, ams: 17 };

export type SimPingAnswer =
  | { kind: 'answer'; afterMs: number; body: Record<string, unknown> }
  | { kind: 'hang' }
  | { kind: 'error'; status: number; text: string };

/** A stable round trip per device and path: a few tens of ms direct, ~100 ms through DERP. */
export function simRoundTripMs(d: SimDevice): number {
  let h = 0;
  for (const c of d.stableId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return d.connection.kind === 'direct' ? 8 + (h % 25) : 70 + (h % 60);
}

export function simPing(
  tailnet: SimTailnet,
  self: SimDevice,
  ip: string | null,
  type: string | null,
): SimPingAnswer {
  if (!ip) return { kind: 'error', status: 400, text: "missing 'ip' parameter\n" };
  if (!type) return { kind: 'error', status: 400, text: "missing 'type' parameter\n" };
  const base = {
    IP: ip,
    NodeIP: '',
    NodeName: '',
    Err: '',
    LatencySeconds: 0,
    Endpoint: '',
    PeerRelay: '',
    DERPRegionID: 0,
    DERPRegionCode: '',
  };
  const peer = tailnet.devices().find((d) => d.ipv4 === ip || d.ipv6 === ip);
  if (!peer) return { kind: 'answer', afterMs: 0, body: { ...base, Err: 'no matching peer' } };
  if (peer.stableId === self.stableId)
    return {
      kind: 'answer',
      afterMs: 0,
      body: { ...base, Err: `${ip} is local Tailscale IP`, IsLocalIP: true },
    };
  if (!peer.online) return { kind: 'hang' };
  const rtt = simRoundTripMs(peer);
  const path =
    peer.connection.kind === 'direct'
      ? { Endpoint: peer.connection.endpoint }
      : { DERPRegionID: DERP_REGIONS[peer.connection.region] ?? 900, DERPRegionCode: peer.connection.region };
  return {
    kind: 'answer',
    afterMs: rtt,
    body: { ...base, NodeIP: ip, NodeName: peer.name, LatencySeconds: rtt / 1000, ...path },
  };
}
