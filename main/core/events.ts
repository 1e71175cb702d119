/** Typed push events of the contract, fanned out to every window (Electron) or socket (browser host). */
import type { EventName, EventPayload } from '../../protocol/app/index.ts';

type Listener = (name: EventName, payload: unknown) => void;

export class CoreEvents {
  #listeners = new Set<Listener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const l of this.#listeners) l(name, payload);
  }

  /** Subscribe to every event; returns an unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
