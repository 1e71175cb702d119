/**
 * The simulator against recordings of the real programs (test/fixtures/real-tailnet, written by
 * scripts/tailnet/record-fixtures.ts from real tailscaled 1.102.5 and Headscale 0.29.2): every key path
 * the real answer has, the simulator's answer has too, with the same JSON type — and the watch stream
 * follows the real message sequence. Differences the simulator keeps on purpose are listed with a reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { DELTA_MASK } from '../../main/core/tailnet/localapi-backend.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { localGet, tempDir } from './helpers.ts';

const REAL = new URL('../fixtures/real-tailnet/', import.meta.url);
// Plain JSON.parse on both sides: only shapes and JSON types are compared, not int64 precision.
const real = (name: string): unknown => JSON.parse(readFileSync(new URL(name, REAL), 'utf8'));
const realLines = (name: string): Record<string, unknown>[] =>
  readFileSync(new URL(name, REAL), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
/** Keys that are data, not field names (node keys, user ids): compared as one wildcard entry. */
const MAP_KEY = /^(nodekey:|\d+$)/;

type Json = unknown;
const typeOf = (v: Json) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'bigint' ? 'number' : typeof v;

/** `path → type` for every key down to `depth` (arrays: their first element, as `[]`). */
export function keyPaths(v: Json, depth = 4, prefix = '', out = new Map<string, string>()) {
  if (depth < 0) return out;
  if (Array.isArray(v)) {
    if (v.length > 0) keyPaths(v[0], depth - 1, `${prefix}[]`, out);
    return out;
  }
  if (v && typeof v === 'object' && typeOf(v) === 'object') {
    const entries = Object.entries(v as Record<string, Json>);
    const isMap = entries.length > 0 && entries.every(([k]) => MAP_KEY.test(k));
    for (const [k, child] of isMap ? entries.slice(0, 1) : entries) {
      const name = isMap ? '*' : k;
      const p = prefix ? `${prefix}.${name}` : name;
      out.set(p, typeOf(child));
      keyPaths(child, depth - 1, p, out);
    }
  }
  return out;
}

/** Real key paths the simulator lacks or types differently (null on either side matches anything). */
function drift(realValue: Json, simValue: Json, allowed: RegExp[] = [], depth = 4): string[] {
  const r = keyPaths(realValue, depth);
  const s = keyPaths(simValue, depth);
  const out: string[] = [];
  for (const [path, type] of r) {
    if (allowed.some((a) => a.test(path))) continue;
    const simType = s.get(path);
    if (simType === undefined) out.push(`missing ${path}`);
    else if (simType !== type && type !== 'null' && simType !== 'null')
      out.push(`${path}: real ${type}, sim ${simType}`);
  }
  return out;
}

/** Things the simulator leaves out on purpose (each with why). */
const LOCALAPI_ALLOWED = [
  /^ClientVersion/, // real: null here (no update server offline); sim reports one
  /\.PeerAPIURL/, // peer API ports are a tailscaled internal; the app never calls them
  /\.(RxBytes|TxBytes|LastWrite|LastHandshake|InMagicSock|InEngine|InNetworkMap)$/, // engine counters
  /Hostinfo\.(BackendLogID|NetInfo|Services|Container|Distro\w*|GoArch\w*|GoVersion|NoLogsNoSupport|Machine|Desktop|OSVersion)/,
];
/** The node's own attributes (nodeAttrs) differ per control plane and policy. */
const SELF_ALLOWED = [...LOCALAPI_ALLOWED, /^(Capabilities|CapMap)(\.|$)/];

