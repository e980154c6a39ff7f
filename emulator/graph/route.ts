// What a Graph route is: a method, a path template, the permissions that may call it and a handler. Handlers are
// plain functions of a `GraphCall`; they return a reply or throw a GraphError.

import type { EmulatorContext } from '../context.js';
import type { Caller } from '../identity/caller.js';
import type { QueryOptions, QuerySupport } from '../odata/query.js';
import type { Exchange, Reply } from '../server/exchange.js';

/** Any one of the listed permissions suffices. Delegated lists are empty for operations that need an admin role. */
export interface PermissionRule {
  app: readonly string[];
  delegated: readonly string[];
}

export interface GraphCall {
  ctx: EmulatorContext;
  exchange: Exchange;
  params: Record<string, string>;
  caller: Caller;
  /** The emulator clock when the call reached its handler. */
  now: number;
  /** The JSON body; throws Graph's 400 for malformed JSON. */
  body(): unknown;
  query(support: QuerySupport): QueryOptions;
}

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/v1.0/users/{id}`; the stats key is `${method} ${template}`. */
  template: string;
  permissions: PermissionRule;
  /** Throttling cost before query-option adjustments (documented: 1, or 3 for group members). */
  cost?: number;
  handler(call: GraphCall): Reply | Promise<Reply>;
}
