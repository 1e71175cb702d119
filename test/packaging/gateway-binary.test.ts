/**
 * The self-contained gateway (`npm run dist:gateway`): the x64 binary serves Farm API v1 inside a testbed
 * namespace with no Node on its PATH, resolving callers by who-is from the simulated tailnet's LocalAPI
 * (the same mechanism as the netbed suite); the arm64 binary runs under qemu-aarch64-static and answers
 * /api/info on loopback. Both open their SQLite store (node:sqlite inside the binary). The build is cached.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, binaryPath } from '../../scripts/dist/gateway.ts';
import { HTTP, commandBody, netbedSkipReason } from '../netbed/support.ts';
import type { HttpAnswer } from '../netbed/scenarios/http.ts';
import { type World, createWorld } from '../netbed/world.ts';

const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';
const QEMU = '/usr/bin/qemu-aarch64-static';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const dir = mkdtempSync(join(tmpdir(), 'agm-bin-'));
/** A PATH with nothing on it: the binary must need no node (the host has one in /usr/bin). */
const emptyPath = join(dir, 'empty-path');
mkdirSync(emptyPath);
const children: ChildProcess[] = [];

/** Resolves with the URL the gateway prints once listening (its first stdout line). */
function listening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line in ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${err}`));
    });
  });
}

beforeAll(async () => {
  await buildGateway();
}, 600_000);

afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const skip = netbedSkipReason();

describe.skipIf(skip !== undefined)(
  `x64 gateway binary in a testbed namespace${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld({ farms: 1 });
    }, 300_000);
    afterAll(async () => {
      await world?.dispose();
    });

    it('serves Farm API v1 to an operator on the tailnet, with no node on its PATH', async () => {
      expect(existsSync(join(emptyPath, 'node'))).toBe(false);
      const farm = world.farms[0]!;
      // `ip netns exec` found on this process's PATH: the child's own PATH has nothing on it.
      const child = spawn(
        IP,
        [
          'netns',
          'exec',
          world.tb.host(farm.host).ns,
          binaryPath('x64'),
          '--simulate',
          '--farm-id',
          farm.name,
          '--listen',
          `${farm.ipv4}:8080`,
          '--local-api-socket',
          farm.localApiSocket,
          '--data-dir',
          join(dir, 'x64-data'),
          '--log-level',
          'error',
        ],
        { env: { PATH: emptyPath, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      const url = await listening(child, 30_000);
      expect(url).toBe(`http://${farm.ipv4}:8080`);
      const agent = await world.tb.agent('cr');
      const get = (path: string) =>
        agent.call<HttpAnswer>(HTTP, 'http', {
          url: `${url}${path}`,
          localAddress: world.callers.operator.ipv4,
        });
      const info = await get('/api/info');
      expect(info.status).toBe(200);
      expect(info.json).toMatchObject({
        apiVersion: 1,
        farmId: farm.name,
        gatewayVersion: expect.any(String),
      });
      const current = await get('/api/data/current');
      expect(current.status).toBe(200);
      const readings = (current.json as { readings: { sensorId: string; value: number }[] }).readings;
      expect(readings.map((r) => r.sensorId)).toContain('soil-1');
      expect(existsSync(join(dir, 'x64-data', 'gateway.sqlite'))).toBe(true);
      // Who-is really is asked: a tailnet member without an operator grant may read but not command.
      const denied = await agent.call<HttpAnswer>(HTTP, 'http', {
        url: `${url}/api/commands`,
        body: commandBody('bin-deny'),
        localAddress: world.callers.nogrant.ipv4,
      });
      expect(denied.status).toBe(403);
    });
  },
);

const noQemu =
  existsSync(QEMU) && existsSync(ARM64_SYSROOT)
    ? undefined
    : `needs ${QEMU} and ${ARM64_SYSROOT} (qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross)`;
if (noQemu && process.env.CI === 'true' && process.getuid?.() === 0)
  throw new Error(`cannot run in CI: ${noQemu}`);

describe.skipIf(noQemu !== undefined)(
  `arm64 gateway binary under qemu${noQemu ? ` — skipped: ${noQemu}` : ''}`,
  () => {
    it('answers /api/info', async () => {
      const child = spawn(
        QEMU,
        [
          '-L',
          ARM64_SYSROOT,
          binaryPath('arm64'),
          '--simulate',
          '--insecure-no-auth',
          '--farm-id',
          'pi-farm',
          '--listen',
          '127.0.0.1:0',
          '--data-dir',
          join(dir, 'arm64-data'),
          '--log-level',
          'error',
        ],
        { env: { PATH: emptyPath, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      const url = await listening(child, 90_000);
      const res = await fetch(`${url}/api/info`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ apiVersion: 1, farmId: 'pi-farm' });
      expect(existsSync(join(dir, 'arm64-data', 'gateway.sqlite'))).toBe(true);
    }, 120_000);
  },
);
