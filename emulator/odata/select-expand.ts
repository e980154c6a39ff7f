// Parses $select and $expand, including nested options: `resourceRoleScopes($expand=role,scope)`,
// `assignment($expand=target;$select=id,state)`.

import { graphErrors } from '../errors/graph-errors.js';

export interface ExpandItem {
  name: string;
  select?: string[];
  expand: ExpandItem[];
}

/** Splits on a separator at nesting depth 0. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseSelect(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseExpand(text: string): ExpandItem[] {
  return splitTopLevel(text, ',').map((part) => {
    const open = part.indexOf('(');
    if (open < 0) return { name: part, expand: [] };
    if (!part.endsWith(')')) throw graphErrors.badExpand(part);
    const name = part.slice(0, open).trim();
    const item: ExpandItem = { name, expand: [] };
    for (const option of splitTopLevel(part.slice(open + 1, -1), ';')) {
      const eq = option.indexOf('=');
      const key = option.slice(0, eq).trim().toLowerCase();
      const value = option.slice(eq + 1);
      if (eq < 0) throw graphErrors.badExpand(part);
      if (key === '$expand') item.expand = parseExpand(value);
      else if (key === '$select') item.select = parseSelect(value);
      else throw graphErrors.queryOptionNotAllowed(key);
    }
    return item;
  });
}
