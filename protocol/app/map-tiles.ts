/**
 * Online map tiles are opt-in: only an https template with {z}/{x}/{y} is used. The renderer draws tiles
 * from it and the hosts name its origin, and only that origin, in the page's Content-Security-Policy.
 */
export function isValidTileTemplate(url: string): boolean {
  if (!/^https:\/\/[^\s/]+\//i.test(url)) return false;
  return url.includes('{z}') && url.includes('{x}') && url.includes('{y}');
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

/** The origin a valid template loads from (`https://tiles.example:8443`), or undefined. */
export function tileOrigin(template: string | undefined): string | undefined {
  if (template === undefined || !isValidTileTemplate(template)) return undefined;
  const hostPart = template.slice(0, template.indexOf('/', 'https://'.length));
  // A placeholder in the host (`https://{z}.tiles.example/…`) names no one origin the policy could allow.
  if (/[{}]/.test(hostPart)) return undefined;
  try {
    const url = new URL(hostPart);
    // Only a plain (punycoded) host name and port: anything else could break out of a CSP source list.
    return /^[a-z0-9.-]+$/.test(url.hostname) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
