/**
 * The registry serves gateway packages to its tailnet: a node tagged tag:farm (the farm that has just
 * joined) downloads the exact bytes whose SHA-256 the list gives; support staff may list them; anyone
 * else is refused; names outside the shelf, traversal forms and symlinks leading out are not served.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import { call, fakeWhois, farmIdentity, loopbackOf, personIdentity, tempDir } from './helpers.ts';
import type { CallerIdentity } from '../../protocol/identity.ts';

const farm = farmIdentity(2);
const sue = personIdentity(4, 'sue@example.com', 'support');
const anna = personIdentity(5, 'anna@example.com', 'agronomist');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

const debBytes = (arch: string) =>
  Buffer.concat([Buffer.from(`!<arch>\n${arch}`), Buffer.alloc(200_000, arch)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function registry(withPackages = true): Promise<{ handle: RegistryHandle; dir: string }> {
  const d = tempDir();
  cleanups.push(d.dispose);
  const shelf = join(d.path, 'packages');
  mkdirSync(shelf);
  writeFileSync(join(shelf, 'agromesh-gateway_0.1.0_amd64.deb'), debBytes('amd64'));
  writeFileSync(join(shelf, 'agromesh-gateway_0.1.0_arm64.deb'), debBytes('arm64'));
  writeFileSync(join(shelf, 'notes.txt'), 'not a package');
  writeFileSync(join(d.path, 'secret.deb'), 'outside the shelf');
  symlinkSync(join(d.path, 'secret.deb'), join(shelf, 'agromesh-gateway_0.2.0_amd64.deb'));
  const handle = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile: join(d.path, 'registry.db'),
    resolveIdentity: fakeWhois([farm, sue, anna]).resolve,
    ...(withPackages ? { packagesDir: shelf } : {}),
  });
  cleanups.push(() => handle.dispose());
  return { handle, dir: shelf };
}

function download(base: string, path: string, from: CallerIdentity) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(new URL(path, base), { localAddress: loopbackOf(from), agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('registry gateway packages', () => {
  it('lists the packages with their checksums, and a farm downloads exactly those bytes', async () => {
    const { handle } = await registry();
    const list = await call(handle.url, '/packages', { from: sue });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      packages: [
        {
          file: 'agromesh-gateway_0.1.0_amd64.deb',
          version: '0.1.0',
          arch: 'amd64',
          size: debBytes('amd64').length,
          sha256: sha(debBytes('amd64')),
        },
        {
          file: 'agromesh-gateway_0.1.0_arm64.deb',
          version: '0.1.0',
          arch: 'arm64',
          size: debBytes('arm64').length,
          sha256: sha(debBytes('arm64')),
        },
      ],
    });
    expect(handle.packages()).toEqual((list.body as { packages: unknown }).packages);
    const got = await download(handle.url, '/packages/agromesh-gateway_0.1.0_arm64.deb', farm);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/vnd.debian.binary-package');
    expect(sha(got.body)).toBe(sha(debBytes('arm64')));
  });

  it('refuses people without the support role, and serves nothing off the shelf', async () => {
    const { handle } = await registry();
    expect((await call(handle.url, '/packages', { from: anna })).status).toBe(403);
    expect((await download(handle.url, '/packages/agromesh-gateway_0.1.0_amd64.deb', anna)).status).toBe(403);
    expect((await call(handle.url, '/packages', { from: '127.0.0.1' })).status).toBe(401);
    for (const path of [
      '/packages/notes.txt',
      '/packages/agromesh-gateway_0.2.0_amd64.deb', // a symlink out of the folder
      '/packages/..%2Fsecret.deb',
      '/packages/agromesh-gateway_0.1.0_amd64.deb%00.txt',
    ]) {
      const r = await download(handle.url, path, farm);
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('outside the shelf');
    }
    const post = await call(handle.url, '/packages/agromesh-gateway_0.1.0_amd64.deb', {
      method: 'POST',
      from: farm,
      body: {},
    });
    expect(post.status).toBe(405);
  });

  it('sees a rebuilt package (new bytes, new checksum) without a restart', async () => {
    const { handle, dir } = await registry();
    const before = handle.packages().find((p) => p.arch === 'amd64')!.sha256;
    const rebuilt = Buffer.concat([debBytes('amd64'), Buffer.from('v2')]);
    writeFileSync(join(dir, 'agromesh-gateway_0.1.0_amd64.deb'), rebuilt);
    const after = handle.packages().find((p) => p.arch === 'amd64')!.sha256;
    expect(after).not.toBe(before);
    expect(after).toBe(sha(rebuilt));
  });

  it('a registry without a packages folder says so', async () => {
    const { handle } = await registry(false);
    const r = await call(handle.url, '/packages', { from: farm });
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/serves no gateway packages/);
  });
});
