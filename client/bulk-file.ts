// Reads a bulk provisioning file (YAML or JSON): a list of items, or `{ defaults, items }`. Each item is a
// provisioning input (requestorUpn and packageName at least); missing fields come from `defaults`, then from the
// bulk defaults below. Every problem is reported with the line and field it concerns, before anything starts.

import { type LineCounter, type Node, isMap, isSeq } from 'yaml';
import { bulkLimits } from '../common/bulk.js';
import { tutorialDefaults } from '../common/defaults.js';
import type { ProvisioningInput } from '../common/provisioning.js';
import { validateProvisioningInput, workflowInput } from '../common/validation.js';
import { provisioningWorkflowId } from '../common/workflow-id.js';
import { readBoundedYaml, toJsOptions } from './bounded-file.js';
import { CliError, ExitCode } from './exit-codes.js';

/** Bulk runs keep the access they grant: items of one package share its group and package (see bulk-provision.ts). */
const bulkDefaults: Partial<ProvisioningInput> = {
  catalogName: tutorialDefaults.catalogName,
  policyName: tutorialDefaults.policyName,
  durationDays: tutorialDefaults.durationDays,
  cleanup: 'keep',
};

export interface BulkFile {
  items: ProvisioningInput[];
  /** The file's bytes, hashed into the bulk run's workflow id. */
  text: string;
}

function lineOf(lines: LineCounter, node: Node | null | undefined): number {
  return node?.range ? lines.linePos(node.range[0]).line : 1;
}

/** The line of a field of an item, `cleanup` or `resources[1].url`; the nearest enclosing one when it is absent. */
function fieldLine(lines: LineCounter, item: Node, field: string): number {
  const path = field
    .split(/[.[\]]+/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  for (let depth = path.length; depth > 0 && isMap(item); depth--) {
    const node = item.getIn(path.slice(0, depth), true) as Node | undefined;
    if (node?.range) return lineOf(lines, node);
  }
  return lineOf(lines, item);
}

export function readBulkFile(path: string): BulkFile {
  const { text, doc, lines } = readBoundedYaml(path, 'bulk');
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new CliError(`${path}:${line}: not valid YAML or JSON: ${syntax.message.split('\n')[0]}`, ExitCode.BadInput);
  }
  let list: Node | null = doc.contents;
  let defaults: Record<string, unknown> = {};
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value);
      if (key !== 'items' && key !== 'defaults') {
        throw new CliError(
          `${path}:${lineOf(lines, pair.key)}: unknown top-level key "${key}" (use "defaults" and "items")`,
          ExitCode.BadInput,
        );
      }
    }
    list = doc.get('items', true) as Node | null;
    const rawDefaults: unknown = (doc.toJS(toJsOptions) as { defaults?: unknown }).defaults ?? {};
    if (typeof rawDefaults !== 'object' || rawDefaults === null || Array.isArray(rawDefaults)) {
      throw new CliError(
        `${path}:${lineOf(lines, doc.get('defaults', true) as Node)}: "defaults" must be a map of fields`,
        ExitCode.BadInput,
      );
    }
    defaults = rawDefaults as Record<string, unknown>;
  }
  if (!isSeq(list)) throw new CliError(`${path}:1: expected a list of items, or a map with "items"`, ExitCode.BadInput);
  if (list.items.length === 0 || list.items.length > bulkLimits.items) {
    throw new CliError(
      `${path}: the file must hold 1 to ${bulkLimits.items} items (it holds ${list.items.length})`,
      ExitCode.BadInput,
    );
  }

  const items: ProvisioningInput[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const node of list.items as Node[]) {
    const line = lineOf(lines, node);
    if (!isMap(node)) {
      problems.push(`${path}:${line}: each item must be a map of fields`);
      continue;
    }
    const raw: Record<string, unknown> = {
      ...bulkDefaults,
      ...defaults,
      ...(node.toJS(doc, toJsOptions) as Record<string, unknown>),
    };
    if (raw.groupName === undefined && raw.resources === undefined && typeof raw.packageName === 'string')
      raw.groupName = raw.packageName;
    for (const field of ['requestorUpn', 'packageName']) {
      if (raw[field] === undefined) problems.push(`${path}:${line}: ${field} is required`);
    }
    const result = validateProvisioningInput(raw);
    if (!result.ok) {
      for (const issue of result.issues)
        problems.push(`${path}:${fieldLine(lines, node, issue.field)}: ${issue.field} ${issue.problem}`);
      continue;
    }
    if (result.input.cleanup !== 'keep') {
      problems.push(
        `${path}:${fieldLine(lines, node, 'cleanup')}: cleanup must be "keep" in a bulk file (tear runs down later with entra-saga teardown)`,
      );
      continue;
    }
    const id = provisioningWorkflowId(result.input);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push(`${path}:${line}: duplicates the item on line ${first} (same catalog, package and requestor)`);
      continue;
    }
    seen.set(id, line);
    items.push(workflowInput(result.input));
  }
  if (problems.length)
    throw new CliError(
      problems.slice(0, 20).join('\n') + (problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''),
      ExitCode.BadInput,
    );
  return { items, text };
}
