/**
 * Compiled forms of flow data (candidate lists, choice values, extraction specs) are
 * built once and reused on every turn. The runtime may hand over the same array each
 * turn (found by identity) or a fresh copy of the same content (found by a content key).
 */
export class CompileCache<K extends object, V> {
  private readonly byIdentity = new WeakMap<K, V>();
  private readonly byContent = new Map<string, V>();

  constructor(
    private readonly keyOf: (input: K) => string,
    private readonly compile: (input: K) => V,
    private readonly maxEntries = 512,
  ) {}

  get(input: K): V {
    const known = this.byIdentity.get(input);
    if (known !== undefined) return known;
    const key = this.keyOf(input);
    let value = this.byContent.get(key);
    if (value === undefined) {
      value = this.compile(input);
      if (this.byContent.size >= this.maxEntries) this.byContent.clear();
      this.byContent.set(key, value);
    }
    this.byIdentity.set(input, value);
    return value;
  }
}
