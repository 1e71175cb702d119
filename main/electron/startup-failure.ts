/**
 * What the start-up dialog says when the core cannot start: what failed, what to try, where the log is.
 * Pure, so tests pin the wording for the usual causes (tailscaled not running, data folder not writable).
 */
import { redact } from '../../kit/log.ts';
import type { Lang } from '../../protocol/i18n.ts';
import { shellT } from './shell-text.ts';

export interface StartupFailure {
  title: string;
  content: string;
}

const DISK_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function describeStartupFailure(
  err: unknown,
  where: { dataDir: string; logDir: string },
  lang: Lang,
): StartupFailure {
  const what = redact(messageOf(err));
  const hints: string[] = [];
  if (codeOf(err) || /SQLITE_(CANTOPEN|READONLY|FULL|IOERR)|read-only|permission denied/i.test(what)) {
    hints.push(shellT(lang, 'tryDataDir', { dir: where.dataDir }));
  }
  if (/tailscale|tailnet|localapi|ECONNREFUSED/i.test(what)) hints.push(shellT(lang, 'tryTailscale'));
  hints.push(shellT(lang, 'tryAgain'));
  return {
    title: shellT(lang, 'startFailedTitle'),
    content: [
      shellT(lang, 'startFailed', { what }),
      '',
      shellT(lang, 'startTry'),
      ...hints.map((h) => `• ${h}`),
      '',
      shellT(lang, 'startLog', { dir: where.logDir }),
    ].join('\n'),
  };
}
