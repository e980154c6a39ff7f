// Builds Graph's response shapes: single entities with @odata.context, collections with value and
// @odata.nextLink, $select projection (id always included, unknown names refused like Graph does).

import { graphBaseUrl } from '../context.js';
import { graphErrors } from '../errors/graph-errors.js';
import type { Page } from '../odata/paging.js';
import type { Reply } from '../server/exchange.js';
import type { GraphCall } from './route.js';

export type Json = Record<string, unknown>;

export function entityReply(call: GraphCall, status: number, contextPath: string, entity: Json): Reply {
  return {
    status,
    body: { '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#${contextPath}/$entity`, ...entity },
  };
}

export function collectionReply(call: GraphCall, contextPath: string, page: Page<Json>): Reply {
  return {
    status: 200,
    body: {
      '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#${contextPath}`,
      ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
      value: page.items,
    },
  };
}

/**
 * Projects `full` to the selected properties, or to `defaults` without $select. `known` lists every property the
 * type has (the emulator returns null for those it does not model); navigation properties pass through when
 * expanded (the caller adds them after projection).
 */
export function project(
  full: Json,
  select: readonly string[] | undefined,
  defaults: readonly string[],
  known: readonly string[],
  typeName: string,
): Json {
  const names = select ?? defaults;
  const result: Json = {};
  for (const name of select ? ['@odata.type', 'id', ...names] : ['@odata.type', ...names]) {
    const canonical =
      known.find((k) => k.toLowerCase() === name.toLowerCase()) ?? (name === '@odata.type' ? name : undefined);
    if (canonical === undefined) throw graphErrors.selectExpandUnknown(name, typeName);
    if (canonical === '@odata.type' && !('@odata.type' in full)) continue;
    result[canonical] = full[canonical] ?? null;
  }
  return result;
}

/** Refuses $select names the type lacks — also when a list is empty and nothing gets projected. */
export function checkSelect(select: readonly string[] | undefined, known: readonly string[], typeName: string): void {
  for (const name of select ?? []) {
    if (!known.some((k) => k.toLowerCase() === name.toLowerCase()))
      throw graphErrors.selectExpandUnknown(name, typeName);
  }
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function noContent(): Reply {
  return { status: 204 };
}
