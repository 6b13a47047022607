import { ApiError } from '../errors/api-error.js';

/**
 * Keyset pagination: a cursor is the (createdAt, id) of the last item of a page, opaque to
 * clients (base64url JSON). Lists order by `created_at DESC, id DESC` and ask for rows
 * strictly after the cursor, so pages are stable while rows are added.
 */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | null {
  if (cursor === undefined) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) {
      return { createdAt, id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError(400, 'BAD_REQUEST', 'query.cursor: not a cursor returned by this list', [
    { path: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}

/** Builds a page from `limit + 1` rows fetched in list order. */
export function toPage<Row extends { createdAt: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