describe('the simulator matches the real programs (recorded)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimTailnetHandle;

  beforeAll(async () => {
    tmp = tempDir();
    sim = await startSimTailnet({
      dir: tmp.dir,
      seed: 5,
      daemonVersion: '1.102.5',
      self: { name: 'cr', tags: ['tag:controlroom'] },
    });
    sim.tailnet.addDevice({ name: 'farm-1', tags: ['tag:farm'] });
    sim.tailnet.addDevice({ name: 'olga-pc', user: 'olga@example.com' });
    for (const name of ['olga-pc', 'farm-1'])
      sim.tailnet.setCapMap(name, { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['*'] }] });
  });
  afterAll(async () => {
    await sim.dispose();
    tmp.cleanup();
  });

  it('LocalAPI status: every real key path, same types', async () => {
    const r = real('localapi-status.json') as Record<string, Json>;
    const s = JSON.parse((await localGet(sim.localApiSocket, '/localapi/v0/status')).text) as Record<
      string,
      Json
    >;
    expect(drift(r, s, [...LOCALAPI_ALLOWED, /^Self\.(Capabilities|CapMap)/], 2)).toEqual([]);
    const realPeer = Object.values(r.Peer as Record<string, Json>)[0];
    const simPeer = Object.values(s.Peer as Record<string, Json>).find(
      (p) => (p as { HostName: string }).HostName === 'farm-1',
    );
    expect(drift(realPeer, simPeer, LOCALAPI_ALLOWED)).toEqual([]);
    expect(drift(r.Self, s.Self, SELF_ALLOWED)).toEqual([]);
  });

  it('LocalAPI whois of a user-owned and of a tagged caller: every real key path, same types', async () => {
    for (const [file, name] of [
      ['localapi-whois-user.json', 'olga-pc'],
      ['localapi-whois-tagged.json', 'farm-1'],
    ] as const) {
      const d = sim.tailnet.device(name)!;
      const s = JSON.parse((await localGet(sim.localApiSocket, `/localapi/v0/whois?addr=${d.ipv4}`)).text);
      expect(drift(real(file), s, LOCALAPI_ALLOWED), file).toEqual([]);
    }
  });

  it('watch-ipn-bus: InitialStatus first, then deltas only — never a NetMap after the first message', async () => {
    const recorded = realLines('localapi-watch-ipn-bus.ndjson');
    expect(recorded[0]).toHaveProperty('InitialStatus');
    expect(recorded.slice(1).every((m) => m.NetMap === null || m.NetMap === undefined)).toBe(true);
    const realJoin = recorded.find((m) => Array.isArray(m.PeersChanged))!;
    const realOffline = recorded.find(
      (m) =>
        Array.isArray(m.PeerChangedPatch) &&
        (m.PeerChangedPatch as { Online?: boolean }[])[0]?.Online === false,
    )!;
    // What the simulator streams for the same events: a farm joins, then goes offline.
    // The changes are made once the initial message has arrived, so they can only come as deltas.
    let begun!: () => void;
    const initial = new Promise<void>((r) => (begun = r));
    const text = localGet(sim.localApiSocket, `/localapi/v0/watch-ipn-bus?mask=${DELTA_MASK}`, 3, (n) => {
      if (n >= 1) begun();
    });
    await initial;
    const late = sim.tailnet.addDevice({ name: 'farm-late', tags: ['tag:farm'] });
    sim.tailnet.setOnline(late.name, false);
    const simLines = (await text).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, Json>);
    expect(drift(recorded[0], simLines[0], [...LOCALAPI_ALLOWED, /^SessionID$/], 1)).toEqual([]);
    const simJoin = simLines.find((m) => Array.isArray(m.PeersChanged));
    expect(drift(realJoin.PeersChanged, simJoin?.PeersChanged, LOCALAPI_ALLOWED, 2)).toEqual([]);
    const simOffline = simLines.find((m) => Array.isArray(m.PeerChangedPatch));
    expect(Object.keys((simOffline?.PeerChangedPatch as object[])[0]!)).toEqual(
      expect.arrayContaining(Object.keys((realOffline.PeerChangedPatch as object[])[0]!)),
    );
    expect(simLines.slice(1).every((m) => m.NetMap === null || m.NetMap === undefined)).toBe(true);
  });

  it('Headscale REST: nodes, set tags, pre-auth keys, API keys, policy, users — every real key path', async () => {
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim.headscaleUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sim.headscaleKey}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return await res.json();
    };
    const nodes = (await api('GET', '/api/v1/node')) as { nodes: { id: string; name: string }[] };
    // Real: a tagged node's preAuthKey.user is null; lastSeen of an online node is set.
    const allowed = [/\.preAuthKey(\.|$)/, /^nodes\[\]\.user\./];
    expect(drift(real('headscale-nodes.json'), nodes, allowed)).toEqual([]);
    const farm = nodes.nodes.find((n) => n.name === 'farm-1')!;
    expect(
      drift(
        real('headscale-set-tags.json'),
        await api('POST', `/api/v1/node/${farm.id}/tags`, { tags: ['tag:farm'] }),
        allowed,
      ),
    ).toEqual([]);
    const key = await api('POST', '/api/v1/preauthkey', {
      reusable: false,
      ephemeral: false,
      aclTags: ['tag:farm'],
      expiration: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(drift(real('headscale-preauthkey-create.json'), key)).toEqual([]);
    expect(
      drift(real('headscale-preauthkeys.json'), await api('GET', '/api/v1/preauthkey'), [/\.user\./]),
    ).toEqual([]);
    expect(drift(real('headscale-apikeys.json'), await api('GET', '/api/v1/apikey'))).toEqual([]);
    expect(drift(real('headscale-policy.json'), await api('GET', '/api/v1/policy'))).toEqual([]);
    expect(drift(real('headscale-users.json'), await api('GET', '/api/v1/user'))).toEqual([]);
    const bad = await api('POST', '/api/v1/policy/check', {
      policy: '{"grants":[{"src":["tag:nobody"],"dst":["*"],"ip":["*"]}]}',
    });
    expect(drift(real('headscale-policy-check-bad.json'), bad)).toEqual([]);
  });
});
