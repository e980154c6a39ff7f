// Queries and signals of the provisioning workflow: shared with the client, which imports them by value.

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ApprovalDecision } from '../common/approvals.js';
import type { BulkProgress } from '../common/bulk.js';
import type { Progress } from '../common/provisioning.js';

/** The run's step, request state and what exists so far. */
export const progressQuery = defineQuery<Progress>('progress');

/** Ends a run that holds (cleanup "hold") or is waiting: it tears down what it created and completes. */
export const teardownSignal = defineSignal('teardown');

/**
 * The requestor has asked (`entra-saga request`): the run looks for the request in Graph now rather than at its next
 * read. The id is a hint; what the run follows is what Graph shows.
 */
export const requestMadeSignal = defineSignal<[{ requestId: string }]>('requestMade');

/**
 * An approver decided a stage through Graph (`entra-saga approve|deny`): the run records who, when and why, and reads
 * the request now. A decision made in the portal shows when the request moves on.
 */
export const approvalDecidedSignal = defineSignal<[ApprovalDecision]>('approvalDecided');

/** A signed-in person cancelled the run's pending request (`entra-saga cancel-request`): the run reads it now. */
export const requestCancelledSignal = defineSignal<[{ requestId: string; by: string }]>('requestCancelled');

/** Read Graph now: for an operator who knows the request moved on (a decision made in the portal). */
export const refreshSignal = defineSignal('refresh');

/** A bulk run's counts and per-item reports. */
export const bulkProgressQuery = defineQuery<BulkProgress>('bulkProgress');
