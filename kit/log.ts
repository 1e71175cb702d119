/**
 * Structured logging with secrets redacted from every line. Anything that looks like a Tailscale key,
 * a bearer token or a registered secret value never reaches the output.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string): Logger;
  /** A logger whose every line also carries these fields (a farm id, a request id). */
  with(fields: LogFields): Logger;
}

const SECRET_PATTERNS = [
  /tskey-[a-z]+-[A-Za-z0-9_-]+/g,
  /(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /("?(?:key|secret|token|password|authorization|apiKey|api_key|client_secret|access_token)"?\s*[:=]\s*"?)([^"\s,}&]+)/gi,
];

const registered = new Set<string>();

/** Register a secret value (e.g. an API key read from the keychain) so it is redacted wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length >= 8) registered.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) out = out.split(secret).join('[redacted]');
  out = out.replace(SECRET_PATTERNS[0]!, 'tskey-[redacted]');
  out = out.replace(SECRET_PATTERNS[1]!, '$1 [redacted]');
  out = out.replace(SECRET_PATTERNS[2]!, '$1[redacted]');
  return out;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    const withCode = value as Error & { code?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(withCode.code === undefined ? {} : { code: withCode.code }),
      ...(value.cause === undefined ? {} : { cause: serialize(value.cause) }),
    };
  }
  return value;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  scope: string,
  options: { level?: LogLevel; write?: (line: string) => void; fields?: LogFields } = {},
): Logger {
  const min =
    ORDER[options.level ?? (process.env.AGROMESH_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? 20;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const entry: LogFields = { t: new Date().toISOString(), level, scope, msg, ...options.fields };
    if (fields) for (const [k, v] of Object.entries(fields)) entry[k] = serialize(v);
    write(redact(JSON.stringify(entry)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => createLogger(`${scope}:${sub}`, options),
    with: (fields) => createLogger(scope, { ...options, fields: { ...options.fields, ...fields } }),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  with: () => silentLogger,
};
