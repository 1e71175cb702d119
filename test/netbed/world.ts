/**
 * A whole Agromesh tailnet on the testbed: the simulated control plane (in this process) describes exactly
 * the testbed's hosts — same names, same 100.64.x.y / fd7a:115c:a1e0:: addresses — and serves one LocalAPI
 * socket per node, so a gateway or the registry in a namespace resolves callers by the real tunnel source
 * address (who-is keyed on 100.64.x.y). Unix sockets are files, so every namespace can reach them.
 *
 * Hosts: `cr` (the control room, plus people's machines with different grants, as extra tunnel addresses
 * on the same namespace), `registry`, and farm namespaces `f1…fK` carrying one or more farm nodes each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROLROOM_TAG, FARM_TAG, REGISTRY_TAG } from '../../protocol/device.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import {
  type SimDevice,
  type SimLocalApi,
  type SimTailnetHandle,
  startSimLocalApi,
  startSimTailnet,
} from '../../sim/tailnet/index.ts';
import { type Testbed, createTestbed } from './testbed.ts';

/** People's machines in the control-room namespace: one per role, and one with no Agromesh grant. */
export const CALLERS = {
  operator: { name: 'operator-pc', user: 'olga@example.com', grants: [{ role: 'operator', farms: ['*'] }] },
  agronomist: { name: 'agronomist-pc', user: 'anna@example.com', grants: [{ role: 'agronomist' }] },
  support: { name: 'support-pc', user: 'sam@example.com', grants: [{ role: 'support' }] },
  nogrant: { name: 'visitor-pc', user: 'vic@example.com', grants: null },
} as const;
export type CallerRole = keyof typeof CALLERS;

export interface WorldNode {
  name: string;
  /** Testbed host (namespace) it lives in. */
  host: string;
  ipv4: string;
  ipv6: string;
  localApiSocket: string;
}

export interface World {
  tb: Testbed;
  sim: SimTailnetHandle;
  dir: string;
  cr: WorldNode;
  registry: WorldNode;
  farms: WorldNode[];
  callers: Record<CallerRole, WorldNode>;
  joiners: Record<string, Joiner>;
  node(name: string): WorldNode;
  dispose(): Promise<void>;
}

export interface WorldOptions {
  farms: number;
  /** Farm nodes per namespace (several farms share one wireguard-go to keep 50–200 farms affordable). */
  farmsPerHost?: number;
  /** Start a LocalAPI for every farm node (default true). */
  farmLocalApis?: boolean;
  /**
   * Computers not yet on the tailnet, one namespace each: a logged-out simulated tailscaled whose
   * `tailscale up --auth-key` makes the machine a node with the namespace's address (onboarding).
   */
  joiners?: string[];
}

/** A computer that joins during the test: its namespace, its address-to-be and its tailscaled socket. */
export interface Joiner {
  host: string;
  ipv4: string;
  localApiSocket: string;
}

function v4(d: SimDevice): string {
  if (!d.ipv4) throw new Error(`${d.name} has no IPv4`);
  return d.ipv4;
}

export async function createWorld(options: WorldOptions): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'agmw-'));
  const sim = await startSimTailnet({
    dir,
    self: {
      name: 'control-room',
      user: 'operator@example.com',
      tags: [CONTROLROOM_TAG],
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['*'] }] },
    },
  });
  let tb: Testbed | undefined;
  const daemons: SimLocalApi[] = [];
  try {
    const callerDevices = Object.fromEntries(
      Object.entries(CALLERS).map(([role, c]) => [
        role,
        sim.tailnet.addDevice({
          name: c.name,
          user: c.user,
          capMap: c.grants ? { [AGROMESH_CAPABILITY]: [...c.grants] } : {},
        }),
      ]),
    ) as Record<CallerRole, SimDevice>;
    const registryDevice = sim.tailnet.addDevice({ name: 'registry', tags: [REGISTRY_TAG] });
    const farmDevices = Array.from({ length: options.farms }, (_, i) =>
      sim.tailnet.addDevice({ name: `farm-${String(i + 1).padStart(3, '0')}`, tags: [FARM_TAG] }),
    );
    const perHost = Math.max(1, options.farmsPerHost ?? 1);
    const farmHosts: { name: string; devices: SimDevice[] }[] = [];
    farmDevices.forEach((d, i) => {
      const h = Math.floor(i / perHost);
      (farmHosts[h] ??= { name: `f${h + 1}`, devices: [] }).devices.push(d);
    });
    const crDevices = [sim.self, ...Object.values(callerDevices)];
    const joinerAddresses = (options.joiners ?? []).map((name) => ({
      name,
      ipv4: sim.tailnet.allocateIpv4(),
    }));
    tb = await createTestbed({
      hosts: [
        { name: 'cr', ipv4: crDevices.map(v4), ipv6: crDevices.map((d) => d.ipv6) },
        { name: 'registry', ipv4: [v4(registryDevice)], ipv6: [registryDevice.ipv6] },
        ...farmHosts.map((h) => ({
          name: h.name,
          ipv4: h.devices.map(v4),
          ipv6: h.devices.map((d) => d.ipv6),
        })),
        ...joinerAddresses.map((j) => ({ name: j.name, ipv4: [j.ipv4] })),
      ],
    });
    const joiners: Record<string, Joiner> = {};
    for (const j of joinerAddresses) {
      const socket = join(dir, `${j.name}.tailscaled.sock`);
      daemons.push(
        await startSimLocalApi(sim.tailnet, {
          pending: { hostname: j.name, ipv4: j.ipv4 },
          socketPath: socket,
        }),
      );
      joiners[j.name] = { host: j.name, ipv4: j.ipv4, localApiSocket: socket };
    }

    const nodes = new Map<string, WorldNode>();
    const add = async (d: SimDevice, host: string, serve: boolean): Promise<WorldNode> => {
      const socket = join(dir, `${d.name}.sock`);
      if (serve) await sim.serveLocalApi(d.stableId, socket);
      const n: WorldNode = {
        name: d.name,
        host,
        ipv4: v4(d),
        ipv6: d.ipv6,
        localApiSocket: serve ? socket : sim.localApiSocket,
      };
      nodes.set(d.name, n);
      return n;
    };
    const cr = await add(sim.self, 'cr', false);
    const callers = {} as Record<CallerRole, WorldNode>;
    for (const [role, d] of Object.entries(callerDevices))
      callers[role as CallerRole] = await add(d, 'cr', true);
    const registry = await add(registryDevice, 'registry', true);
    const farms: WorldNode[] = [];
    for (const h of farmHosts)
      for (const d of h.devices) farms.push(await add(d, h.name, options.farmLocalApis ?? true));

    const testbed = tb;
    let disposed = false;
    return {
      tb: testbed,
      sim,
      dir,
      cr,
      registry,
      farms,
      callers,
      joiners,
      node: (name) => {
        const n = nodes.get(name);
        if (!n) throw new Error(`no node ${name}`);
        return n;
      },
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        for (const d of daemons) await d.dispose();
        await testbed.dispose();
        await sim.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const d of daemons) await d.dispose();
    await tb?.dispose();
    await sim.dispose();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
