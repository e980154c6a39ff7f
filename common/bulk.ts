// Bulk provisioning: one parent run fanning out a provisioning run per item, with bounded concurrency.

import type { ProvisioningInput } from './provisioning.js';

/** Item runs in flight at once when `--concurrency` is not given. */
export const defaultConcurrency = 10;

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
