/** Signing in to the browser host as its page does: the token from the printed URL's fragment → cookie. */
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../main/core/host/browser-host.ts';

export function tokenOf(host: BrowserHost): string {
  return new URL(host.openUrl).hash.replace(/^#token=/, '');
}

/** `name=value` of a fresh session cookie, for non-browser clients (ws, raw HTTP). */
export async function sessionCookie(host: BrowserHost): Promise<string> {
  const res = await fetch(new URL('/session', host.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokenOf(host) }),
  });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 200 || !cookie) throw new Error(`sign-in failed: ${res.status}`);
  return cookie.split(';')[0]!;
}

/** Open the printed URL in the page and wait until it has traded the token for its cookie. */
export async function signInPage(page: Page, host: BrowserHost): Promise<void> {
  await page.goto(host.openUrl);
  const name = `agromesh_session_${host.port}`;
  for (let i = 0; i < 200; i++) {
    if ((await page.context().cookies(host.url)).some((c) => c.name === name)) return;
    await page.waitForTimeout(25);
  }
  throw new Error('the page did not sign in to the browser host');
}
