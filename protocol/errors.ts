/**
 * The one errors module. Every failure that crosses a boundary (HTTP, IPC, CLI) is an
 * AgromeshError with a stable code; messages are for people, codes are for programs.
 */

export const ErrorCodes = {
  // input
  BAD_REQUEST: { status: 400, text: 'The request is malformed.' },
  BAD_JSON: { status: 400, text: 'The body is not valid JSON.' },
  VALIDATION: { status: 422, text: 'The input does not match what is expected.' },
  NOT_FOUND: { status: 404, text: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, text: 'Method not allowed.' },
  CONFLICT: { status: 409, text: 'Conflict with the current state.' },
  PRECONDITION_FAILED: { status: 412, text: 'The resource changed since it was read.' },
  REQUEST_TIMEOUT: { status: 408, text: 'The request was not received in time.' },
  BODY_TOO_LARGE: { status: 413, text: 'The body is larger than allowed.' },
  HEADERS_TOO_LARGE: { status: 431, text: 'The request headers are larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, text: 'Send JSON (Content-Type: application/json).' },
  // identity
  UNAUTHENTICATED: { status: 401, text: 'The caller could not be identified on the tailnet.' },
  FORBIDDEN: { status: 403, text: 'Your tailnet role does not allow this.' },
  // DNS rebinding and cross-site requests (kit/http/host-guard.ts)
  HOST_NOT_ALLOWED: { status: 421, text: 'This server does not answer to that host name.' },
  ORIGIN_NOT_ALLOWED: { status: 403, text: 'Requests from web pages are refused here.' },
  // destinations
  DESTINATION_NOT_ALLOWED: { status: 400, text: 'Only tailnet destinations may be dialled.' },
  // control planes
  TAILNET_UNREACHABLE: { status: 503, text: 'The tailnet control plane could not be reached.' },
  TAILNET_AUTH: { status: 401, text: 'The tailnet credentials were rejected.' },
  TAILNET_SCOPE: { status: 403, text: 'The tailnet credentials lack a needed scope.' },
  TAILNET_REJECTED: { status: 400, text: 'The control plane rejected the request.' },
  TAILNET_RATE_LIMITED: { status: 429, text: 'The control plane is rate limiting requests.' },
  TAILNET_UNSUPPORTED: { status: 501, text: 'This tailnet backend cannot do that.' },
  TAILNET_BAD_PAYLOAD: {
    status: 502,
    text: 'The control plane sent a payload that could not be understood.',
  },
  LOCALAPI_UNAVAILABLE: { status: 503, text: 'The local tailscaled could not be reached.' },
  // farms
  FARM_UNREACHABLE: { status: 503, text: 'The farm gateway is not answering.' },
  FARM_BAD_RESPONSE: { status: 502, text: 'The farm gateway sent an answer that could not be understood.' },
  COMMAND_UNKNOWN_STATE: { status: 504, text: 'The command outcome is not known yet.' },
  // platform
  SECRETS_UNAVAILABLE: { status: 503, text: 'No OS keychain is available to store secrets safely.' },
  TIMEOUT: { status: 504, text: 'The operation timed out.' },
  UNAVAILABLE: { status: 503, text: 'The service is not available.' },
  STORAGE_FULL: {
    status: 507,
    text: 'The disk is full: nothing new can be stored until space is freed (what is stored can still be read).',
  },
  INTERNAL: { status: 500, text: 'Something went wrong inside Agromesh.' },
} as const satisfies Record<string, { status: number; text: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AgromeshError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: unknown }) {
    super(
      message ?? ErrorCodes[code].text,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AgromeshError';
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ErrorCodes[this.code].status;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}

/** Anything thrown becomes an AgromeshError; unknown failures become INTERNAL without leaking internals. */
export function toAgromeshError(err: unknown): AgromeshError {
  if (err instanceof AgromeshError) return err;
  return new AgromeshError('INTERNAL', undefined, { cause: err });
}

/** Rebuild an error from a wire body (HTTP or IPC), keeping its code. */
export function fromErrorBody(body: unknown, fallback: ErrorCode = 'INTERNAL'): AgromeshError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = body.error;
    if (typeof e === 'object' && e !== null) {
      const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
      return new AgromeshError(
        isErrorCode(code) ? code : fallback,
        typeof message === 'string' ? message : undefined,
        { details },
      );
    }
  }
  return new AgromeshError(fallback);
}
