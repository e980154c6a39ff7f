// Queries and signals of the provisioning workflow: shared with the client, which imports them by value.

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BulkProgress } from '../common/bulk.js';
import type { Progress } from '../common/provisioning.js';

/** The run's step, request state and what exists so far. */
export const progressQuery = defineQuery<Progress>('progress');

/** Ends a run that holds (cleanup "hold") or is waiting: it tears down what it created and completes. */
export const teardownSignal = defineSignal('teardown');

/** A bulk run's counts and per-item reports. */
export const bulkProgressQuery = defineQuery<BulkProgress>('bulkProgress');
