/**
 * Optional webhook channel: a JSON POST to an endpoint on the tailnet. Every socket goes through the
 * farm connections' tailnet-only dialer, so a URL pointing at the internet, the LAN or loopback is refused
 * before anything is sent (SSRF guard), MagicDNS answers are re-checked, and redirects are refused, not
 * followed. Plain http: the tailnet already encrypts the path. Each delivery has a deadline and a bounded
 * number of attempts with exponential backoff; client errors (4xx) are not retried.
 */
import { Agent, request } from 'undici';
import { type BackoffRule, backoffDelay } from '../../../protocol/backoff.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import type { Logger } from '../../../kit/log.ts';
import { createTailnetDialer, type TailnetDialer } from '../farms/dialer.ts';

export interface WebhookOptions {
  /** The app's dialer (simulated mode in the demo and tests); a tailnet-only one by default. */
  dialer?: TailnetDialer;
  /** Deadline for one attempt, connect to last byte. */
  timeoutMs?: number;
  /** Total attempts per delivery (1 = no retry). */
  attempts?: number;
  /** First retry wait; doubles each time. */
  backoffMs?: number;
  /** Waits between attempts (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  log: Logger;
}

export interface WebhookResult {
  status: number;
  ms: number;
  attempts: number;
}

export interface WebhookSender {
  /** Throws DESTINATION_NOT_ALLOWED / VALIDATION for a URL that may never be posted to (no I/O). */
  check(url: string): URL;
  post(url: string, payload: unknown): Promise<WebhookResult>;
  dispose(): Promise<void>;
}

/** A JSON body larger than this is a bug, not a notification. */
export const WEBHOOK_MAX_BODY = 256 * 1024;
const RESPONSE_LIMIT = 64 * 1024;

const refuse = (message: string) => new AgromeshError('DESTINATION_NOT_ALLOWED', message);

/** Parses and vets a webhook URL against the dialer's rules. */
export function checkWebhookUrl(raw: string, dialer: TailnetDialer): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AgromeshError('VALIDATION', 'The webhook address is not a valid URL.', {
      details: { field: 'webhookUrl' },
    });
  }
  if (url.protocol !== 'http:') {
    throw refuse(
      'Webhooks are sent over plain http on the tailnet (WireGuard already encrypts it); use http://.',
    );
  }
  if (url.username || url.password) throw refuse('Put no user name or password in the webhook address.');
  dialer.check(url.hostname, Number(url.port || 80));
  return url;
}

async function drain(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > RESPONSE_LIMIT) {
      body.destroy();
      return;
    }
  }
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const dialer = options.dialer ?? createTailnetDialer({ mode: 'tailnet' });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const attempts = Math.max(1, Math.min(options.attempts ?? 3, 10));
  const backoffMs = options.backoffMs ?? 1_000;
  // One receiver, one sender: no herd to spread, so no jitter. The cap is the wait before the 10th attempt.
  const backoff: BackoffRule = { baseMs: backoffMs, factor: 2, capMs: backoffMs * 2 ** 8, jitter: 'none' };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const agent = new Agent({
    connect: dialer.connector,
    connections: 2,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const log = options.log;
  let disposed = false;

  const once = async (url: URL, body: string): Promise<number> => {
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'user-agent': 'agromesh-alerts' },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await drain(res.body).catch(() => {});
    return res.statusCode;
  };

  return {
    check: (raw) => checkWebhookUrl(raw, dialer),
    async post(raw, payload) {
      if (disposed) throw new AgromeshError('UNAVAILABLE', 'Alerts are shutting down.');
      const url = checkWebhookUrl(raw, dialer);
      const body = JSON.stringify(payload);
      if (Buffer.byteLength(body) > WEBHOOK_MAX_BODY) {
        throw new AgromeshError('BODY_TOO_LARGE', `The webhook payload exceeds ${WEBHOOK_MAX_BODY} bytes.`);
      }
      const started = performance.now();
      let lastError: AgromeshError | undefined;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await sleep(backoffDelay(backoff, attempt - 2));
        if (disposed) break;
        try {
          const status = await once(url, body);
          if (status >= 200 && status < 300) {
            return { status, ms: Math.round(performance.now() - started), attempts: attempt };
          }
          if (status >= 300 && status < 400) {
            throw refuse(
              `The webhook answered with a redirect (HTTP ${status}); redirects are never followed.`,
            );
          }
          lastError = new AgromeshError('UNAVAILABLE', `The webhook answered HTTP ${status}.`, {
            details: { status },
          });
          if (!retryable(status)) break;
        } catch (err) {
          if (err instanceof AgromeshError && err.code === 'DESTINATION_NOT_ALLOWED') throw err;
          const name = (err as { name?: string }).name;
          const code = (err as { code?: string }).code;
          const timedOut =
            name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
          lastError = new AgromeshError(
            timedOut ? 'TIMEOUT' : 'UNAVAILABLE',
            timedOut
              ? 'The webhook did not answer in time.'
              : `The webhook could not be reached${code ? ` (${code})` : ''}.`,
            { cause: err },
          );
        }
        log.warn('webhook attempt failed', { host: url.host, attempt, error: lastError.message });
      }
      throw lastError ?? new AgromeshError('UNAVAILABLE', 'The webhook could not be reached.');
    },
    async dispose() {
      disposed = true;
      await agent.destroy().catch(() => {});
    },
  };
}
