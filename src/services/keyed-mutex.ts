/**
 * Serializes async work per key inside one process: two requests for one process family
 * queue instead of racing. Across processes (several nodes), the store's revision check is
 * what keeps steps from both applying.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier `run` with the same key has settled. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }

  /** The keys with work queued or running, in the order they were first taken (for tests and diagnostics). */
  heldKeys(): string[] {
    return [...this.tails.keys()];
  }
}
