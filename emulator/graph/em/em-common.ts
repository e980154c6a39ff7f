// Plumbing shared by the entitlement-management routes: paths, body rules with EM's error codes, and the
// list/get replies (query options → filter → paging → render).

import { graphErrors } from '../../errors/graph-errors.js';
import { compileFilter, type FilterSchema } from '../../odata/filter-eval.js';
import { paginate } from '../../odata/paging.js';
import type { Reply } from '../../server/exchange.js';
import { checkBody, type FieldKind } from '../body.js';
import { collectionReply, entityReply } from '../responses.js';
import type { GraphCall } from '../route.js';
import { checkQueryNames, render, type EntityType } from './render.js';

export const emBase = '/v1.0/identityGovernance/entitlementManagement';
const emContext = 'identityGovernance/entitlementManagement';

export function checkEmBody(
  body: unknown,
  typeName: string,
  fields: Record<string, FieldKind>,
): Record<string, unknown> {
  return checkBody(body, {
    typeName,
    fields,
    unknown: (p) => graphErrors.unknownEmProperty(p, typeName),
    invalid: (p) =>
      graphErrors.invalidModel(p, `The value of '${p}' is not valid for type 'microsoft.graph.${typeName}'.`),
  });
}

export function requiredString(body: Record<string, unknown>, property: string): string {
  const value = body[property];
  if (typeof value !== 'string' || value.trim() === '')
    throw graphErrors.invalidModel(property, `The '${property}' property is required.`);
  return value;
}

/** `{"catalog": {"id": "…"}}`-style references. */
export function requiredReferenceId(body: Record<string, unknown>, property: string): string {
  const ref = body[property];
  const id = typeof ref === 'object' && ref !== null ? (ref as Record<string, unknown>).id : undefined;
  if (typeof id !== 'string' || id.trim() === '')
    throw graphErrors.invalidModel(property, `The '${property}' property with an 'id' is required.`);
  return id.toLowerCase();
}

export function listReply<T>(
  call: GraphCall,
  contextPath: string,
  type: EntityType<T>,
  records: readonly T[],
  schema: FilterSchema<T>,
): Reply {
  const query = call.query({ filter: true, select: true, expand: true, top: true });
  checkQueryNames(type, query.select, query.expand);
  const matching = query.filter ? records.filter(compileFilter(query.filter, schema)) : records;
  const page = paginate(matching, call.exchange.url, query.top, query.skipToken, 100);
  const items = page.items.map((r) => render(type, r, call, query.select, query.expand));
  return collectionReply(call, `${emContext}/${contextPath}`, {
    items,
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
  });
}

export function getReply<T>(call: GraphCall, contextPath: string, type: EntityType<T>, record: T): Reply {
  const query = call.query({ select: true, expand: true });
  return entityReply(call, 200, `${emContext}/${contextPath}`, render(type, record, call, query.select, query.expand));
}

export function createdReply<T>(call: GraphCall, contextPath: string, type: EntityType<T>, record: T): Reply {
  return entityReply(call, 201, `${emContext}/${contextPath}`, render(type, record, call, undefined, []));
}

/** EM ids are GUIDs; anything else cannot name an object, which Graph reports as not found. */
export function findById<T extends { id: string; visibleAt: number }>(
  records: readonly T[],
  id: string,
  now: number,
): T | undefined {
  const key = id.toLowerCase();
  return records.find((r) => r.id === key && r.visibleAt <= now);
}
