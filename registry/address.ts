/** The registry's listen address: `ADDR:PORT` or `[V6]:PORT` with a host. */
import { splitHostPort } from '../protocol/host-port.ts';

/** Parse `ADDR:PORT` or `[V6]:PORT`; undefined when malformed or the host is missing. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const parts = splitHostPort(text);
  return parts?.host ? parts : undefined;
}
