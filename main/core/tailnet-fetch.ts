/** fetch() that dials only tailnet destinations (through the dialer) and never follows a redirect. */
import { type Agent, fetch as undiciFetch } from 'undici';
import { AgromeshError } from '../../protocol/errors.ts';
import type { FetchLike } from './discovery/registry-client.ts';
import type { TailnetDialer } from './farms/index.ts';

export function createTailnetFetch(dialer: TailnetDialer, agent: Agent): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    if (u.protocol !== 'http:')
      throw new AgromeshError('DESTINATION_NOT_ALLOWED', `Refusing ${u.protocol} URL.`);
    dialer.check(u.hostname, Number(u.port || 80));
    const res = await undiciFetch(url, { ...(init as object), dispatcher: agent, redirect: 'manual' });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new AgromeshError(
        'DESTINATION_NOT_ALLOWED',
        `${u.host} answered with a redirect; redirects are not followed.`,
      );
    }
    return res as unknown as Response;
  };
}
