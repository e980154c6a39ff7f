// Matches a method and path to a route. Literal segments match case-insensitively (as Graph does); `{name}`
// segments capture; OData function calls such as `filterByCurrentUser(on='approver')` match a template segment
// `filterByCurrentUser(on={on})`, capturing the parameter's value (quotes removed). A path that leaves the tree names
// the first unknown segment, as Graph's "Resource not found for the segment 'x'" does; a known path with an unknown
// method is a 405.

import { graphErrors } from '../errors/graph-errors.js';
import type { GraphError } from '../errors/graph-error.js';
import type { RouteDefinition } from './route.js';

interface Node {
  literals: Map<string, Node>;
  /** Bound functions by lower-case name: the OData parameter they take and the capture it goes to. */
  functions: Map<string, { parameter: string; capture: string; node: Node }>;
  param?: { name: string; node: Node };
  routes: Map<string, RouteDefinition>;
}

export type RouteResolution =
  | { ok: true; route: RouteDefinition; params: Record<string, string> }
  | { ok: false; error: GraphError; template: string | undefined };

const newNode = (): Node => ({ literals: new Map(), functions: new Map(), routes: new Map() });

/** `name(parameter='value')` → its parts; a string value loses its quotes ('' stands for one quote). */
function functionCall(segment: string): { name: string; parameter: string; value: string } | undefined {
  const match = /^(\w+)\((\w+)=(.*)\)$/.exec(segment);
  if (!match) return undefined;
  const raw = match[3]!;
  const value = /^'.*'$/.test(raw) ? raw.slice(1, -1).replaceAll("''", "'") : raw;
  return { name: match[1]!, parameter: match[2]!, value };
}

export class Router {
  private readonly root = newNode();

  constructor(routes: readonly RouteDefinition[]) {
    for (const route of routes) this.add(route);
  }

  private add(route: RouteDefinition): void {
    let node = this.root;
    for (const segment of route.template.split('/').filter(Boolean)) {
      const param = /^\{(\w+)\}$/.exec(segment);
      const fn = /^(\w+)\((\w+)=\{(\w+)\}\)$/.exec(segment);
      if (fn) {
        const key = fn[1]!.toLowerCase();
        if (!node.functions.has(key)) node.functions.set(key, { parameter: fn[2]!, capture: fn[3]!, node: newNode() });
        node = node.functions.get(key)!.node;
      } else if (param) {
        node.param ??= { name: param[1]!, node: newNode() };
        if (node.param.name !== param[1])
          throw new Error(`Route ${route.template} names a segment {${param[1]}} already named {${node.param.name}}`);
        node = node.param.node;
      } else {
        const key = segment.toLowerCase();
        if (!node.literals.has(key)) node.literals.set(key, newNode());
        node = node.literals.get(key)!;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`Duplicate route ${route.method} ${route.template}`);
    node.routes.set(route.method, route);
  }

  resolve(method: string, path: string): RouteResolution {
    const segments = pathAddressed(path.split('/').filter(Boolean));
    const version = segments[0];
    if (version !== 'v1.0') return { ok: false, error: graphErrors.invalidVersion(version ?? ''), template: undefined };
    let node = this.root.literals.get('v1.0')!;
    const params: Record<string, string> = {};
    for (const segment of segments.slice(1)) {
      const literal = node.literals.get(segment.toLowerCase());
      const call = functionCall(decodeSegment(segment));
      const fn = call && node.functions.get(call.name.toLowerCase());
      if (literal) {
        node = literal;
      } else if (call && fn) {
        if (call.parameter.toLowerCase() !== fn.parameter.toLowerCase())
          return { ok: false, error: graphErrors.segmentNotFound(segment), template: undefined };
        params[fn.capture] = call.value;
        node = fn.node;
      } else if (node.param) {
        params[node.param.name] = decodeSegment(segment);
        node = node.param.node;
      } else {
        return { ok: false, error: graphErrors.segmentNotFound(segment), template: undefined };
      }
    }
    const route = node.routes.get(method);
    if (route) return { ok: true, route, params };
    if (node.routes.size === 0) {
      return {
        ok: false,
        error: graphErrors.segmentNotFound(segments[segments.length - 1] ?? ''),
        template: undefined,
      };
    }
    const any = [...node.routes.values()][0]!;
    return { ok: false, error: graphErrors.methodNotAllowed(), template: any.template };
  }
}

/**
 * Graph's path-based addressing, `sites/{hostname}:/sites/Marketing[:]`: from a segment ending in a colon to the next
 * one ending in a colon (or the end), the segments are one key.
 */
function pathAddressed(segments: string[]): string[] {
  const start = segments.findIndex((s, i) => i > 1 && s.endsWith(':'));
  if (start < 0 || start === segments.length - 1) return segments;
  let end = segments.findIndex((s, i) => i > start && s.endsWith(':'));
  if (end < 0) end = segments.length - 1;
  const key = segments.slice(start, end + 1).join('/');
  return [...segments.slice(0, start), key, ...segments.slice(end + 1)];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
