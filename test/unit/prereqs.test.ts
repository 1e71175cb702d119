/** The README's test command on a machine without Chromium: installs it as root, else one plain line. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/prereqs.sh', import.meta.url));
const run = (env: Record<string, string>, args: string[] = []) =>
  spawnSync('/bin/bash', [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

describe('npm test prerequisites', () => {
  it('without Chromium and without root: stops at once with the one line to run', () => {
    const r = run({ AGROMESH_CHROMIUM: '/nonexistent/chromium', AGROMESH_PREREQS_ROOT: '0' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'npm test needs chromium: run `sudo apt-get install -y chromium` (Debian), then npm test again.',
    ]);
  });

  it('as root it would install instead of stopping (apt disabled here: the same line, nothing run)', () => {
    const r = run({
      AGROMESH_CHROMIUM: '/nonexistent/chromium',
      AGROMESH_PREREQS_ROOT: '1',
      AGROMESH_PREREQS_APT: '0',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^npm test needs chromium/);
  });

  it('for npm run bench: asks for the load generator (wrk) in the same one line', () => {
    const r = run(
      { AGROMESH_CHROMIUM: '/nonexistent/chromium', AGROMESH_PREREQS_ROOT: '0', PATH: '/nonexistent' },
      ['--bench'],
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'npm run bench needs chromium wrk: run `sudo apt-get install -y chromium wrk` (Debian), then npm run bench again.',
    );
  });

  it('with everything present it says nothing and lets the tests run', () => {
    const r = run({ AGROMESH_CHROMIUM: process.execPath, AGROMESH_PREREQS_ROOT: '0' });
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});
