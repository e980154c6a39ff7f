// Server-driven paging: a page holds $top items (or the collection's default page size) and, when more remain,
// an absolute @odata.nextLink that repeats the query with an opaque $skiptoken.

import { graphErrors } from '../errors/graph-errors.js';

export interface Page<T> {
  items: T[];
  nextLink?: string;
}

const prefix = 'emu1:';

function decodeSkipToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = Number(text.slice(prefix.length));
  if (!text.startsWith(prefix) || !Number.isInteger(offset) || offset < 0) throw graphErrors.invalidSkipToken();
  return offset;
}

export function paginate<T>(
  items: readonly T[],
  requestUrl: URL,
  top: number | undefined,
  skipToken: string | undefined,
  defaultPageSize: number,
): Page<T> {
  const offset = skipToken === undefined ? 0 : decodeSkipToken(skipToken);
  const size = top ?? defaultPageSize;
  const pageItems = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { items: pageItems };
  const next = new URL(requestUrl.href);
  for (const key of [...next.searchParams.keys()])
    if (key.toLowerCase() === '$skiptoken') next.searchParams.delete(key);
  next.searchParams.set('$skiptoken', Buffer.from(`${prefix}${offset + size}`).toString('base64url'));
  return { items: pageItems, nextLink: next.href };
}
