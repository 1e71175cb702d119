/**
 * Registers one IPC handler per contract operation. Every message's sender is checked (a window we
 * created, its main frame, our app URL) before the input is parsed and dispatched to the core.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { AgromeshError } from '../../protocol/errors.ts';
import { EVENT_PREFIX, IPC_PREFIX, operationNames } from '../../protocol/app/index.ts';
import type { Logger } from '../../kit/log.ts';
import type { AppCore } from '../core/app-core.ts';
import { dispatch } from '../core/rpc/dispatch.ts';
import { isAppUrl } from './window-options.ts';

export function isTrustedSender(
  event: IpcMainInvokeEvent,
  trusted: ReadonlySet<number>,
  appUrl: string,
): boolean {
  const frame = event.senderFrame;
  return (
    trusted.has(event.sender.id) && frame !== null && frame.parent === null && isAppUrl(frame.url, appUrl)
  );
}

export function registerIpc(core: AppCore, appUrl: string, log: Logger) {
  const trusted = new Set<number>();
  const windows = new Set<WebContents>();

  for (const name of operationNames) {
    ipcMain.handle(IPC_PREFIX + name, async (event, input: unknown) => {
      if (!isTrustedSender(event, trusted, appUrl)) {
        log.warn('refused IPC from an untrusted sender', { operation: name, url: event.senderFrame?.url });
        return {
          ok: false,
          error: new AgromeshError('FORBIDDEN', 'Refused: unexpected sender.').toBody().error,
        };
      }
      return dispatch(core.handlers, name, input, log);
    });
  }

  const unsubscribe = core.events.subscribe((event, payload) => {
    for (const wc of windows) if (!wc.isDestroyed()) wc.send(EVENT_PREFIX + event, payload);
  });

  return {
    trust(wc: WebContents) {
      trusted.add(wc.id);
      windows.add(wc);
      wc.once('destroyed', () => {
        trusted.delete(wc.id);
        windows.delete(wc);
      });
    },
    dispose() {
      unsubscribe();
      for (const name of operationNames) ipcMain.removeHandler(IPC_PREFIX + name);
    },
  };
}
