/**
 * `npm run dist:gateway-deb`: dist-gateway/agromesh-gateway_<version>_<arch>.deb for amd64 and arm64,
 * built with dpkg-deb from the single-file gateway (scripts/dist/gateway.ts) and packaging/gateway/:
 * /usr/bin/agromesh-gateway, the systemd unit, the conffile /etc/agromesh/gateway.conf, a sysusers.d
 * entry for the service user, maintainer scripts, copyright and changelog. Cached like the binaries.
 * Options: --arch amd64|arm64 (repeatable), --force.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { AGROMESH_VERSION } from '../../kit/version.ts';
import { type Arch, OUT_DIR, ROOT, binaryPath, buildGateway } from './gateway.ts';

export type DebArch = 'amd64' | 'arm64';
export const DEB_ARCHES: readonly DebArch[] = ['amd64', 'arm64'];
const NODE_ARCH: Record<DebArch, Arch> = { amd64: 'x64', arm64: 'arm64' };
const SRC = join(ROOT, 'packaging', 'gateway');

export const debPath = (arch: DebArch): string =>
  join(OUT_DIR, `agromesh-gateway_${AGROMESH_VERSION}_${arch}.deb`);

function put(root: string, path: string, content: Buffer | string, mode: number): void {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

export async function buildDeb(
  arch: DebArch,
  o: { force?: boolean; log?: (l: string) => void } = {},
): Promise<string> {
  const log = o.log ?? (() => {});
  await buildGateway({ arches: [NODE_ARCH[arch]], log });
  const bin = binaryPath(NODE_ARCH[arch]);
  const out = debPath(arch);
  const stamp = `${out}.stamp`;
  const h = createHash('sha256').update(readFileSync(`${join(OUT_DIR, `.agromesh-gateway-linux-${NODE_ARCH[arch]}`)}.stamp`));
  for (const f of readdirSync(SRC).sort()) h.update(f).update(readFileSync(join(SRC, f)));
  h.update(readFileSync(fileURLToPath(import.meta.url))).update(AGROMESH_VERSION);
  const key = h.digest('hex');
  if (!o.force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
    log(`${out}: up to date`);
    return out;
  }
  const stage = join(OUT_DIR, `deb-${arch}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'usr', 'bin'), { recursive: true });
  copyFileSync(bin, join(stage, 'usr', 'bin', 'agromesh-gateway'));
  chmodSync(join(stage, 'usr', 'bin', 'agromesh-gateway'), 0o755);
  const src = (f: string) => readFileSync(join(SRC, f));
  put(stage, 'usr/lib/systemd/system/agromesh-gateway.service', src('agromesh-gateway.service'), 0o644);
  put(stage, 'usr/lib/sysusers.d/agromesh-gateway.conf', src('agromesh-gateway.sysusers'), 0o644);
  put(stage, 'etc/agromesh/gateway.conf', src('gateway.conf'), 0o644);
  const doc = 'usr/share/doc/agromesh-gateway';
  put(stage, `${doc}/copyright`, src('copyright'), 0o644);
  put(stage, 'usr/share/lintian/overrides/agromesh-gateway', src('lintian-overrides'), 0o644);
  const date = execFileSync('date', ['-R', '-u', '-d', '@0'], { encoding: 'utf8' }).trim();
  const changelog = `agromesh-gateway (${AGROMESH_VERSION}) unstable; urgency=medium\n\n  * Release ${AGROMESH_VERSION}.\n\n -- Agromesh <agromesh@example.com>  ${date}\n`;
  put(stage, `${doc}/changelog.gz`, gzipSync(changelog, { level: 9 }), 0o644);
  const size = execFileSync('du', ['-sk', '--apparent-size', stage], { encoding: 'utf8' }).split('\t')[0]!;
  const control = src('control.in')
    .toString()
    .replace('@VERSION@', AGROMESH_VERSION)
    .replace('@ARCH@', arch)
    .replace('@SIZE@', size);
  put(stage, 'DEBIAN/control', control, 0o644);
  put(stage, 'DEBIAN/conffiles', '/etc/agromesh/gateway.conf\n', 0o644);
  for (const s of ['postinst', 'prerm', 'postrm']) put(stage, `DEBIAN/${s}`, src(s), 0o755);
  const start = Date.now();
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '-z1', '--build', stage, out], { stdio: 'ignore' });
  rmSync(stage, { recursive: true, force: true });
  writeFileSync(stamp, key);
  log(`${out}: built in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { arch: { type: 'string', multiple: true }, force: { type: 'boolean' } } });
  for (const a of values.arch ?? [...DEB_ARCHES]) {
    if (a !== 'amd64' && a !== 'arm64') throw new Error(`--arch must be amd64 or arm64, not ${a}`);
    await buildDeb(a, { force: values.force ?? false, log: (l) => process.stdout.write(`${l}\n`) });
  }
}
