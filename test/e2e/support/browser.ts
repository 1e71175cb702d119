/**
 * Launches Debian's Chromium for the renderer e2e tests. test/support/chromium.ts's launchChromium passes
 * --user-data-dir, which playwright refuses for launch(); until that is fixed there, launch the same
 * binary with the same flags here (playwright gives each context a fresh profile anyway).
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.ts';
import { waitForChromium } from './wait-chromium.ts';

export async function launchTestBrowser(): Promise<Browser> {
  await waitForChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
