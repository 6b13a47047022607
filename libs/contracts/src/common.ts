import { z } from 'zod';

/** `?limit=&cursor=` on every list (API.md). */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A page of items; `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const UuidSchema = z.uuid();
export const IdParamsSchema = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
