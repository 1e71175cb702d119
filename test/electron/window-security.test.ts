import { describe, expect, it } from 'vitest';
import { decideWindowOpen, isAppUrl, mainWindowOptions } from '../../main/electron/window-options.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/core/host/static-files.ts';
import { readFileSync } from 'node:fs';

describe('main window security', () => {
  it('pins the hardened web preferences', () => {
    expect(mainWindowOptions('/app/preload.cjs').webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    });
  });

  it('allows navigation only to the app itself', () => {
    const app = 'file:///opt/Agromesh/resources/app.asar/dist/renderer/index.html';
    expect(isAppUrl(app + '#/farms/f1', app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });

  it('never opens windows; only http(s) links go to the browser', () => {
    expect(decideWindowOpen('https://tailscale.com/kb')).toEqual({
      action: 'deny',
      openExternally: 'https://tailscale.com/kb',
    });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: null });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: null });
    expect(decideWindowOpen('https://user:pw@evil.example/')).toEqual({
      action: 'deny',
      openExternally: null,
    });
  });

  it('sets a strict Content-Security-Policy in the page and on every served file', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    expect(html).toContain("script-src 'self'");
    expect(html).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
