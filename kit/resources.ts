/**
 * Anything holding a socket, timer or server is a Resource with dispose(); owners dispose what they
 * created, in reverse. Named apart from the language's Disposable and DisposableStack (Symbol.dispose),
 * whose shape differs.
 */
export interface Resource {
  dispose(): void | Promise<void>;
}

export class ResourceStack {
  #items: Resource[] = [];
  #disposed = false;

  add<T extends Resource>(item: T): T {
    if (this.#disposed) throw new Error('ResourceStack already disposed');
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
