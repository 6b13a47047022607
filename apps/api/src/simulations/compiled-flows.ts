import { compileFlow, FlowDocumentSchema, type CompiledFlow, type FlowDocument } from '@switchboard/flow';

/**
 * Compiled machines of the flow documents simulations run, by content hash: every turn of a
 * simulation (on any replica) needs its machine, and one compiled machine serves any number of
 * calls. A small LRU: a replica runs few distinct flows at a time.
 */
export class CompiledFlows {
  private readonly cache = new Map<string, CompiledFlow>();

  constructor(private readonly capacity = 32) {}

  /** the machine of an already parsed document (a simulation being started) */
  of(hash: string, flow: FlowDocument): CompiledFlow {
    const cached = this.touch(hash);
    if (cached) return cached;
    return this.remember(hash, compileFlow(flow));
  }

  /** the machine of a stored document, read only when this replica has not compiled it yet */
  async load(hash: string, read: () => Promise<string | null>): Promise<CompiledFlow | null> {
    const cached = this.touch(hash);
    if (cached) return cached;
    const json = await read();
    if (json === null) return null;
    return this.remember(hash, compileFlow(FlowDocumentSchema.parse(JSON.parse(json))));
  }

  private touch(hash: string): CompiledFlow | undefined {
    const cached = this.cache.get(hash);
    if (cached) {
      this.cache.delete(hash);
      this.cache.set(hash, cached);
    }
    return cached;
  }

  private remember(hash: string, compiled: CompiledFlow): CompiledFlow {
    this.cache.set(hash, compiled);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= this.capacity) break;
      this.cache.delete(oldest);
    }
    return compiled;
  }
}
