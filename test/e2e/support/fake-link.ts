/**
 * A farm's link for the fixture core (fake-farms.ts): a sample a minute over the last six hours, direct
 * with a ping every five minutes, relayed through `fra` from 3 h to 2 h ago, and unreachable for ten
 * minutes after that — what a fickle rural uplink looks like in the band and the Link card.
 */
import { type FarmLink, type LinkSample, summarizeLink } from '../../../protocol/app/index.ts';

const MIN = 60_000;

export function fakeFarmLink(farmId: string, from: number, to: number, now = Date.now()): FarmLink {
  const end = Math.floor(now / MIN) * MIN;
  const samples: LinkSample[] = [];
  for (let at = end - 6 * 60 * MIN; at <= end; at += MIN) {
    if (at < from - MIN || at > to) continue;
    const ago = (end - at) / MIN;
    const kind = ago <= 180 && ago > 120 ? 'relayed' : ago <= 120 && ago > 110 ? 'unreachable' : 'direct';
    const pinged = ago % 5 === 0 && kind !== 'unreachable';
    samples.push({
      at,
      kind,
      region: kind === 'relayed' ? 'fra' : null,
      rttMs: pinged ? (kind === 'relayed' ? 92 + (ago % 7) : 14 + (ago % 5)) : null,
      handshakeAt: kind === 'unreachable' ? null : at - 30_000,
      rxBytes: kind === 'unreachable' ? 0 : 6_000,
      txBytes: kind === 'unreachable' ? 0 : 1_500,
    });
  }
  return {
    farmId,
    intervalMs: MIN,
    samples,
    summary: summarizeLink(samples, from, to, MIN),
    source: { kind: 'localapi', problem: null },
  };
}
