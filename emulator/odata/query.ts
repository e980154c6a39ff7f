// Reads the OData system query options of a Graph call. Unknown `$` options are refused like Graph does; options a
// route does not support are refused by the route (see `QuerySupport`).

import { graphErrors } from '../errors/graph-errors.js';
import { FilterSyntaxError, parseFilter, type FilterNode } from './filter-parser.js';
import { parseExpand, parseSelect, type ExpandItem } from './select-expand.js';

export interface QueryOptions {
  filter?: FilterNode;
  select?: string[];
  expand: ExpandItem[];
  top?: number;
  skipToken?: string;
  orderBy?: { property: string; descending: boolean };
  count: boolean;
}

export interface QuerySupport {
  filter?: boolean;
  select?: boolean;
  expand?: boolean;
  top?: boolean;
  orderBy?: boolean;
}

const known = new Set([
  '$filter',
  '$select',
  '$expand',
  '$top',
  '$skiptoken',
  '$orderby',
  '$count',
  '$search',
  '$skip',
  '$format',
]);

export function parseQuery(url: URL, support: QuerySupport): QueryOptions {
  const options: QueryOptions = { expand: [], count: false };
  for (const [rawKey, value] of url.searchParams) {
    const key = rawKey.toLowerCase();
    if (!key.startsWith('$')) continue;
    if (!known.has(key)) throw graphErrors.queryOptionNotAllowed(rawKey);
    switch (key) {
      case '$filter':
        if (!support.filter) throw graphErrors.queryOptionNotAllowed(rawKey);
        try {
          options.filter = parseFilter(value);
        } catch (error) {
          if (error instanceof FilterSyntaxError) throw graphErrors.invalidFilter(error.message);
          throw error;
        }
        break;
      case '$select':
        if (!support.select) throw graphErrors.queryOptionNotAllowed(rawKey);
        options.select = parseSelect(value);
        break;
      case '$expand':
        if (!support.expand) throw graphErrors.queryOptionNotAllowed(rawKey);
        options.expand = parseExpand(value);
        break;
      case '$top': {
        if (!support.top) throw graphErrors.queryOptionNotAllowed(rawKey);
        const top = Number(value);
        if (!/^\d+$/.test(value) || top < 1 || top > 999) throw graphErrors.invalidPageSize(value);
        options.top = top;
        break;
      }
      case '$skiptoken':
        if (!support.top) throw graphErrors.queryOptionNotAllowed(rawKey);
        options.skipToken = value;
        break;
      case '$orderby': {
        if (!support.orderBy) throw graphErrors.queryOptionNotAllowed(rawKey);
        const [property, direction] = value.trim().split(/\s+/);
        if (!property || (direction !== undefined && !/^(asc|desc)$/i.test(direction)))
          throw graphErrors.invalidFilter(`Syntax error in $orderby '${value}'.`);
        options.orderBy = { property, descending: direction?.toLowerCase() === 'desc' };
        break;
      }
      case '$count':
        options.count = value.toLowerCase() === 'true';
        break;
      default:
        throw graphErrors.queryOptionNotAllowed(rawKey);
    }
  }
  return options;
}
