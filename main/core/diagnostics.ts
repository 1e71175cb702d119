/**
 * The last warnings and errors the core logged, kept for Settings → About → Copy diagnostics. Wraps the
 * core's logger (children too); messages are redacted like every log line, and only the message and an
 * error's message are kept — never the other fields.
 */
import { type LogFields, type Logger, redact } from '../../kit/log.ts';
import type { Diagnostics } from '../../protocol/app/index.ts';

export type Problem = Diagnostics['recentProblems'][number];

function errorText(fields: LogFields | undefined): string {
  const err = fields?.err;
  if (err instanceof Error) return `: ${err.message}`;
  return typeof err === 'string' ? `: ${err}` : '';
}

export function createProblemLog(
  inner: Logger,
  options: { max?: number; now?: () => Date } = {},
): { log: Logger; recent(): Problem[] } {
  const max = options.max ?? 20;
  const now = options.now ?? (() => new Date());
  const kept: Problem[] = [];
  const record = (level: Problem['level'], scope: string, msg: string, fields?: LogFields) => {
    kept.push({
      at: now().toISOString(),
      level,
      scope,
      message: redact(msg + errorText(fields)).slice(0, 500),
    });
    if (kept.length > max) kept.splice(0, kept.length - max);
  };
  const wrap = (log: Logger, scope: string): Logger => ({
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.info(m, f),
    warn: (m, f) => {
      record('warn', scope, m, f);
      log.warn(m, f);
    },
    error: (m, f) => {
      record('error', scope, m, f);
      log.error(m, f);
    },
    child: (sub) => wrap(log.child(sub), scope ? `${scope}:${sub}` : sub),
    with: (fields) => wrap(log.with(fields), scope),
  });
  return { log: wrap(inner, 'core'), recent: () => [...kept] };
}
