/**
 * The preload: exposes `window.agromesh`, one function per contract operation and a typed `on` for push
 * events — nothing else. Built as a CommonJS bundle (sandboxed preloads cannot load ES modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_PREFIX,
  IPC_PREFIX,
  eventNames,
  operationNames,
  type EventName,
  type ResultEnvelope,
} from '../protocol/app/index.ts';

export function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const name of operationNames) {
    // contextBridge copies only an Error's message, so errors are not thrown here: the envelope (a plain
    // object, cloned whole) reaches the renderer, which settles it exactly as it settles the bridge's.
    api[name] = async (input?: unknown) =>
      (await ipcRenderer.invoke(IPC_PREFIX + name, input)) as ResultEnvelope;
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
