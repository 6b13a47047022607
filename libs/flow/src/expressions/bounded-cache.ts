/**
 * A Map that forgets its oldest entries past `max`. Parsed programs are cached by their
 * source text; flows hold a bounded number of expressions, so the bound only matters
 * for a process that sees many different flows (the API, the editor's validation).
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): V {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }
}
