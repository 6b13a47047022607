import { Injectable } from '@nestjs/common';

/**
 * The hot area-code bitmaps in memory, least recently used first out. Bitmaps are immutable
 * (a new snapshot writes new ones), so an entry never goes stale: it is keyed by bitmap id.
 * 64 entries = 80 MB at most.
 */
@Injectable()
export class DncBitmapCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly capacity = 64;

  get(bitmapId: string): Buffer | undefined {
    const bitmap = this.entries.get(bitmapId);
    if (bitmap) {
      this.entries.delete(bitmapId);
      this.entries.set(bitmapId, bitmap);
    }
    return bitmap;
  }

  set(bitmapId: string, bitmap: Buffer): void {
    this.entries.delete(bitmapId);
    this.entries.set(bitmapId, bitmap);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
