// Bulk provisioning: one parent run fanning out a provisioning run per item, with bounded concurrency.

import type { ProvisioningInput } from './provisioning.js';

export const bulkLimits = {
  items: 1000,
  concurrency: { min: 1, max: 200 },
} as const;

export interface BulkInput {
  items: ProvisioningInput[];
  /** How many item runs may be in flight at once. */
  concurrency: number;
}

export type BulkItemStatus = 'pending' | 'running' | 'completed' | 'compensated' | 'failed' | 'cancelled';

/** How one item went: its run, what it created or adopted, and why it failed. */
export interface BulkItemReport {
  index: number;
  workflowId: string;
  requestorUpn: string;
  packageName: string;
  status: BulkItemStatus;
  created: number;
  adopted: number;
  error?: string;
}

export interface BulkProgress {
  total: number;
  counts: Record<BulkItemStatus, number>;
  items: BulkItemReport[];
}

/**
 * The shared objects an item may create: its access package (by catalog and name) and its group (by mailNickname).
 * Items with a key in common must not create it at the same time: the first creates it, the others adopt it.
 */
export function sharedObjectKeys(item: Pick<ProvisioningInput, 'catalogName' | 'packageName' | 'groupMailNickname' | 'groupName'>): string[] {
  const norm = (s: string) => s.trim().toLowerCase();
  return [`package:${norm(item.catalogName)}/${norm(item.packageName)}`, `group:${norm(item.groupMailNickname ?? item.groupName)}`];
}
