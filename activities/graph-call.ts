// Shared plumbing of the activities: running a Graph call with the failure classifier, waiting out replication lag,
// and reading Graph's creation times.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphFailure, type GraphOperation } from './failures.js';

/** How long one attempt waits, in place, for a just-created object to become visible, and how often it looks. */
export const visibilityWaitMs = 2_000;
const visibilityPollMs = 100;

/** Reads that say whether the objects a write names are visible yet (cheap GETs, on the read budget). */
export type VisibilityProbe = () => Promise<boolean>;

/**
 * Runs `attempt` until it stops failing with "not visible yet" (ReplicationLag, NotYetVisible), for up to 2 s, then
 * lets the failure go to Temporal's retry policy. Between tries it looks every 100 ms: with `probe`, a read of the
 * objects the attempt names, so that a write is sent again only once they are visible (a refused write still counts
 * against the tenant's write budget); without, the attempt itself (a read). Entra usually replicates a new object
 * within a second or two; the Temporal server does not schedule retries sooner than 1 s apart, so these short waits
 * happen here. Every other failure leaves at once.
 */
export async function untilVisible<T>(attempt: () => Promise<T>, probe?: VisibilityProbe): Promise<T> {
  const deadline = Date.now() + visibilityWaitMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const lagging =
        error instanceof ApplicationFailure &&
        (error.type === FailureType.ReplicationLag || error.type === FailureType.NotYetVisible);
      if (!lagging) throw error;
      do {
        if (Date.now() + visibilityPollMs > deadline) throw error;
        await Context.current().sleep(visibilityPollMs);
      } while (probe && !(await probe().catch(() => false)));
    }
  }
}

/** A probe that the objects at these Graph paths can be read (GET answers 200). */
export function visible(
  graph: { api(path: string): { select(fields: string): { get(): Promise<unknown> } } },
  ...paths: string[]
): VisibilityProbe {
  return async () => {
    for (const path of paths) await graph.api(path).select('id').get();
    return true;
  };
}

/** A failed Graph call's error as the classified failure the activity throws (for calls with their own handling). */
export function classified(error: unknown, operation: GraphOperation): ApplicationFailure {
  return classifyGraphFailure(error, operation, currentStep());
}

/**
 * Runs one Graph call; any failure leaves as a classified ApplicationFailure (after the visibility wait, which
 * watches `probe` when the call is a write naming new objects).
 */
export function graphCall<T>(operation: GraphOperation, call: () => Promise<T>, probe?: VisibilityProbe): Promise<T> {
  return untilVisible(async () => {
    try {
      return await call();
    } catch (error) {
      throw classified(error, operation);
    }
  }, probe);
}

/** What graphCallOrNotFound resolves to when Graph answers 404. */
export const notFound = Symbol('notFound');

/**
 * Like graphCall, but a 404 is an answer, not a failure: resolves `notFound`. For lookups by id or key and for
 * deletes, where "not there" is a normal outcome.
 */
export async function graphCallOrNotFound<T>(
  operation: GraphOperation,
  call: () => Promise<T>,
): Promise<T | typeof notFound> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return notFound;
    throw classifyGraphFailure(error, operation, currentStep());
  }
}

/** This activity's age (since its first attempt was scheduled) and attempt number. */
export function currentStep(): { ageMs: number; attempt: number } {
  const { scheduledTimestampMs, attempt } = Context.current().info;
  return { ageMs: Math.max(0, Date.now() - scheduledTimestampMs), attempt };
}

/**
 * Whether Graph's creation time is at or after a moment. Graph may give whole seconds only, so the moment is taken
 * to its second; an object with no creation time is not claimed.
 */
export function createdAtOrAfter(createdDateTime: string | null | undefined, sinceMs: number): boolean {
  const created = createdDateTime ? Date.parse(createdDateTime) : Number.NaN;
  return !Number.isNaN(created) && created >= Math.floor(sinceMs / 1000) * 1000;
}

/** True on the first attempt of this activity. */
export function firstAttempt(): boolean {
  return Context.current().info.attempt <= 1;
}

/** Quotes a value for an OData string literal: ' becomes ''. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Graph's collection envelope. */
export interface GraphList<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

export const EM = '/identityGovernance/entitlementManagement';

/** An object found by its key, with Graph's creation time. */
export interface FoundObject {
  id: string;
  createdDateTime?: string | null;
}
