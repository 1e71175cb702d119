/**
 * Gateway packages the registry serves to its own tailnet, so a farm that has just joined can install the
 * gateway from the control room (no public server, no package name anyone could claim). Only files named
 * like `agromesh-gateway_<version>_<arch>.deb` in the configured folder are served; their SHA-256 goes
 * into the onboarding command, which refuses a download that does not match.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { GatewayPackage } from '../protocol/discovery-api.ts';
import { AgromeshError } from '../protocol/errors.ts';

export const PACKAGES_PATH = '/packages';
const PACKAGE_RE = /^agromesh-gateway_([0-9][0-9A-Za-z.+~-]{0,40})_(amd64|arm64)\.deb$/;

interface Entry extends GatewayPackage {
  path: string;
  mtimeMs: number;
}

export interface PackageShelf {
  /** What is on offer now (the folder is read again when its files change). */
  list(): GatewayPackage[];
  /** Stream one package; NOT_FOUND for any name that is not on the shelf. */
  send(res: ServerResponse, file: string): Promise<void>;
}

// Packages are tens of MB at most; hashed in one read, once per change of the file.
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

export function openPackageShelf(dir: string): PackageShelf {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch (err) {
    throw new AgromeshError('UNAVAILABLE', `The gateway packages folder ${dir} cannot be read.`, {
      cause: err,
    });
  }
  const cache = new Map<string, Entry>();

  const scan = (): Entry[] => {
    const out: Entry[] = [];
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return [];
    }
    for (const file of names.sort()) {
      const m = PACKAGE_RE.exec(file);
      if (!m) continue;
      const path = join(root, file);
      let st;
      try {
        // Resolved inside the folder: a symlink pointing elsewhere is not served.
        if (!realpathSync(path).startsWith(`${root}/`)) continue;
        st = statSync(path);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      let e = cache.get(file);
      if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
        e = {
          file,
          version: m[1]!,
          arch: m[2] as GatewayPackage['arch'],
          size: st.size,
          sha256: sha256(path),
          path,
          mtimeMs: st.mtimeMs,
        };
        cache.set(file, e);
      }
      out.push(e);
    }
    return out;
  };

  return {
    list: () =>
      scan().map(({ file, version, arch, size, sha256: sum }) => ({
        file,
        version,
        arch,
        size,
        sha256: sum,
      })),
    send: async (res, file) => {
      const e = PACKAGE_RE.test(file) ? scan().find((p) => p.file === file) : undefined;
      if (!e) throw new AgromeshError('NOT_FOUND', `No gateway package ${file.slice(0, 100)} here.`);
      res.writeHead(200, {
        'content-type': 'application/vnd.debian.binary-package',
        'content-length': String(e.size),
        'content-disposition': `attachment; filename="${e.file}"`,
        'x-checksum-sha256': e.sha256,
        'cache-control': 'no-store',
      });
      await pipeline(createReadStream(e.path), res);
    },
  };
}
