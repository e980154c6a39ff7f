// Checks a JSON request body against what a type accepts: refuses unknown properties and wrong JSON types with
// the caller-supplied Graph errors. `@odata.type` naming the type itself is allowed, as clients send it.

import type { GraphError } from '../errors/graph-error.js';
import { graphErrors } from '../errors/graph-errors.js';

export type FieldKind = 'string' | 'boolean' | 'number' | 'object' | 'string[]' | 'object[]' | 'any';

export interface BodyRules {
  typeName: string;
  fields: Record<string, FieldKind>;
  unknown(property: string): GraphError;
  invalid(property: string): GraphError;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matches(kind: FieldKind, value: unknown): boolean {
  if (value === null) return true;
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'object':
      return isPlainObject(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object[]':
      return Array.isArray(value) && value.every(isPlainObject);
    case 'any':
      return true;
  }
}

export function checkBody(body: unknown, rules: BodyRules): Record<string, unknown> {
  if (!isPlainObject(body)) throw graphErrors.invalidJson();
  for (const [key, value] of Object.entries(body)) {
    if (key === '@odata.type') {
      if (
        typeof value !== 'string' ||
        value.replace(/^#/, '').toLowerCase() !== `microsoft.graph.${rules.typeName}`.toLowerCase()
      ) {
        throw rules.invalid(key);
      }
      continue;
    }
    const kind = rules.fields[key];
    if (kind === undefined) throw rules.unknown(key);
    if (!matches(kind, value)) throw rules.invalid(key);
  }
  return body;
}

/** A value for an error message: strings as they are, anything else as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
