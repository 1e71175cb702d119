/** Chromium may still be installing (apt) when the e2e run starts: wait for the binary, then go. */
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { CHROMIUM_PATH } from '../../support/chromium.ts';

export async function waitForChromium(timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(CHROMIUM_PATH)) {
    if (Date.now() > deadline)
      throw new Error(`Chromium did not appear at ${CHROMIUM_PATH} within ${timeoutMs} ms.`);
    await delay(500);
  }
}
