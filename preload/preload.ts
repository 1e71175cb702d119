/**
 * The preload: exposes `window.agromesh`, one function per contract operation and a typed `on` for push
 * events — nothing else. Built as a CommonJS bundle (sandboxed preloads cannot load ES modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_PREFIX, IPC_PREFIX, eventNames, operationNames, type EventName } from './contract.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const name of operationNames) {
    api[name] = async (input?: unknown) => {
      const envelope = (await ipcRenderer.invoke(IPC_PREFIX + name, input)) as Envelope;
      if (envelope.ok) return envelope.value;
      // contextBridge copies only an Error's message, so the code travels inside it; the renderer's
      // resolveApi() turns it back into an AgromeshError.
      throw new Error(`[${envelope.error.code}] ${envelope.error.message}`);
    };
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(event) || typeof listener !== 'function') throw new TypeError('unknown event');
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_PREFIX + event, wrapped);
    return () => void ipcRenderer.removeListener(EVENT_PREFIX + event, wrapped);
  };
  return Object.freeze(api);
}

contextBridge.exposeInMainWorld('agromesh', buildApi());
