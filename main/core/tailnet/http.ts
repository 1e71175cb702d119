/**
 * HTTP to a tailnet control plane (Tailscale API v2 or Headscale) through undici: keep-alive, timeouts,
 * retries on 429/5xx with exponential backoff + jitter honouring Retry-After, typed errors carrying the
 * control plane's own message, bounded bodies, and secrets kept out of every log line and error.
 */
import { Agent, type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { controlPlaneUrlProblem } from '../../../protocol/tailnet-address.ts';
import { backoffDelay } from '../../../protocol/backoff.ts';
import { AgromeshError, type ErrorCode } from '../../../protocol/errors.ts';
import { type Logger, redact, silentLogger } from '../../../kit/log.ts';
import { parseLosslessJson } from '../../../kit/tailscale/lossless-json.ts';
import type { LocalApiClient } from '../../../kit/tailscale/localapi.ts';

const MAX_BODY = 32 * 1024 * 1024;

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with TAILNET_RATE_LIMITED. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

/** What both control-plane backends (Tailscale API v2, Headscale) take besides their own credentials. */
export interface ControlPlaneOptions {
  /** Who-is and self() go through the local tailscaled when given. */
  localApi?: LocalApiClient;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Device poll interval for watch(); default 60 s keeps steady state at ≤ 60 API calls/hour. */
  pollIntervalMs?: number;
  logger?: Logger;
}

/** The retry and timing settings of ControlPlaneOptions, as ControlHttp takes them. */
export function httpTuning(
  o: ControlPlaneOptions,
): Pick<ControlHttpOptions, 'sleep' | 'random' | 'retry' | 'timeoutMs'> {
  return {
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.random ? { random: o.random } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  };
}

export interface ControlHttpOptions {
  baseUrl: string;
  /** "the Tailscale API", "Headscale" — used in messages. */
  label: string;
  /** Authorization header value for each attempt (tokens may refresh between attempts). */
  authorization: () => Promise<string>;
  /** Called on a 401 so a cached token is dropped; return true to retry once with a fresh one. */
  onUnauthorized?: () => boolean;
  /** What to tell the user when credentials are rejected. */
  authHint: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  /** Human description for errors: "list devices". */
  what: string;
  /** Scope the call needs, named in TAILNET_SCOPE errors. */
  scope?: string;
  body?: string | object;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** Safe to repeat after a 5xx or a dropped connection (429 is always retried: nothing was done). */
  idempotent?: boolean;
}

export interface ControlResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Message from any control-plane error body: API v2 `{message,data}`, Headscale `{code,message}`, OAuth `{error}`, text. */
export function controlPlaneMessage(text: string): { message: string; data?: unknown } {
  const trimmed = text.trim();
  try {
    const v = JSON.parse(trimmed) as Record<string, unknown>;
    if (v && typeof v === 'object') {
      if (typeof v.message === 'string')
        return { message: v.message, ...(v.data === undefined ? {} : { data: v.data }) };
      if (typeof v.error === 'string') {
        return {
          message: typeof v.error_description === 'string' ? `${v.error}: ${v.error_description}` : v.error,
        };
      }
    }
  } catch {
    // plain text
  }
  return { message: trimmed.slice(0, 300) || '(empty body)' };
}

/** Milliseconds from a Retry-After header (seconds or HTTP date), undefined when absent/unparseable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export class ControlHttp {
  readonly baseUrl: string;
  readonly #o: ControlHttpOptions;
  readonly #retry: RetryPolicy;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  readonly #log: Logger;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: ControlHttpOptions) {
    this.#o = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // The edge where the key is attached: never towards plain http off this computer.
    const problem = controlPlaneUrlProblem(this.baseUrl);
    if (problem) throw new AgromeshError('VALIDATION', `${options.label}: ${problem}.`);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const timeout = options.timeoutMs ?? 15_000;
    this.#ownDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        keepAliveTimeout: 30_000,
        connect: { timeout: Math.min(timeout, 10_000) },
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    this.#log = options.logger ?? silentLogger;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = options.random ?? Math.random;
  }

  #backoff(attempt: number): number {
    const { baseDelayMs: baseMs, maxDelayMs: capMs } = this.#retry;
    return backoffDelay({ baseMs, capMs, factor: 2, jitter: 'equal' }, attempt, this.#random);
  }

  async call(method: string, path: string, options: CallOptions): Promise<ControlResponse> {
    const url = this.baseUrl + path;
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.#retry.attempts;
      const headers: Record<string, string> = {
        authorization: await this.#o.authorization(),
        'user-agent': 'agromesh',
        ...(options.accept ? { accept: options.accept } : { accept: 'application/json' }),
        ...options.headers,
      };
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      let res: ControlResponse;
      try {
        const r = await request(url, {
          method,
          headers,
          body,
          dispatcher: this.#dispatcher,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of r.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_BODY) {
            r.body.destroy();
            throw new AgromeshError(
              'TAILNET_BAD_PAYLOAD',
              `${this.#o.label} sent more than ${MAX_BODY} bytes for ${options.what}.`,
            );
          }
          chunks.push(chunk);
        }
        res = { status: r.statusCode, headers: r.headers, text: Buffer.concat(chunks).toString('utf8') };
      } catch (err) {
        if (err instanceof AgromeshError) throw err;
        const e = err as NodeJS.ErrnoException;
        const reason = e.code ?? e.name ?? 'error';
        // Refused / no such host are configuration problems: fail fast (poll loops retry on their own).
        const transient = !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL'].includes(reason);
        if (options.idempotent && transient && !last) {
          const delay = this.#backoff(attempt);
          this.#log.warn('control plane unreachable, retrying', {
            what: options.what,
            reason,
            delayMs: delay,
          });
          await this.#sleep(delay);
          continue;
        }
        throw new AgromeshError(
          'TAILNET_UNREACHABLE',
          redact(
            `Could not reach ${this.#o.label} at ${this.baseUrl} to ${options.what} (${reason}: ${e.message}). Check the URL and the network.`,
          ),
          { cause: err },
        );
      }
      if (res.status === 401 && !reauthorized && this.#o.onUnauthorized?.()) {
        reauthorized = true;
        continue;
      }
      const retryable = res.status === 429 || (res.status >= 500 && options.idempotent === true);
      if (retryable && !last) {
        const after = retryAfterMs(res.headers['retry-after']);
        if (after === undefined || after <= this.#retry.maxRetryAfterMs) {
          const delay = Math.max(after ?? 0, after === undefined ? this.#backoff(attempt) : 0);
          this.#log.warn('control plane asked to retry', {
            what: options.what,
            status: res.status,
            delayMs: delay,
          });
          await this.#sleep(delay);
          continue;
        }
      }
      if (res.status >= 400) throw this.#error(res, options);
      return res;
    }
  }

  #error(res: ControlResponse, options: CallOptions): AgromeshError {
    const { message, data } = controlPlaneMessage(res.text);
    const label = this.#o.label.charAt(0).toUpperCase() + this.#o.label.slice(1);
    const said = redact(message);
    const pick = (): [ErrorCode, string] => {
      switch (res.status) {
        case 401:
          return [
            'TAILNET_AUTH',
            `${label} rejected the credentials (${said}) when trying to ${options.what}. ${this.#o.authHint}`,
          ];
        case 403:
          return [
            'TAILNET_SCOPE',
            `${label} refused to ${options.what}: ${said}.` +
              (options.scope ? ` The credentials need the "${options.scope}" scope (or "all").` : ''),
          ];
        case 404:
          return ['NOT_FOUND', `${label} could not ${options.what}: ${said}.`];
        case 412:
          return [
            'PRECONDITION_FAILED',
            `${label} refused to ${options.what}: ${said}. It changed since it was read; read it again and reapply your edit.`,
          ];
        case 429: {
          const after = retryAfterMs(res.headers['retry-after']);
          return [
            'TAILNET_RATE_LIMITED',
            `${label} is rate limiting requests (${options.what})${after ? `; try again in ${Math.ceil(after / 1000)} s` : ''}.`,
          ];
        }
        default:
          return res.status >= 500
            ? ['TAILNET_UNREACHABLE', `${label} failed to ${options.what} (HTTP ${res.status}: ${said}).`]
            : ['TAILNET_REJECTED', `${label} rejected the request to ${options.what}: ${said}`];
      }
    };
    const [code, text] = pick();
    return new AgromeshError(code, text, {
      details: { status: res.status, ...(data === undefined ? {} : { data }) },
    });
  }

  /** Call and parse a JSON answer with a schema (lossless int64s; unknown fields kept). */
  async json<T extends z.ZodType>(
    schema: T,
    method: string,
    path: string,
    options: CallOptions,
  ): Promise<z.output<T>> {
    const res = await this.call(method, path, options);
    return parsePayload(schema, res.text, `${this.#o.label} answer to "${options.what}"`);
  }

  async dispose(): Promise<void> {
    if (this.#ownDispatcher) await this.#dispatcher.close();
  }
}

export function parsePayload<T extends z.ZodType>(schema: T, text: string, what: string): z.output<T> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : parseLosslessJson(text);
  } catch (err) {
    throw new AgromeshError('TAILNET_BAD_PAYLOAD', `The ${what} is not JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AgromeshError(
      'TAILNET_BAD_PAYLOAD',
      `The ${what} could not be understood: ${issues.join('; ')}`,
      {
        details: parsed.error.issues
          .slice(0, 10)
          .map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    );
  }
  return parsed.data;
}
