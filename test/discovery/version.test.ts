/** Every program reports the version in package.json, from one module; nobody falls back to a made-up one. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { AGROMESH_VERSION } from '../../kit/version.ts';
import { startRegistry } from '../../registry/server.ts';
import { call, fakeWhois, tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '../..');

describe('one version', () => {
  it('the registry reports package.json version when not told one', async () => {
    const dir = tempDir();
    const handle = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'v.db'),
      resolveIdentity: fakeWhois([]).resolve,
    });
    try {
      const res = await call(handle.url, '/api/health');
      expect((JSON.parse(res.text) as { version: string }).version).toBe(pkg.version);
    } finally {
      await handle.dispose();
      dir.dispose();
    }
  });

  it('host, demo, registry and gateway take it from kit/version.ts, with no hard-coded fallback', () => {
    expect(AGROMESH_VERSION).toBe(pkg.version);
    for (const file of ['main/cli/host.ts', 'main/cli/demo.ts', 'registry/server.ts', 'gateway/gateway.ts']) {
      const src = readFileSync(join(root, file), 'utf8');
      expect(src, file).toContain('kit/version.ts');
      expect(src, file).not.toMatch(/['"]\d+\.\d+\.\d+['"]/);
    }
  });
});
