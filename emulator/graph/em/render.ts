// Renders an entitlement-management entity: its structural properties (all of them, or those $select names) plus
// the navigation properties $expand asks for, each rendered with its own nested $select/$expand. Navigation
// properties never appear unless expanded, as in Graph.

import { graphErrors } from '../../errors/graph-errors.js';
import type { ExpandItem } from '../../odata/select-expand.js';
import type { Json } from '../responses.js';
import type { GraphCall } from '../route.js';

export interface EntityType<T> {
  typeName: string;
  /** Structural property names, for validating $select before anything is rendered. */
  propertyNames: readonly string[];
  properties(record: T, call: GraphCall): Json;
  navigation: Record<string, (record: T, call: GraphCall, item: ExpandItem) => Json | Json[] | null>;
}

export function render<T>(
  type: EntityType<T>,
  record: T,
  call: GraphCall,
  select: readonly string[] | undefined,
  expand: readonly ExpandItem[],
): Json {
  const full = type.properties(record, call);
  let result: Json = full;
  if (select) {
    result = { id: full.id };
    for (const name of select) {
      const key = Object.keys(full).find((k) => k.toLowerCase() === name.toLowerCase());
      const isNavigation = Object.keys(type.navigation).some((k) => k.toLowerCase() === name.toLowerCase());
      if (key === undefined && !isNavigation) throw graphErrors.selectExpandUnknown(name, type.typeName);
      if (key !== undefined) result[key] = full[key];
    }
  }
  for (const item of expand) {
    const key = Object.keys(type.navigation).find((k) => k.toLowerCase() === item.name.toLowerCase());
    if (key === undefined) throw graphErrors.selectExpandUnknown(item.name, type.typeName);
    result[key] = type.navigation[key]!(record, call, item);
  }
  return result;
}

/** Refuses unknown $select / $expand names even when a list is empty and nothing gets rendered. */
export function checkQueryNames<T>(
  type: EntityType<T>,
  select: readonly string[] | undefined,
  expand: readonly ExpandItem[],
): void {
  for (const name of select ?? []) {
    const known = [...type.propertyNames, ...Object.keys(type.navigation)];
    if (!known.some((k) => k.toLowerCase() === name.toLowerCase()))
      throw graphErrors.selectExpandUnknown(name, type.typeName);
  }
  for (const item of expand) {
    if (!Object.keys(type.navigation).some((k) => k.toLowerCase() === item.name.toLowerCase())) {
      throw graphErrors.selectExpandUnknown(item.name, type.typeName);
    }
  }
}
