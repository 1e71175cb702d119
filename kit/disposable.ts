/** Anything holding a socket, timer or server is disposable; owners dispose what they created, in reverse. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export class DisposableStack {
  #items: Disposable[] = [];
  #disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.#disposed) throw new Error('DisposableStack already disposed');
    this.#items.push(item);
    return item;
  }

  defer(fn: () => void | Promise<void>): void {
    this.add({ dispose: fn });
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Disposes everything in reverse order; one failure does not stop the rest. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const errors: unknown[] = [];
    for (const item of this.#items.reverse()) {
      try {
        await item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this.#items = [];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to dispose');
  }
}
