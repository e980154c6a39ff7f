// Turns a parsed $filter into a predicate over records, given which property paths a collection supports.
// String comparisons ignore case, as directory and entitlement-management filters do.

import { graphErrors } from '../errors/graph-errors.js';
import type { FilterNode, Literal } from './filter-parser.js';

interface FilterProperty<T> {
  get(record: T): unknown;
  /** Operators allowed on this property; default eq, ne, startswith, and (for strings) the other functions. */
  ops?: readonly string[];
}

export interface FilterSchema<T> {
  /** Graph type name without namespace, e.g. `user`. */
  typeName: string;
  /** Directory resources answer unsupported properties with Request_UnsupportedQuery naming this resource. */
  directoryResource?: string;
  properties: Record<string, FilterProperty<T>>;
}

function unsupported<T>(schema: FilterSchema<T>, path: string): Error {
  return schema.directoryResource
    ? graphErrors.unsupportedFilterProperty(path, schema.directoryResource)
    : graphErrors.invalidFilter(
        `Could not find a property named '${path}' on type 'microsoft.graph.${schema.typeName}'.`,
      );
}

function normalize(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function compare(op: string, left: unknown, right: Literal): boolean {
  const a = normalize(left);
  const b = normalize(right);
  switch (op) {
    case 'eq':
      return a === b || (a === undefined && b === null);
    case 'ne':
      return !(a === b || (a === undefined && b === null));
    default: {
      if (a === null || a === undefined || b === null) return false;
      const [x, y] = [a as string | number, b as string | number];
      if (op === 'gt') return x > y;
      if (op === 'ge') return x >= y;
      if (op === 'lt') return x < y;
      return x <= y;
    }
  }
}

export function compileFilter<T>(node: FilterNode, schema: FilterSchema<T>): (record: T) => boolean {
  switch (node.kind) {
    case 'and': {
      const [l, r] = [compileFilter(node.left, schema), compileFilter(node.right, schema)];
      return (record) => l(record) && r(record);
    }
    case 'or': {
      const [l, r] = [compileFilter(node.left, schema), compileFilter(node.right, schema)];
      return (record) => l(record) || r(record);
    }
    case 'not': {
      const inner = compileFilter(node.operand, schema);
      return (record) => !inner(record);
    }
    case 'compare':
    case 'function': {
      const key = node.property.path.toLowerCase();
      const property = schema.properties[key];
      const op = node.kind === 'compare' ? node.op : node.name;
      const allowed = property?.ops ?? ['eq', 'ne', 'startswith'];
      if (!property || !allowed.includes(op)) throw unsupported(schema, node.property.path);
      if (node.kind === 'compare') {
        const value = node.value;
        return (record) => compare(op, property.get(record), value);
      }
      const needle = node.value.toLowerCase();
      return (record) => {
        const raw = property.get(record);
        if (typeof raw !== 'string') return false;
        const haystack = raw.toLowerCase();
        if (node.name === 'startswith') return haystack.startsWith(needle);
        if (node.name === 'endswith') return haystack.endsWith(needle);
        return haystack.includes(needle);
      };
    }
  }
}
