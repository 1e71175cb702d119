/** The simulator answers with the same fields as the real servers (key sets checked against the fixtures). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLosslessJson } from '../../kit/tailscale/lossless-json.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { fixtureJson, fixtureText, localGet, tempDir } from './helpers.ts';

type Obj = Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as Obj).sort();
function expectKeysCover(actual: unknown, expected: unknown, except: string[] = []) {
  const missing = keys(expected).filter((k) => !except.includes(k) && !keys(actual).includes(k));
  expect(missing, `missing keys`).toEqual([]);
}

describe('simulated tailnet payloads match the fixtures', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimTailnetHandle;
  const auth = () => ({ authorization: `Bearer ${sim.apiKey}` });

  beforeAll(async () => {
    tmp = tempDir();
    sim = await startSimTailnet({ dir: tmp.dir, seed: 3 });
    sim.tailnet.addDevice({
      name: 'nas',
      tags: ['tag:farm'],
      keyExpiryDisabled: false,
      connection: { kind: 'direct', endpoint: '192.168.1.30:41641' },
    });
    sim.tailnet.addDevice({
      name: 'alice-phone',
      os: 'iOS',
      user: 'alice@example.com',
      online: false,
      keyExpiryDisabled: false,
    });
  });
  afterAll(async () => {
    await sim.dispose();
    tmp.cleanup();
  });

  it('LocalAPI status: Status, Self, PeerStatus and UserProfile keys', async () => {
    const fixture = fixtureJson<Obj>('localapi-status.json');
    const res = await localGet(sim.localApiSocket, '/localapi/v0/status');
    expect(res.text).toContain('\n\t"Version"'); // tab-indented like Go's output
    const status = parseLosslessJson(res.text) as Obj;
    expectKeysCover(status, fixture, ['ExitNodeStatus']);
    expectKeysCover(status.Self, fixture.Self);
    const fixturePeers = Object.values(fixture.Peer as Obj) as Obj[];
    const simPeers = Object.values(status.Peer as Obj) as Obj[];
    const nas = simPeers.find((p) => p.HostName === 'nas')!;
    const phone = simPeers.find((p) => p.HostName === 'alice-phone')!;
    expectKeysCover(nas, fixturePeers[0], ['PrimaryRoutes']); // tagged, direct
    expectKeysCover(phone, fixturePeers[2]); // untagged, offline
    expect(phone.Tags).toBeUndefined(); // omitted when untagged, as tailscaled does
    expect(nas.CurAddr).toBe('192.168.1.30:41641');
    const fixtureUser = Object.values(fixture.User as Obj)[0];
    for (const u of Object.values(status.User as Obj)) expectKeysCover(u, fixtureUser);
    expect(Object.keys(status.Peer as Obj).every((k) => k.startsWith('nodekey:'))).toBe(true);
  });

  it('LocalAPI whois: response, Node and UserProfile keys', async () => {
    const fixture = fixtureJson<Obj>('localapi-whois.json');
    const phone = sim.tailnet.device('alice-phone')!;
    const res = await localGet(sim.localApiSocket, `/localapi/v0/whois?addr=${phone.ipv4}:41641`);
    expect(res.status).toBe(200);
    const who = parseLosslessJson(res.text) as Obj;
    expectKeysCover(who, fixture);
    expectKeysCover(who.Node, fixture.Node, ['CapMap']);
    expectKeysCover(who.UserProfile, fixture.UserProfile);
    expectKeysCover((who.Node as Obj).Hostinfo, (fixture.Node as Obj).Hostinfo, ['DeviceModel']);
    expect(await localGet(sim.localApiSocket, '/localapi/v0/whois?addr=100.99.99.99')).toEqual({
      status: 404,
      text: 'no match for IP:port\n',
    });
    expect((await localGet(sim.localApiSocket, '/localapi/v0/whois')).text).toBe(
      "missing 'addr' parameter\n",
    );
  });

  it('LocalAPI watch-ipn-bus: the first Notify line has the fixture keys', async () => {
    const [first] = fixtureText('localapi-watch-ipn-bus.ndjson').split('\n');
    const res = await localGet(sim.localApiSocket, '/localapi/v0/watch-ipn-bus?mask=2');
    const line = JSON.parse(res.text.split('\n')[0]!) as Obj;
    expectKeysCover(line, JSON.parse(first!));
    expect(line.State).toBe(6);
    expect((await localGet(sim.localApiSocket, '/localapi/v0/watch-ipn-bus?mask=abc')).text).toBe(
      'bad mask\n',
    );
  });

  it('API v2 device (fields=all, single), device list, attributes', async () => {
    const nas = sim.tailnet.device('nas')!;
    const one = (await (
      await fetch(`${sim.apiUrl}/api/v2/device/${nas.stableId}?fields=all`, { headers: auth() })
    ).json()) as Obj;
    expectKeysCover(one, fixtureJson('api-v2-device.json'));
    expectKeysCover(one.clientConnectivity, fixtureJson<Obj>('api-v2-device.json').clientConnectivity);
    const list = (await (
      await fetch(`${sim.apiUrl}/api/v2/tailnet/-/devices`, { headers: auth() })
    ).json()) as { devices: Obj[] };
    expect(list.devices.length).toBe(3);
    expect(list.devices.find((d) => d.hostname === 'alice-phone')!.tags).toBeUndefined();
    const attrs = (await (
      await fetch(`${sim.apiUrl}/api/v2/device/${nas.legacyId}/attributes`, { headers: auth() })
    ).json()) as Obj;
    const fixtureAttrs = fixtureJson<Obj>('api-v2-device-attributes.json');
    expectKeysCover(
      attrs.attributes,
      Object.fromEntries(
        Object.entries(fixtureAttrs.attributes as Obj).filter(([k]) => k.startsWith('node:')),
      ),
    );
  });

  it('API v2 keys, errors and policy test failures', async () => {
    const created = await fetch(`${sim.apiUrl}/api/v2/tailnet/-/keys`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({
        ...fixtureJson('api-v2-create-key-request.json'),
        capabilities: { devices: { create: { tags: ['tag:farm'] } } },
      }),
    });
    const key = (await created.json()) as Obj;
    expectKeysCover(key, fixtureJson('api-v2-create-key-response.json'), ['revoked']);
    expect(key.key).toMatch(/^tskey-auth-/);
    const list = (await (
      await fetch(`${sim.apiUrl}/api/v2/tailnet/-/keys`, { headers: auth() })
    ).json()) as Obj;
    expectKeysCover(list, fixtureJson('api-v2-keys-list.json'));
    await fetch(`${sim.apiUrl}/api/v2/tailnet/-/keys/${String(key.id)}`, {
      method: 'DELETE',
      headers: auth(),
    });
    const revoked = (await (
      await fetch(`${sim.apiUrl}/api/v2/tailnet/-/keys/${String(key.id)}`, { headers: auth() })
    ).json()) as Obj;
    expectKeysCover(revoked, fixtureJson('api-v2-key-invalid.json'));
    expect(revoked.invalid).toBe(true);

    const nas = sim.tailnet.device('nas')!;
    const badTags = await fetch(`${sim.apiUrl}/api/v2/device/${nas.stableId}/tags`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ tags: ['tag:madeup', 'tag:wrongexample'] }),
    });
    expect(badTags.status).toBe(400);
    expect(await badTags.json()).toEqual(fixtureJson('api-v2-error-invalid-tags.json'));

    const failing = sim.tailnet.policy.text.replace('"deny": ["tag:farm:22"]', '"deny": ["tag:farm:8080"]');
    const rejected = await fetch(`${sim.apiUrl}/api/v2/tailnet/-/acl`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/hujson' },
      body: failing,
    });
    expect(rejected.status).toBe(400);
    const body = (await rejected.json()) as Obj;
    expectKeysCover(body, fixtureJson('api-v2-acl-update-test-failed.json'));
    expect(body).toMatchObject({
      message: 'test(s) failed',
      data: [{ user: 'operator@example.com', errors: ['address "tag:farm:8080": want: Drop, got: Accept'] }],
    });
    const asJson = await fetch(`${sim.apiUrl}/api/v2/tailnet/-/acl`, {
      headers: { ...auth(), accept: 'application/json' },
    });
    expect(asJson.headers.get('etag')).toMatch(/^".+"$/);
    expect(((await asJson.json()) as Obj).tagOwners).toBeDefined();
  });

  it('Headscale nodes (0.29 encoding) and users', async () => {
    const fixture = fixtureJson<{ nodes: Obj[] }>('headscale-v0.29-nodes-list.json');
    const res = await fetch(`${sim.headscaleUrl}/api/v1/node`, {
      headers: { authorization: `Bearer ${sim.headscaleKey}` },
    });
    const body = (await res.json()) as { nodes: Obj[] };
    for (const n of body.nodes) {
      expectKeysCover(n, fixture.nodes[0]);
      expectKeysCover(n.user, fixture.nodes[0]!.user);
      expect(typeof n.id).toBe('string');
    }
    const tagged = body.nodes.find((n) => n.name === 'nas')!;
    expect(tagged.user).toMatchObject({
      id: '2147455555',
      name: 'tagged-devices',
      displayName: 'Tagged Devices',
    });
    expect(tagged.tags).toEqual(['tag:farm']);
    const unauth = await fetch(`${sim.headscaleUrl}/api/v1/node`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(unauth.status).toBe(401);
    expect(await unauth.text()).toBe('Unauthorized');
  });
});
