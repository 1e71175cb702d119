import { describe, expect, it } from 'vitest';
import { APP_URL } from '../../main/electron/app-protocol.ts';
import { decideWindowOpen, isAppUrl, mainWindowOptions } from '../../main/electron/window-options.ts';
import { contentSecurityPolicy } from '../../main/core/host/csp.ts';
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
    const app = APP_URL;
    expect(isAppUrl(app + '#/farms/f1', app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('app://renderer/other.html', app)).toBe(false);
    expect(isAppUrl('app://evil/index.html', app)).toBe(false);
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
    const served = contentSecurityPolicy();
    expect(served).toContain("script-src 'self'");
    expect(served).not.toContain('unsafe-eval');
    expect(served).toContain("connect-src 'self';");
  });

  it('allows images only from the app, data: and the one configured https tile origin', () => {
    const imgSrc = (template?: string) => /img-src ([^;]*)/.exec(contentSecurityPolicy(template))![1];
    expect(imgSrc()).toBe("'self' data:");
    expect(imgSrc('https://tiles.example.org:8443/osm/{z}/{x}/{y}.png')).toBe(
      "'self' data: https://tiles.example.org:8443",
    );
    expect(imgSrc('https://Карты.example/{z}/{x}/{y}.png')).toBe("'self' data: https://xn--80atti9b.example");
    for (const refused of [
      'http://tiles.example.org/{z}/{x}/{y}.png', // not https
      'https://{z}.tiles.example.org/{x}/{y}.png', // no one origin to name
      'https://tiles.example.org/{z}/{x}.png', // not a tile template
      'https://tiles.example.org; script-src *;/{z}/{x}/{y}', // injection attempts
      'https://tiles.example.org;worker-src*/{z}/{x}/{y}',
    ])
      expect(imgSrc(refused), refused).toBe("'self' data:");
  });
});
