/** A WebSocket message as text: `ws` hands its payload over as one Buffer, fragments, or an ArrayBuffer. */
export function wsText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}
