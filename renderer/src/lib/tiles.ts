/** Online tiles are opt-in: only an https template with {z}/{x}/{y} is accepted. */
export function isValidTileTemplate(url: string): boolean {
  if (!/^https:\/\/[^\s/]+\//i.test(url)) return false;
  return url.includes('{z}') && url.includes('{x}') && url.includes('{y}');
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}
