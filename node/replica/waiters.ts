// Promises keyed by a string that resolve when a value for the key is published, or with null
// after a timeout. Bounded: beyond `maxWaiters` new waits resolve null at once (a limit on
// everything: a flood of waits must not grow memory without bound).
export class Waiters<T> {
  private readonly byKey = new Map<string, Set<{ resolve: (v: T | null) => void; timer: NodeJS.Timeout }>>();
  private count = 0;

  constructor(private readonly maxWaiters = 100_000) {}

  wait(key: string, timeoutMs: number): Promise<T | null> {
    if (this.count >= this.maxWaiters || timeoutMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      const entry = {
        resolve,
        timer: setTimeout(() => {
          set!.delete(entry);
          this.count--;
          if (set!.size === 0) this.byKey.delete(key);
          resolve(null);
        }, timeoutMs),
      };
      set.add(entry);
      this.count++;
    });
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  publish(key: string, value: T): void {
    const set = this.byKey.get(key);
    if (!set) return;
    this.byKey.delete(key);
    for (const e of set) {
      clearTimeout(e.timer);
      this.count--;
      e.resolve(value);
    }
  }

  /** Resolves every waiter with null (shutdown). */
  clear(): void {
    for (const set of this.byKey.values()) {
      for (const e of set) {
        clearTimeout(e.timer);
        e.resolve(null);
      }
    }
    this.byKey.clear();
    this.count = 0;
  }
}
